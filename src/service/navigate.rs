//! Hover, go to definition, find references and rename.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::index::{Def, DefKind};
use super::{Analysis, Position, Range, Workspace, absolute};

/// A place in a file of the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub range: Range,
}

/// What hovering over a name shows: Markdown, and the range of the name.
#[derive(Clone, Debug, Serialize)]
pub struct Hover {
    pub markdown: String,
    pub range: Range,
}

/// What is at a place: the analysis, the file, the definitions meant and the name's bytes.
type Found = (Arc<Analysis>, usize, Vec<usize>, std::ops::Range<usize>);

/// The longest declaration shown whole in a hover, in lines.
const SHOWN_LINES: usize = 12;

impl Workspace {
    /// The definitions (and range of the name) at a place of a file.
    fn defs_at(&mut self, path: &Path, at: Position) -> Option<Found> {
        let analysis = self.analysis();
        let file = analysis.find(&absolute(path))?;
        let f = &analysis.files[file];
        let offset = f.lines.offset(&f.text, at);
        let (defs, name) = analysis.index.at(file, offset)?;
        Some((analysis, file, defs, name))
    }

    /// What the name at a place is: its kind, type, value, notes and dated versions.
    pub fn hover(&mut self, path: impl AsRef<Path>, at: Position) -> Option<Hover> {
        let (analysis, file, defs, range) = self.defs_at(path.as_ref(), at)?;
        let family = analysis.index.family(&defs);
        let first = &analysis.index.defs[*family.first()?];
        let markdown = describe(&analysis, &family, first);
        Some(Hover {
            markdown,
            range: analysis.files[file].range(range.start, range.end),
        })
    }

    /// Where the name at a place is defined (every version of a dated value).
    pub fn definition(&mut self, path: impl AsRef<Path>, at: Position) -> Vec<Location> {
        let Some((analysis, _, defs, _)) = self.defs_at(path.as_ref(), at) else {
            return Vec::new();
        };
        analysis
            .index
            .family(&defs)
            .into_iter()
            .map(|d| def_location(&analysis, &analysis.index.defs[d]))
            .collect()
    }

    /// Every use of the name at a place, in every file, and its definitions when asked.
    pub fn references(
        &mut self,
        path: impl AsRef<Path>,
        at: Position,
        with_definitions: bool,
    ) -> Vec<Location> {
        let Some((analysis, _, defs, _)) = self.defs_at(path.as_ref(), at) else {
            return Vec::new();
        };
        let family = analysis.index.family(&defs);
        let mut out: Vec<Location> = Vec::new();
        if with_definitions {
            out.extend(
                family
                    .iter()
                    .map(|&d| def_location(&analysis, &analysis.index.defs[d])),
            );
        }
        for u in analysis.index.uses_of(&family) {
            let f = &analysis.files[u.file];
            out.push(Location {
                path: f.path.clone(),
                range: f.range(u.range.start, u.range.end),
            });
        }
        out.dedup();
        out
    }

    /// The edits that rename the name at a place everywhere it is defined and used; an error
    /// says why it cannot be renamed.
    pub fn rename(
        &mut self,
        path: impl AsRef<Path>,
        at: Position,
        new_name: &str,
    ) -> Result<Vec<super::Edit>, String> {
        let Some((analysis, _, defs, _)) = self.defs_at(path.as_ref(), at) else {
            return Err("there is no name here to rename".into());
        };
        let family = analysis.index.family(&defs);
        let kind = analysis.index.defs[family[0]].kind;
        if matches!(
            kind,
            DefKind::Designation | DefKind::Category | DefKind::Subcategory
        ) {
            return Err(format!(
                "a {} is renamed by editing its quoted name",
                kind.word()
            ));
        }
        if !is_name(new_name) {
            return Err(format!(
                "`{new_name}` is not a name: letters, digits and `_`, starting with a letter, and not a word of the language"
            ));
        }
        let mut edits: Vec<super::Edit> = Vec::new();
        let mut add = |file: usize, range: &std::ops::Range<usize>| {
            let f = &analysis.files[file];
            let edit = super::Edit {
                path: f.path.clone(),
                range: f.range(range.start, range.end),
                new_text: new_name.to_string(),
            };
            if !edits.contains(&edit) {
                edits.push(edit);
            }
        };
        for &d in &family {
            let def = &analysis.index.defs[d];
            add(def.file, &def.name_range);
        }
        for u in analysis.index.uses_of(&family) {
            add(u.file, &u.range);
        }
        Ok(edits)
    }
}

/// Whether `text` can name a definition.
pub(crate) fn is_name(text: &str) -> bool {
    use pest::Parser;
    crate::syntax::grammar::TallyParser::parse(crate::syntax::grammar::Rule::ident, text)
        .is_ok_and(|p| p.as_str() == text)
}

fn def_location(analysis: &Analysis, def: &Def) -> Location {
    let f = &analysis.files[def.file];
    Location {
        path: f.path.clone(),
        range: f.range(def.name_range.start, def.name_range.end),
    }
}

/// The hover text of a definition and its other versions.
fn describe(analysis: &Analysis, family: &[usize], first: &Def) -> String {
    let mut out = String::new();
    let ty = analysis
        .type_of(first.file, &first.name)
        .map(|t| t.to_string());
    let heading = match (first.kind, &ty) {
        (DefKind::Field, _) => {
            let owner = first
                .parent
                .map(|p| analysis.index.defs[p].name.as_str())
                .unwrap_or_default();
            format!("field `{}` of `{owner}`", first.name)
        }
        (DefKind::Designation | DefKind::Category | DefKind::Subcategory, _) => {
            format!("{} \"{}\"", first.kind.word(), first.name)
        }
        (DefKind::Function, Some(t)) => format!("function `{}`, gives {t}", first.name),
        (_, Some(t)) => format!("{} `{}`: {t}", first.kind.word(), first.name),
        (_, None) => format!("{} `{}`", first.kind.word(), first.name),
    };
    out.push_str(&format!("**{heading}**\n"));
    let dated = family.len() > 1 || first.from.is_some();
    for &d in family {
        let def = &analysis.index.defs[d];
        let file = &analysis.files[def.file];
        if dated {
            let line = file.lines.position(&file.text, def.name_range.start).line + 1;
            let name = file.path.file_name().unwrap_or_default().to_string_lossy();
            match def.from {
                Some(date) => out.push_str(&format!("\n*in force from {date}* ({name}:{line})\n")),
                None => out.push_str(&format!("\n*in force since always* ({name}:{line})\n")),
            }
        }
        if def.kind != DefKind::Local {
            out.push_str(&format!(
                "\n```tally\n{}\n```\n",
                shown(&file.text[def.item_range.clone()])
            ));
        }
        for note in &def.notes {
            let word = match note.kind {
                crate::syntax::ast::NoteKind::Source => "source",
                crate::syntax::ast::NoteKind::Assumption => "assumption",
            };
            out.push_str(&format!("\n- {word}: {}\n", note.text));
        }
    }
    out
}

/// A declaration as shown in a hover: its first lines, and how many more there are.
fn shown(text: &str) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if lines.len() <= SHOWN_LINES {
        return lines.join("\n");
    }
    format!(
        "{}\n# ... {} more lines",
        lines[..SHOWN_LINES].join("\n"),
        lines.len() - SHOWN_LINES
    )
}
