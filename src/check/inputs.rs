//! The input of a rule set: its fields become names in the files that import it; `identifier`,
//! `display name` and `evaluation date` mark fields; `unique by` and `refers to` are resolved.

use super::{Checker, Symbol};
use crate::diagnostic::{Code, Diag, did_you_mean};
use crate::ir::types::RecordId;
use crate::ir::{GlobalDef, InputKind, KindId, Reference, ShapeType};
use crate::source::FileId;
use crate::syntax::ast::{self, ModifierKind};

impl<'a> Checker<'a> {
    /// "`customer` has no field `x`", with a "did you mean".
    fn no_such_field(&mut self, record: RecordId, name: &ast::Ident, what: Option<&str>) {
        let record = self.program.record(record);
        let what = what.map_or_else(|| format!("`{}`", record.name), str::to_string);
        let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
        let mut diag = Diag::error(
            Code::UnknownField,
            name.span,
            format!("{what} has no field `{}`", name.name),
        )
        .label("no such field");
        if let Some(help) = did_you_mean(&name.name, names) {
            diag = diag.help(help);
        }
        self.error(diag);
    }

    pub(super) fn check_unique_by(&mut self, decl: &ast::ShapeDecl, id: RecordId) {
        for (i, f) in decl.fields.iter().enumerate() {
            for m in &f.modifiers {
                if let ModifierKind::UniqueBy(key) = &m.kind {
                    let element = record_elements(&self.program.record(id).fields[i].ty);
                    let Some(element) = element else {
                        self.error(
                            Diag::error(
                                Code::BadModifier,
                                m.span,
                                "`unique by` is for a list of records",
                            )
                            .label("not a list of records")
                            .help("write `things: list of thing, unique by id`"),
                        );
                        continue;
                    };
                    match self.program.record(element).field(&key.name) {
                        Some(index) => {
                            self.program.records[id.0 as usize].fields[i].unique_by =
                                Some(index as u32)
                        }
                        None => self.no_such_field(element, key, None),
                    }
                }
            }
        }
    }

    pub(super) fn declare_input(
        &mut self,
        file: FileId,
        decl: &'a ast::ShapeDecl,
        record: RecordId,
    ) {
        let kind = KindId(self.program.kinds.len() as u32);
        let mut input = InputKind {
            name: decl.name.name.clone(),
            title: decl.title.clone(),
            span: decl.name.span,
            record,
            identifier: None,
            display_name: None,
            evaluation_date: None,
            designations: Vec::new(),
            output: Vec::new(),
        };
        for (i, f) in decl.fields.iter().enumerate() {
            for m in &f.modifiers {
                let (slot, what, wants) = match m.kind {
                    ModifierKind::Identifier => (&mut input.identifier, "identifier", "text"),
                    ModifierKind::DisplayName => (&mut input.display_name, "display name", "text"),
                    ModifierKind::EvaluationDate => {
                        (&mut input.evaluation_date, "evaluation date", "date")
                    }
                    _ => continue,
                };
                let shape = &self.program.record(record).fields[i];
                let fits = match wants {
                    "date" => matches!(shape.ty, ShapeType::Date),
                    _ => matches!(shape.ty, ShapeType::Text | ShapeType::Choice(_)),
                };
                if !fits {
                    self.diags.push(
                        Diag::error(
                            Code::BadModifier,
                            m.span,
                            format!("the {what} must be a {wants} field"),
                        )
                        .label(format!("`{}` is not a {wants}", f.name.name))
                        .help(format!("mark a {wants} field as the {what}")),
                    );
                } else if slot.is_some() {
                    self.diags.push(
                        Diag::error(
                            Code::BadModifier,
                            m.span,
                            format!("two fields are marked as the {what}"),
                        )
                        .label("second one")
                        .help(format!("an input has one {what}")),
                    );
                } else {
                    *slot = Some(i as u32);
                }
            }
        }
        self.program.kinds.push(input);
        // The input's fields are names in every file that imports the input.
        let loaded = self.loaded;
        let mut field_globals = Vec::new();
        for (i, f) in decl.fields.iter().enumerate() {
            let ty = self.full_field_type(&self.program.record(record).fields[i]);
            let id = self.new_global(
                &f.name.name,
                f.name.span,
                GlobalDef::Input {
                    kind,
                    field: i as u32,
                },
            );
            self.program.globals[id.0 as usize].ty = ty;
            self.global_state[id.0 as usize] = super::State::Done;
            field_globals.push((f.name.name.as_str(), id, f.name.span));
        }
        for other in &loaded.files {
            if !loaded.closure(other.id).contains(&file) {
                continue;
            }
            self.kind_of_file.entry(other.id).or_insert(kind);
            let scope = self.scopes.entry(other.id).or_default();
            let mut clashes = Vec::new();
            for &(name, id, span) in &field_globals {
                match scope.get(name) {
                    Some(&(_, existing)) => clashes.push((name, span, existing)),
                    None => {
                        scope.insert(name, (Symbol::Global(id), span));
                    }
                }
            }
            for (name, span, existing) in clashes {
                if existing.file == other.id {
                    self.error(
                        Diag::error(Code::DuplicateName, existing, format!("`{name}` is also a field of the input `{}`", decl.name.name))
                            .label("defined again here")
                            .also(span, "input field")
                            .help("rename this definition; the input's fields are names in every file that imports it"),
                    );
                }
            }
        }
    }

    /// `refers to list.key`: `list` is a list of records in the input, `key` one of their fields.
    pub(super) fn resolve_references(&mut self, file: FileId, decl: &ast::ShapeDecl, id: RecordId) {
        let kind = self.kind_of_file.get(&file).copied();
        for (i, f) in decl.fields.iter().enumerate() {
            for m in &f.modifiers {
                let ModifierKind::RefersTo(list, key) = &m.kind else {
                    continue;
                };
                let Some(kind) = kind else {
                    self.error(
                        Diag::error(
                            Code::BadModifier,
                            m.span,
                            "`refers to` needs an input to refer into",
                        )
                        .label("no input")
                        .help("declare the input in this file or import it"),
                    );
                    continue;
                };
                let input = self.program.record(self.program.kind(kind).record);
                let Some(list_index) = input.field(&list.name) else {
                    self.no_such_field(self.program.kind(kind).record, list, Some("the input"));
                    continue;
                };
                let element = record_elements(&input.fields[list_index].ty);
                let Some(element) = element else {
                    self.error(
                        Diag::error(
                            Code::BadModifier,
                            list.span,
                            format!("`{}` is not a list of records", list.name),
                        )
                        .label("here")
                        .help("`refers to` names a list of records and one of their fields"),
                    );
                    continue;
                };
                let Some(key_index) = self.program.record(element).field(&key.name) else {
                    self.no_such_field(element, key, None);
                    continue;
                };
                self.program.records[id.0 as usize].fields[i].refers_to = Some(Reference {
                    list_field: list_index as u32,
                    key_field: key_index as u32,
                    text: format!("{}.{}", list.name, key.name),
                });
            }
        }
    }
}

/// The record of the elements of a list of records.
fn record_elements(ty: &ShapeType) -> Option<RecordId> {
    match ty {
        ShapeType::List(inner) => match inner.as_ref() {
            ShapeType::Record(r) => Some(*r),
            _ => None,
        },
        _ => None,
    }
}
