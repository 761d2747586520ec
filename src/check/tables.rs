//! Tables: their rows and columns checked, their dated versions gathered into one named value,
//! and their labels as types (`map of feature to ...`).

use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::Checker;
use super::shapes::plural;
use crate::diagnostic::{Code, Diag};
use crate::ir::types::{Choice, GlobalId, Type};
use crate::ir::{GlobalDef, TableData, Variant};
use crate::syntax::ast;

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
                        Code::TableAxes,
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
                            Code::DuplicateRow,
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
                            Code::TableShape,
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
                            Code::DuplicateColumn,
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
}
