//! Tests written next to the rules: their data (a file beside the rule file, or JSON in it),
//! an optional date, and what they expect of named values and designations.

use super::Checker;
use super::lower::Scope;
use crate::analysis::lints::Node;
use crate::diagnostic::{Code, Diag, suggest};
use crate::ir::types::Type;
use crate::ir::value::Value;
use crate::ir::{self, Body, ExpectTarget, Expectation, KindId, Test, TestInput};
use crate::source::FileId;
use crate::syntax::ast::{self, ExpectTarget as AstTarget, Item, TestData};

impl Checker<'_> {
    pub(super) fn lower_tests(&mut self) {
        let loaded = self.loaded;
        for file in &loaded.files {
            for item in &file.items {
                let Item::Test(test) = item else { continue };
                let kind = self.kind_for(file.id, test.name_span, "test");
                let data = match &test.data {
                    TestData::Path(path, span) => {
                        let dir = loaded
                            .sources
                            .get(file.id)
                            .path
                            .parent()
                            .map(|p| p.to_path_buf())
                            .unwrap_or_default();
                        let full = dir.join(path);
                        let confined = if loaded.folders.is_empty() {
                            Ok(full.clone())
                        } else {
                            crate::load::confine(&dir, path, &loaded.folders)
                        };
                        match confined {
                            Err(_) => self.error(
                                Diag::error(
                                    crate::diagnostic::Code::DataOutsideRules,
                                    *span,
                                    format!("test data \"{path}\" is outside the rules folder"),
                                )
                                .label("refused")
                                .help("keep the data tests read under the rules folder (for example rules/azure/test-data/), so that copies of the rules and `tally diff REVISION:rules/ rules/` find it"),
                            ),
                            Ok(_) if !loaded.folders.is_empty() && full.canonicalize().is_ok_and(|c| {
                                !loaded.folders.iter().any(|f| c.starts_with(f))
                            }) => self.error(
                                Diag::error(
                                    crate::diagnostic::Code::DataOutsideRules,
                                    *span,
                                    format!("test data \"{path}\" is a link to outside the rules folder"),
                                )
                                .label("refused")
                                .help("copy the data into the rules folder instead of linking"),
                            ),
                            Ok(_) if !full.is_file() => self.error(
                                Diag::error(
                                    Code::MissingData,
                                    *span,
                                    format!("test data \"{path}\" does not exist"),
                                )
                                .label("no such file")
                                .help("data paths are relative to the rule file"),
                            ),
                            Ok(_) => {}
                        }
                        TestInput::File(full, *span)
                    }
                    TestData::Inline(text, span) => TestInput::Inline(text.clone(), *span),
                };
                if test.expectations.is_empty() {
                    self.error(
                        Diag::error(
                            crate::diagnostic::Code::TestWithoutExpect,
                            test.name_span,
                            format!(
                                "the test \"{}\" expects nothing, so it cannot fail",
                                test.name
                            ),
                        )
                        .label("no `expect`")
                        .help("add what the rules should give, such as `expect total = 45`"),
                    );
                }
                let mut expectations = Vec::new();
                for e in &test.expectations {
                    if let Some(expectation) = self.expectation(file.id, kind, e) {
                        expectations.push(expectation);
                    }
                }
                if let (Some((_, span)), Some(kind)) = (test.date, kind) {
                    if self.program.kind(kind).evaluation_date.is_none() {
                        self.error(
                            Diag::error(
                                Code::NoEvaluationDate,
                                span,
                                format!("`{}` has no evaluation date to replace", self.program.kind(kind).name),
                            )
                            .label("nothing to replace")
                            .help("mark a date field of the input `evaluation date`, or remove this line"),
                        );
                    }
                }
                self.program.tests.push(Test {
                    name: test.name.clone(),
                    span: test.name_span,
                    kind,
                    data,
                    date: test.date.map(|(d, _)| d),
                    expectations,
                    outside_dates: Vec::new(),
                });
            }
        }
    }

    fn expectation(
        &mut self,
        file: FileId,
        kind: Option<KindId>,
        e: &ast::Expectation,
    ) -> Option<Expectation> {
        let mut value_cx = Scope::new(file, Node::Root);
        let (expected_expr, expected_ty) = self.lower(&mut value_cx, &e.value);
        let Some(expected) = (match expected_expr {
            ir::Expr::Const(v) => Some(v),
            ir::Expr::Neg(inner, _) => match *inner {
                ir::Expr::Const(Value::Number(n)) => Some(Value::Number(-n)),
                _ => None,
            },
            _ => None,
        }) else {
            self.error(
                Diag::error(
                    Code::BadExpectation,
                    e.value.span,
                    "an expected value is written out: a number, a text, true or false, or a list",
                )
                .label("not a plain value")
                .help("write the value you expect, for example 45 or \"a text\""),
            );
            return None;
        };
        let expected_text = self.loaded.sources.snippet(e.value.span).to_string();
        let target = match &e.target {
            AstTarget::Designation { name, field, span } => {
                let kind = kind?;
                let designations = &self.program.kind(kind).designations;
                let Some(index) = designations.iter().position(|d| &d.name == name) else {
                    // Declared, but it did not load: its own error is reported.
                    if self.designation_declared(name) {
                        return None;
                    }
                    let names: Vec<&str> = designations.iter().map(|d| d.name.as_str()).collect();
                    let mut diag = Diag::error(
                        Code::UnknownDesignation,
                        *span,
                        format!("no designation \"{name}\""),
                    )
                    .label("not defined");
                    if let Some(s) = suggest(name, names.iter().copied()) {
                        diag = diag.help(format!("did you mean \"{s}\"?"));
                    } else {
                        diag = diag.help(format!("designations: {}", names.join(", ")));
                    }
                    self.error(diag);
                    return None;
                };
                let d = &designations[index];
                let target = match field.as_ref().map(|(f, s)| (f.as_str(), *s)) {
                    None | Some(("attained", _)) => ExpectTarget::Attained { designation: index },
                    Some(("total", _)) => ExpectTarget::Total { designation: index },
                    Some(("path", _)) => ExpectTarget::Path { designation: index },
                    Some((sub, sub_span)) => {
                        // In any version of the designation: a subcategory may be new.
                        let found = designations
                            .iter()
                            .enumerate()
                            .filter(|(_, v)| v.name == d.name)
                            .find_map(|(i, v)| {
                                v.categories.iter().enumerate().find_map(|(c, cat)| {
                                    cat.subcategories
                                        .iter()
                                        .position(|s| &*s.name == sub)
                                        .map(|s| (i, c, s))
                                })
                            });
                        match found {
                            Some((version, category, subcategory)) => ExpectTarget::Points {
                                designation: version,
                                category,
                                subcategory,
                            },
                            None => {
                                let names: Vec<&str> = d
                                    .categories
                                    .iter()
                                    .flat_map(|c| c.subcategories.iter().map(|s| &*s.name))
                                    .collect();
                                let mut diag = Diag::error(
                                    Code::UnknownSubcategory,
                                    sub_span,
                                    format!("\"{name}\" has no subcategory \"{sub}\""),
                                )
                                .label("not a subcategory");
                                diag = match suggest(sub, names.iter().copied()) {
                                    Some(s) => diag.help(format!("did you mean \"{s}\"?")),
                                    None => diag.help(format!(
                                        "expect attained, total, path or one of: {}",
                                        names.join(", ")
                                    )),
                                };
                                self.error(diag);
                                return None;
                            }
                        }
                    }
                };
                // What each designation expectation is, so that `= "yes"` for whether it is
                // attained fails here and not only when the test runs.
                let (ty, what) = match &target {
                    ExpectTarget::Attained { .. } => {
                        (Type::Bool, "whether it is attained: true or false")
                    }
                    ExpectTarget::Path { .. } => (Type::Text, "its path: a text"),
                    _ => (Type::Number, "a number of points"),
                };
                if !expected_ty.is_error() && expected_ty.join(&ty).is_none() {
                    let field = match field.as_ref().map(|(f, _)| f.as_str()) {
                        None => String::new(),
                        Some(f @ ("attained" | "total" | "path")) => format!(".{f}"),
                        Some(f) => format!(".\"{f}\""),
                    };
                    self.error(
                        Diag::error(
                            crate::diagnostic::Code::TypeMismatch,
                            e.value.span,
                            format!("expects {expected_ty} of \"{name}\"{field}, which is {what}"),
                        )
                        .label(format!("{expected_ty}"))
                        .help(format!("write an expected value of type {ty}")),
                    );
                }
                target
            }
            AstTarget::Value(expr) => {
                let mut cx = Scope::new(file, Node::Root);
                let (lowered, ty) = self.lower(&mut cx, expr);
                if !ty.is_error() && expected_ty.join(&ty).is_none() {
                    self.error(
                        Diag::error(
                            Code::TypeMismatch,
                            e.value.span,
                            format!("expects {expected_ty} of a value that is {ty}"),
                        )
                        .label(format!("{expected_ty}"))
                        .help(format!("write an expected value of type {ty}")),
                    );
                }
                ExpectTarget::Value {
                    body: Body {
                        expr: lowered,
                        frame: cx.frame,
                        source: expr.span,
                    },
                    text: self.loaded.sources.snippet(expr.span).to_string(),
                }
            }
        };
        Some(Expectation {
            span: e.span,
            target,
            expected,
            expected_text,
        })
    }
}
