//! Input shapes and tables: the declared data (`input`, `record`) and the tables whose
//! labels serve as types (`map of feature to ...`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rust_decimal::Decimal;

use super::{Checker, Symbol, TypeSymbol};
use crate::ast::{self, Item, Literal, ModifierKind, TypeExprKind};
use crate::diagnostic::{Diag, did_you_mean};
use crate::eval::value::{Layout, Value};
use crate::ir::{
    FieldShape, GlobalDef, InputKind, KindId, RecordShape, Reference, ShapeType, TableData, Variant,
};
use crate::source::{FileId, Span};
use crate::types::{Choice, GlobalId, RecordId, Type};

const BASE_TYPES: [&str; 5] = ["text", "number", "date", "month", "boolean"];

impl<'a> Checker<'a> {
    /// A table and its dated versions, as one global.
    pub(super) fn table_global(&mut self, variants: &[&'a ast::TableDecl]) -> GlobalId {
        let first = variants[0];
        let mut lowered = Vec::new();
        for t in variants {
            if t.row_axis.name != first.row_axis.name
                || t.column_axis.name != first.column_axis.name
            {
                self.error(
                    Diag::error(
                        "table-axes",
                        t.row_axis.span.to(t.column_axis.span),
                        format!(
                            "this version of `{}` is `{} \\ {}`, the first is `{} \\ {}`",
                            t.name.name,
                            t.row_axis.name,
                            t.column_axis.name,
                            first.row_axis.name,
                            first.column_axis.name
                        ),
                    )
                    .label("different axes")
                    .also(
                        first.row_axis.span.to(first.column_axis.span),
                        "first version",
                    )
                    .help("every version of a table names its rows and columns the same way"),
                );
            }
            let mut cells = Vec::new();
            let mut seen_rows: Vec<&str> = Vec::new();
            for row in &t.rows {
                if seen_rows.contains(&row.label.name.as_str()) {
                    self.error(
                        Diag::error(
                            "duplicate-row",
                            row.label.span,
                            format!(
                                "row `{}` appears twice in table `{}`",
                                row.label.name, t.name.name
                            ),
                        )
                        .label("second row")
                        .help("each row label appears once; merge or rename the rows"),
                    );
                }
                seen_rows.push(&row.label.name);
                if row.cells.len() != t.columns.len() {
                    let span = row
                        .cells
                        .last()
                        .map_or(row.label.span, |(_, s)| row.label.span.to(*s));
                    let values = plural(row.cells.len(), "value");
                    self.error(
                        Diag::error(
                            "table-shape",
                            span,
                            format!(
                                "row `{}` has {values}; the table has {}",
                                row.label.name,
                                plural(t.columns.len(), "column")
                            ),
                        )
                        .label(values)
                        .help("give each row one value per column, in the header's order"),
                    );
                }
                cells.extend(
                    (0..t.columns.len()).map(|i| row.cells.get(i).map_or(Decimal::ZERO, |c| c.0)),
                );
            }
            let mut seen_columns: Vec<&str> = Vec::new();
            for column in &t.columns {
                if seen_columns.contains(&column.name.as_str()) {
                    self.error(
                        Diag::error(
                            "duplicate-column",
                            column.span,
                            format!(
                                "column `{}` appears twice in table `{}`",
                                column.name, t.name.name
                            ),
                        )
                        .label("second column")
                        .help("each column label appears once"),
                    );
                }
                seen_columns.push(&column.name);
            }
            lowered.push(Variant {
                from: t.from.map(|(d, _)| d),
                span: t.name.span,
                notes: t.notes.clone(),
                value: Arc::new(TableData {
                    row_axis: t.row_axis.name.clone(),
                    column_axis: t.column_axis.name.clone(),
                    rows: t
                        .rows
                        .iter()
                        .map(|r| Arc::from(r.label.name.as_str()))
                        .collect(),
                    columns: t
                        .columns
                        .iter()
                        .map(|c| Arc::from(c.name.as_str()))
                        .collect(),
                    cells,
                }),
            });
        }
        let id = self.new_global(&first.name.name, first.name.span, GlobalDef::Table(lowered));
        self.program.globals[id.0 as usize].ty = Type::Table(id);
        id
    }

    /// The labels of a table's rows or columns in any of its versions, as a type.
    pub(super) fn axis_type(&self, table: GlobalId, rows: bool) -> Type {
        let GlobalDef::Table(variants) = &self.program.global(table).def else {
            return Type::Error;
        };
        let mut values = BTreeSet::new();
        let mut name = String::new();
        for v in variants {
            let labels = if rows {
                &v.value.rows
            } else {
                &v.value.columns
            };
            values.extend(labels.iter().map(|l| l.to_string()));
            name = if rows {
                v.value.row_axis.clone()
            } else {
                v.value.column_axis.clone()
            };
        }
        Type::Choice(Arc::new(Choice {
            name: Some(name),
            values,
        }))
    }

    /// Records and inputs become shapes; inputs become kinds, whose fields are names in the
    /// files that import them.
    pub(super) fn resolve_shapes(&mut self) {
        let loaded = self.loaded;
        // Type names first, so records can refer to each other in any order.
        let mut own: HashMap<FileId, Vec<(String, TypeSymbol, Span)>> = HashMap::new();
        let mut decls: Vec<(FileId, &ast::ShapeDecl, RecordId)> = Vec::new();
        for file in &loaded.files {
            for item in &file.items {
                if let Item::Shape(s) = item {
                    let id = RecordId(self.program.records.len() as u32);
                    self.program.records.push(RecordShape {
                        name: s.name.name.clone(),
                        title: s.title.clone(),
                        span: s.name.span,
                        layout: Arc::new(Layout {
                            name: s.name.name.clone(),
                            fields: s.fields.iter().map(|f| f.name.name.clone()).collect(),
                        }),
                        fields: Vec::new(),
                    });
                    if BASE_TYPES.contains(&s.name.name.as_str()) {
                        self.error(
                            Diag::error(
                                "duplicate-name",
                                s.name.span,
                                format!("`{}` is a built-in type", s.name.name),
                            )
                            .label("built-in type")
                            .help("choose another name for this record"),
                        );
                    }
                    own.entry(file.id).or_default().push((
                        s.name.name.clone(),
                        TypeSymbol::Record(id),
                        s.name.span,
                    ));
                    decls.push((file.id, s, id));
                }
            }
        }
        for (id, global) in self.program.globals.iter().enumerate() {
            if let GlobalDef::Table(variants) = &global.def {
                let file = global.span.file;
                let data = &variants[0].value;
                let table = GlobalId(id as u32);
                own.entry(file).or_default().push((
                    data.row_axis.clone(),
                    TypeSymbol::Axis { table, rows: true },
                    global.span,
                ));
                own.entry(file).or_default().push((
                    data.column_axis.clone(),
                    TypeSymbol::Axis { table, rows: false },
                    global.span,
                ));
            }
        }
        for file in &loaded.files {
            let mut scope = HashMap::new();
            for dep in loaded.closure(file.id) {
                for (name, symbol, span) in own.get(&dep).map_or(&[][..], Vec::as_slice) {
                    if let Some((_, other)) = scope.get(name) {
                        if *other != *span && dep == file.id {
                            self.error(
                                Diag::error(
                                    "duplicate-name",
                                    *span,
                                    format!("type `{name}` is defined twice"),
                                )
                                .label("second definition")
                                .also(*other, "first definition")
                                .help("rename one of them"),
                            );
                        }
                        continue;
                    }
                    scope.insert(name.clone(), (symbol.clone(), *span));
                }
            }
            self.types.insert(file.id, scope);
        }
        for (file, decl, id) in &decls {
            let fields = decl
                .fields
                .iter()
                .map(|f| self.field_shape(*file, f))
                .collect::<Vec<_>>();
            let mut seen: Vec<&str> = Vec::new();
            for f in &decl.fields {
                if seen.contains(&f.name.name.as_str()) {
                    self.error(
                        Diag::error(
                            "duplicate-field",
                            f.name.span,
                            format!("field `{}` is declared twice", f.name.name),
                        )
                        .label("second declaration")
                        .help("remove one of them"),
                    );
                }
                seen.push(&f.name.name);
            }
            self.program.records[id.0 as usize].fields = fields;
        }
        for (file, decl, id) in &decls {
            self.check_unique_by(decl, *id);
            if decl.is_input {
                self.declare_input(*file, decl, *id);
            }
        }
        for (file, decl, id) in &decls {
            self.resolve_references(*file, decl, *id);
        }
        self.mark_cross_checks();
    }

    /// Marks the fields that hold, at any depth, a reference or a table label.
    fn mark_cross_checks(&mut self) {
        fn needs(records: &[RecordShape], ty: &ShapeType) -> bool {
            match ty {
                ShapeType::Axis { .. } => true,
                ShapeType::List(inner) => needs(records, inner),
                ShapeType::Map(k, v) => needs(records, k) || needs(records, v),
                ShapeType::Record(id) => {
                    records[id.0 as usize].fields.iter().any(|f| f.cross_check)
                }
                _ => false,
            }
        }
        loop {
            let mut changed = false;
            for r in 0..self.program.records.len() {
                for f in 0..self.program.records[r].fields.len() {
                    let field = &self.program.records[r].fields[f];
                    let marked =
                        field.refers_to.is_some() || needs(&self.program.records, &field.ty);
                    if marked && !field.cross_check {
                        self.program.records[r].fields[f].cross_check = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn field_shape(&mut self, file: FileId, f: &ast::FieldDecl) -> FieldShape {
        let (ty, optional) = match &f.ty.kind {
            TypeExprKind::Optional(inner) => (self.shape_type(file, inner), true),
            _ => (self.shape_type(file, &f.ty), false),
        };
        let mut shape = FieldShape {
            name: f.name.name.clone(),
            span: f.name.span,
            notes: f.notes.clone(),
            ty,
            optional,
            default: None,
            at_least: None,
            at_most: None,
            unique_by: None,
            refers_to: None,
            cross_check: false,
        };
        for m in &f.modifiers {
            match &m.kind {
                ModifierKind::AtLeast(n) | ModifierKind::AtMost(n) => {
                    if !matches!(innermost(&shape.ty), ShapeType::Number { .. }) {
                        self.error(
                            Diag::error(
                                "bad-modifier",
                                m.span,
                                format!(
                                    "`{}` is for numbers; `{}` holds {}",
                                    if matches!(m.kind, ModifierKind::AtLeast(_)) {
                                        "at least"
                                    } else {
                                        "at most"
                                    },
                                    f.name.name,
                                    describe_shape(&self.program.records, &shape.ty)
                                ),
                            )
                            .label("not a number field")
                            .help("remove it, or make the field a number"),
                        );
                    }
                    if matches!(m.kind, ModifierKind::AtLeast(_)) {
                        shape.at_least = Some(*n);
                    } else {
                        shape.at_most = Some(*n);
                    }
                }
                ModifierKind::Default(lit) => {
                    let target = match &shape.ty {
                        ShapeType::Map(_, v) => v.as_ref(),
                        other => other,
                    };
                    match literal_value(lit, target) {
                        Some(v) => shape.default = Some(v),
                        None => self.error(
                            Diag::error(
                                "bad-default",
                                m.span,
                                format!(
                                    "this default does not fit `{}`, which holds {}",
                                    f.name.name,
                                    describe_shape(&self.program.records, target)
                                ),
                            )
                            .label("wrong kind of value")
                            .help("give a default of the field's type (for a map, of its values)"),
                        ),
                    }
                }
                ModifierKind::Identifier
                | ModifierKind::DisplayName
                | ModifierKind::EvaluationDate => {}
                ModifierKind::UniqueBy(_) | ModifierKind::RefersTo(..) => {}
            }
        }
        shape
    }

    pub(super) fn shape_type(&mut self, file: FileId, t: &ast::TypeExpr) -> ShapeType {
        match &t.kind {
            TypeExprKind::Whole => ShapeType::Number { whole: true },
            TypeExprKind::Optional(_) => {
                self.error(
                    Diag::error("bad-type", t.span, "`optional` is only for a field itself")
                        .label("here")
                        .help("write `field: optional text`; a list or map can simply be empty"),
                );
                ShapeType::Text
            }
            TypeExprKind::List(inner) => ShapeType::List(Box::new(self.shape_type(file, inner))),
            TypeExprKind::Map(k, v) => {
                let key = self.shape_type(file, k);
                if !matches!(
                    key,
                    ShapeType::Text
                        | ShapeType::Month
                        | ShapeType::Date
                        | ShapeType::Choice(_)
                        | ShapeType::Axis { .. }
                ) {
                    self.error(
                        Diag::error("bad-type", k.span, "map keys are texts, months, dates or table labels")
                            .label("not a key type")
                            .help("JSON object keys are texts; declare them as text, month, date or a table's labels"),
                    );
                }
                ShapeType::Map(Box::new(key), Box::new(self.shape_type(file, v)))
            }
            TypeExprKind::Enum(values) => {
                let mut seen = Vec::new();
                for (v, span) in values {
                    if seen.contains(v) {
                        self.error(
                            Diag::warning(
                                "duplicate-entry",
                                *span,
                                format!("\"{v}\" is listed twice"),
                            )
                            .label("again")
                            .help("remove one"),
                        );
                    }
                    seen.push(v.clone());
                }
                ShapeType::Choice(values.iter().map(|(v, _)| v.clone()).collect())
            }
            TypeExprKind::Named(name) => match name.name.as_str() {
                "text" => ShapeType::Text,
                "number" => ShapeType::Number { whole: false },
                "date" => ShapeType::Date,
                "month" => ShapeType::Month,
                "boolean" => ShapeType::Bool,
                other => match self
                    .types
                    .get(&file)
                    .and_then(|s| s.get(other))
                    .map(|(t, _)| t.clone())
                {
                    Some(TypeSymbol::Record(id)) => ShapeType::Record(id),
                    Some(TypeSymbol::Axis { table, rows }) => ShapeType::Axis {
                        table,
                        rows,
                        name: other.to_string(),
                    },
                    None => {
                        let known: Vec<&str> = BASE_TYPES
                            .iter()
                            .copied()
                            .chain(
                                self.types
                                    .get(&file)
                                    .into_iter()
                                    .flat_map(|s| s.keys().map(String::as_str)),
                            )
                            .collect();
                        let mut diag = Diag::error(
                            "unknown-type",
                            name.span,
                            format!("unknown type `{other}`"),
                        )
                        .label("not a type");
                        if let Some(help) = did_you_mean(other, known.iter().copied()) {
                            diag = diag.help(help);
                        }
                        self.error(diag);
                        ShapeType::Text
                    }
                },
            },
        }
    }

    /// The type expressions see for a field of a record.
    pub(super) fn field_type(&self, shape: &ShapeType) -> Type {
        match shape {
            ShapeType::Text => Type::Text,
            ShapeType::Number { .. } => Type::Number,
            ShapeType::Bool => Type::Bool,
            ShapeType::Date => Type::Date,
            ShapeType::Month => Type::Month,
            ShapeType::Choice(values) => Type::Choice(Arc::new(Choice {
                name: None,
                values: values.iter().cloned().collect(),
            })),
            ShapeType::Axis { table, rows, .. } => self.axis_type(*table, *rows),
            ShapeType::List(t) => Type::list(self.field_type(t)),
            ShapeType::Map(k, v) => {
                Type::Map(Box::new(self.field_type(k)), Box::new(self.field_type(v)))
            }
            ShapeType::Record(id) => {
                Type::Record(*id, Arc::from(self.program.record(*id).name.as_str()))
            }
        }
    }

    pub(super) fn full_field_type(&self, f: &FieldShape) -> Type {
        let t = self.field_type(&f.ty);
        // An optional list or map that the data leaves out is empty, so it is never missing.
        let always_there =
            f.default.is_some() || matches!(f.ty, ShapeType::List(_) | ShapeType::Map(..));
        if f.optional && !always_there {
            Type::Optional(Box::new(t))
        } else {
            t
        }
    }

    fn check_unique_by(&mut self, decl: &ast::ShapeDecl, id: RecordId) {
        for (i, f) in decl.fields.iter().enumerate() {
            for m in &f.modifiers {
                if let ModifierKind::UniqueBy(key) = &m.kind {
                    let element = match &self.program.record(id).fields[i].ty {
                        ShapeType::List(inner) => match inner.as_ref() {
                            ShapeType::Record(r) => Some(*r),
                            _ => None,
                        },
                        _ => None,
                    };
                    let Some(element) = element else {
                        self.error(
                            Diag::error(
                                "bad-modifier",
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
                        None => {
                            let names: Vec<String> = self
                                .program
                                .record(element)
                                .fields
                                .iter()
                                .map(|f| f.name.clone())
                                .collect();
                            let mut diag = Diag::error(
                                "unknown-field",
                                key.span,
                                format!(
                                    "`{}` has no field `{}`",
                                    self.program.record(element).name,
                                    key.name
                                ),
                            )
                            .label("no such field");
                            if let Some(help) =
                                did_you_mean(&key.name, names.iter().map(String::as_str))
                            {
                                diag = diag.help(help);
                            }
                            self.error(diag);
                        }
                    }
                }
            }
        }
    }

    fn declare_input(&mut self, file: FileId, decl: &ast::ShapeDecl, record: RecordId) {
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
                            "bad-modifier",
                            m.span,
                            format!("the {what} must be a {wants} field"),
                        )
                        .label(format!("`{}` is not a {wants}", f.name.name))
                        .help(format!("mark a {wants} field as the {what}")),
                    );
                } else if slot.is_some() {
                    self.diags.push(
                        Diag::error(
                            "bad-modifier",
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
            field_globals.push((f.name.name.clone(), id, f.name.span));
        }
        for other in &loaded.files {
            if !loaded.closure(other.id).contains(&file) {
                continue;
            }
            self.kind_of_file.entry(other.id).or_insert(kind);
            let scope = self.scopes.entry(other.id).or_default();
            let mut clashes = Vec::new();
            for (name, id, span) in &field_globals {
                match scope.get(name) {
                    Some((_, existing)) => clashes.push((name.clone(), *span, *existing)),
                    None => {
                        scope.insert(name.clone(), (Symbol::Global(*id), *span));
                    }
                }
            }
            for (name, span, existing) in clashes {
                if existing.file == other.id {
                    self.error(
                        Diag::error("duplicate-name", existing, format!("`{name}` is also a field of the input `{}`", decl.name.name))
                            .label("defined again here")
                            .also(span, "input field")
                            .help("rename this definition; the input's fields are names in every file that imports it"),
                    );
                }
            }
        }
    }

    /// `refers to list.key`: `list` is a list of records in the input, `key` one of their fields.
    fn resolve_references(&mut self, file: FileId, decl: &ast::ShapeDecl, id: RecordId) {
        let kind = self.kind_of_file.get(&file).copied();
        for (i, f) in decl.fields.iter().enumerate() {
            for m in &f.modifiers {
                let ModifierKind::RefersTo(list, key) = &m.kind else {
                    continue;
                };
                let Some(kind) = kind else {
                    self.error(
                        Diag::error(
                            "bad-modifier",
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
                    let names: Vec<String> = input.fields.iter().map(|f| f.name.clone()).collect();
                    let mut diag = Diag::error(
                        "unknown-field",
                        list.span,
                        format!("the input has no field `{}`", list.name),
                    )
                    .label("no such field");
                    if let Some(help) = did_you_mean(&list.name, names.iter().map(String::as_str)) {
                        diag = diag.help(help);
                    }
                    self.error(diag);
                    continue;
                };
                let element = match &input.fields[list_index].ty {
                    ShapeType::List(inner) => match inner.as_ref() {
                        ShapeType::Record(r) => Some(*r),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(element) = element else {
                    self.error(
                        Diag::error(
                            "bad-modifier",
                            list.span,
                            format!("`{}` is not a list of records", list.name),
                        )
                        .label("here")
                        .help("`refers to` names a list of records and one of their fields"),
                    );
                    continue;
                };
                let Some(key_index) = self.program.record(element).field(&key.name) else {
                    let names: Vec<String> = self
                        .program
                        .record(element)
                        .fields
                        .iter()
                        .map(|f| f.name.clone())
                        .collect();
                    let mut diag = Diag::error(
                        "unknown-field",
                        key.span,
                        format!(
                            "`{}` has no field `{}`",
                            self.program.record(element).name,
                            key.name
                        ),
                    )
                    .label("no such field");
                    if let Some(help) = did_you_mean(&key.name, names.iter().map(String::as_str)) {
                        diag = diag.help(help);
                    }
                    self.error(diag);
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

/// `1 value`, `2 values`.
pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn innermost(t: &ShapeType) -> &ShapeType {
    match t {
        ShapeType::List(inner) | ShapeType::Map(_, inner) => innermost(inner),
        other => other,
    }
}

/// A shape type in words, for messages.
pub fn describe_shape(records: &[RecordShape], t: &ShapeType) -> String {
    match t {
        ShapeType::Text => "text".into(),
        ShapeType::Number { whole: true } => "whole numbers".into(),
        ShapeType::Number { whole: false } => "numbers".into(),
        ShapeType::Bool => "true or false".into(),
        ShapeType::Date => "dates".into(),
        ShapeType::Month => "months".into(),
        ShapeType::Choice(values) => format!(
            "one of {}",
            values
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ShapeType::Axis { name, .. } => name.clone(),
        ShapeType::List(inner) => format!("a list of {}", describe_shape(records, inner)),
        ShapeType::Map(k, v) => format!(
            "a map of {} to {}",
            describe_shape(records, k),
            describe_shape(records, v)
        ),
        ShapeType::Record(id) => format!("{} records", records[id.0 as usize].name),
    }
}

/// What the data must hold for a shape type, for "expected ..." messages.
pub fn describe_expected(records: &[RecordShape], t: &ShapeType) -> String {
    match t {
        ShapeType::Text => "a text".into(),
        ShapeType::Number { whole: true } => "a whole number".into(),
        ShapeType::Number { whole: false } => "a number".into(),
        ShapeType::Bool => "true or false".into(),
        ShapeType::Date => "a date (YYYY-MM-DD)".into(),
        ShapeType::Month => "a month (YYYY-MM)".into(),
        ShapeType::Choice(values) => format!(
            "one of {}",
            values
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ShapeType::Axis { name, .. } => format!("a {name}"),
        ShapeType::List(inner) => format!("a list of {}", describe_shape(records, inner)),
        ShapeType::Map(..) => "an object (a map)".into(),
        ShapeType::Record(id) => format!("an object (a {} record)", records[id.0 as usize].name),
    }
}

fn literal_value(lit: &Literal, target: &ShapeType) -> Option<Value> {
    match (lit, target) {
        (Literal::Number(n), ShapeType::Number { whole }) if !whole || n.fract().is_zero() => {
            Some(Value::Number(*n))
        }
        (Literal::Text(t), ShapeType::Text) => Some(Value::text(t)),
        (Literal::Text(t), ShapeType::Choice(values)) if values.contains(t) => Some(Value::text(t)),
        (Literal::Bool(b), ShapeType::Bool) => Some(Value::Bool(*b)),
        (Literal::Date(d), ShapeType::Date) => Some(Value::Date(*d)),
        _ => None,
    }
}
