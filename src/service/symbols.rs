//! Document symbols: the outline of a rule file (designations with their categories and
//! subcategories, inputs and records with their fields, values, functions, tables, templates).

use std::path::Path;

use serde::Serialize;

use super::index::DefKind;
use super::{Range, Workspace, absolute};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SymbolKind {
    Designation,
    Category,
    Subcategory,
    Input,
    Record,
    Field,
    Value,
    Function,
    Table,
    Template,
}

/// One entry of the outline.
#[derive(Clone, Debug, Serialize)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub range: Range,
    /// Its name.
    pub selection: Range,
    pub children: Vec<Symbol>,
}

impl Workspace {
    /// The outline of a file, in the order of the file.
    pub fn symbols(&mut self, path: impl AsRef<Path>) -> Vec<Symbol> {
        let analysis = self.analysis();
        let Some(file) = analysis.find(&absolute(path.as_ref())) else {
            return Vec::new();
        };
        let f = &analysis.files[file];
        let defs = &analysis.index.defs;
        // Definitions of the file by parent, built from the leaves up.
        let mut built: Vec<Option<Symbol>> = vec![None; defs.len()];
        for i in (0..defs.len()).rev() {
            let def = &defs[i];
            if def.file != file {
                continue;
            }
            let kind = match def.kind {
                DefKind::Designation => SymbolKind::Designation,
                DefKind::Category => SymbolKind::Category,
                DefKind::Subcategory => SymbolKind::Subcategory,
                DefKind::Input => SymbolKind::Input,
                DefKind::Record => SymbolKind::Record,
                DefKind::Field => SymbolKind::Field,
                DefKind::Value => SymbolKind::Value,
                DefKind::Function => SymbolKind::Function,
                DefKind::Table => SymbolKind::Table,
                DefKind::Template => SymbolKind::Template,
                DefKind::Local => continue,
            };
            let mut children: Vec<Symbol> = (i + 1..defs.len())
                .filter(|&c| defs[c].parent == Some(i))
                .filter_map(|c| built[c].take())
                .collect();
            children.sort_by_key(|c| c.range.start_byte);
            let name = match def.kind {
                DefKind::Value | DefKind::Table => match def.from {
                    Some(date) => format!("{} from {date}", def.name),
                    None => def.name.clone(),
                },
                _ => def.name.clone(),
            };
            built[i] = Some(Symbol {
                name,
                kind,
                range: f.range(def.item_range.start, def.item_range.end),
                selection: f.range(def.name_range.start, def.name_range.end),
                children,
            });
        }
        let mut top: Vec<Symbol> = built.into_iter().flatten().collect();
        top.sort_by_key(|s| s.range.start_byte);
        top
    }
}
