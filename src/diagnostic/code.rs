//! The kinds of problem tally reports, one variant each. A code's name is stable: CI
//! configurations, editors and the JSON, GitHub and SARIF findings use it.
//!
//! To add one: a line in the list below (the variant and its name), a page in
//! `docs/diagnostics.md` (what it means, a broken example, the fix), and a `Diag` that uses
//! it. A test checks that every code has a page and that each page's example produces it.

/// Defines [`Code`] from `Variant = "name"` lines.
macro_rules! codes {
    ($($variant:ident = $name:literal,)*) => {
        /// A kind of problem, with a stable name such as `unknown-name`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of the list.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code's stable name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    Arity = "arity",
    BadData = "bad-data",
    BadDate = "bad-date",
    BadDefault = "bad-default",
    BadExpectation = "bad-expectation",
    BadFormat = "bad-format",
    BadModifier = "bad-modifier",
    BadTestData = "bad-test-data",
    BadType = "bad-type",
    CannotFormat = "cannot-format",
    CircularDefinition = "circular-definition",
    CircularImport = "circular-import",
    DataOutsideRules = "data-outside-rules",
    DatedFunction = "dated-function",
    DuplicateColumn = "duplicate-column",
    DuplicateEntry = "duplicate-entry",
    DuplicateField = "duplicate-field",
    DuplicateName = "duplicate-name",
    DuplicateProperty = "duplicate-property",
    DuplicateRow = "duplicate-row",
    ImportOutsideRules = "import-outside-rules",
    EmptyPeriod = "empty-period",
    FieldOutsideDates = "field-outside-dates",
    ImpossibleValue = "impossible-value",
    IncompleteCase = "incomplete-case",
    LinkOutsideRules = "link-outside-rules",
    MaxUnreachable = "max-unreachable",
    Maxima = "maxima",
    MissingData = "missing-data",
    MissingImport = "missing-import",
    MissingPoints = "missing-points",
    MissingRules = "missing-rules",
    NeedlessValueOr = "needless-value-or",
    NoEvaluationDate = "no-evaluation-date",
    NoFields = "no-fields",
    NoInput = "no-input",
    NoPrevious = "no-previous",
    NoRules = "no-rules",
    NotARuleFile = "not-a-rule-file",
    NotAValue = "not-a-value",
    NotInForce = "not-in-force",
    NumberTooLarge = "number-too-large",
    OverlappingVariants = "overlapping-variants",
    PointsExceedMax = "points-exceed-max",
    PointsMayBeNegative = "points-may-be-negative",
    PointsMayExceedMax = "points-may-exceed-max",
    RuleFailed = "rule-failed",
    SharedEntry = "shared-entry",
    Syntax = "syntax",
    TableAxes = "table-axes",
    TableShape = "table-shape",
    TestWithoutExpect = "test-without-expect",
    TooDeep = "too-deep",
    TwoInputs = "two-inputs",
    TypeMismatch = "type-mismatch",
    UnknownDesignation = "unknown-designation",
    UnknownField = "unknown-field",
    UnknownFunction = "unknown-function",
    UnknownLabel = "unknown-label",
    UnknownName = "unknown-name",
    UnknownSubcategory = "unknown-subcategory",
    UnknownTemplate = "unknown-template",
    UnknownType = "unknown-type",
    Unparsed = "unparsed",
    UnreachableThreshold = "unreachable-threshold",
    UnreadableRules = "unreadable-rules",
    Unused = "unused",
    VariantType = "variant-type",
    WorkGrowsAsAPower = "work-grows-as-a-power",
}

/// The pages of `docs/diagnostics.md`, one per code.
const PAGES: &str = include_str!("../../docs/diagnostics.md");

impl Code {
    /// The code with this name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.name() == name)
    }

    /// The code's page in `docs/diagnostics.md`: its heading and what follows, up to the next
    /// heading.
    pub fn page(self) -> Option<&'static str> {
        let heading = format!("\n## `{}`\n", self.name());
        let start = PAGES.find(&heading)? + 1;
        let rest = &PAGES[start..];
        let end = rest[heading.len() - 1..]
            .find("\n## ")
            .map_or(rest.len(), |i| i + heading.len());
        Some(rest[..end].trim_end())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn a_page_ends_where_the_next_begins() {
        let page = Code::Syntax.page().expect("a page");
        assert!(page.starts_with("## `syntax`\n"), "{page}");
        assert!(page.ends_with("(here, close the bracket)."), "{page}");
    }

    #[test]
    fn names_are_unique_and_found_again() {
        for &code in Code::ALL {
            assert_eq!(Code::from_name(code.name()), Some(code));
        }
    }
}
