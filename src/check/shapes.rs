//! Input shapes and tables: the declared data (`input`, `record`) and the tables whose
//! labels serve as types (`map of feature to ...`).

use rustc_hash::FxHashMap;
use std::sync::Arc;

use super::{Checker, TypeSymbol};
use crate::diagnostic::{Code, Diag, did_you_mean};
use crate::ir::describe::describe_shape;
use crate::ir::types::{Choice, GlobalId, RecordId, Type};
use crate::ir::value::{Layout, Value};
use crate::ir::{FieldShape, GlobalDef, RecordShape, ShapeType};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Item, Literal, ModifierKind, TypeExprKind};

const BASE_TYPES: [&str; 5] = ["text", "number", "date", "month", "boolean"];

impl<'a> Checker<'a> {
    /// Records and inputs become shapes; inputs become kinds, whose fields are names in the
    /// files that import them.
    pub(super) fn resolve_shapes(&mut self) {
        let loaded = self.loaded;
        // Type names first, so records can refer to each other in any order.
        let mut own: FxHashMap<FileId, Vec<(String, TypeSymbol, Span)>> = FxHashMap::default();
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
                                Code::DuplicateName,
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
            let mut scope = FxHashMap::default();
            for dep in loaded.closure(file.id) {
                for (name, symbol, span) in own.get(&dep).map_or(&[][..], Vec::as_slice) {
                    if let Some((_, other)) = scope.get(name) {
                        if *other != *span && dep == file.id {
                            self.error(
                                Diag::error(
                                    Code::DuplicateName,
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
                            Code::DuplicateField,
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
            period: crate::ir::Period::default(),
        };
        for m in &f.modifiers {
            match &m.kind {
                ModifierKind::AtLeast(n) | ModifierKind::AtMost(n) => {
                    if !matches!(innermost(&shape.ty), ShapeType::Number { .. }) {
                        self.error(
                            Diag::error(
                                Code::BadModifier,
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
                                Code::BadDefault,
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
                ModifierKind::Period(p) => {
                    shape.period = crate::ir::Period {
                        from: p.from.map(|(d, _)| d),
                        until: p.until.map(|(d, _)| d),
                    };
                    // Whether the record has it is known once its date is read.
                    shape.cross_check = true;
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
                    Diag::error(
                        Code::BadType,
                        t.span,
                        "`optional` is only for a field itself",
                    )
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
                        Diag::error(Code::BadType, k.span, "map keys are texts, months, dates or table labels")
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
                            Diag::error(
                                Code::DuplicateEntry,
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
                            Code::UnknownType,
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
