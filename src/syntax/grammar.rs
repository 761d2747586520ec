//! The pest grammar in `grammar/tally.pest`, derived into a parser.
//!
//! The generated `Rule` enum stays in this module so it does not collide with the
//! language's own words.

#[derive(pest_derive::Parser)]
#[grammar = "grammar/tally.pest"]
pub struct TallyParser;

/// The words that begin a declaration at the top of a file (the grammar's `item`).
pub const ITEM_WORDS: [&str; 9] = [
    "import",
    "input",
    "record",
    "let",
    "table",
    "template",
    "designation",
    "output",
    "test",
];

/// What a grammar rule is called in "expected ..." messages.
pub fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::ident | Rule::name => "a name",
        Rule::keyword => "a keyword",
        Rule::string | Rule::string_inner => "a quoted text",
        Rule::number | Rule::signed_number => "a number",
        Rule::percent => "a percentage",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::boolean => "true or false",
        Rule::literal => "a value",
        Rule::expr | Rule::body_expr | Rule::postfix_expr => "an expression",
        Rule::type_expr | Rule::named_type => "a type",
        Rule::import
        | Rule::input_decl
        | Rule::record_decl
        | Rule::let_decl
        | Rule::table_decl
        | Rule::designation
        | Rule::output_decl
        | Rule::test_decl
        | Rule::template_decl
        | Rule::kw_template
        | Rule::kw_import
        | Rule::kw_input
        | Rule::kw_record
        | Rule::kw_let
        | Rule::kw_table
        | Rule::kw_designation
        | Rule::kw_output
        | Rule::kw_test => {
            "a declaration (import, input, record, let, table, template, designation, output or test)"
        }
        Rule::annotation | Rule::kw_source | Rule::kw_assumption => "`source` or `assumption`",
        Rule::field_decl => "a field (`name: type`)",
        Rule::modifier => {
            "a field option (identifier, at least, default, unique by, refers to, ...)"
        }
        Rule::params | Rule::param => "parameters",
        Rule::table_header => "the table's header row `| rows \\ columns | ... |`",
        Rule::table_row => "a table row `| name | value | ... |`",
        Rule::table_cell => "a number",
        Rule::category | Rule::kw_category => "`category`",
        Rule::subcategory | Rule::kw_subcategory => "`subcategory`",
        Rule::path_prop => "`path =`",
        Rule::threshold_prop => "`threshold =`",
        Rule::max_prop | Rule::kw_max => "`max`",
        Rule::points_prop => "`points =`",
        Rule::require => "`require`",
        Rule::output_field => "an output field (`name: expression`)",
        Rule::test_data => "`data`",
        Rule::json_object => "a JSON object",
        Rule::expectation => "`expect`",
        Rule::expect_target | Rule::designation_target | Rule::expr_target => "what to check",
        Rule::expect_field => "a field name",
        Rule::kw_from => "`from`",
        Rule::kw_if => "`if`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_case => "`case`",
        Rule::kw_when | Rule::case_arm => "`when`",
        Rule::case_else => "`else`",
        Rule::kw_in | Rule::in_op => "`in`",
        Rule::kw_of => "`of`",
        Rule::kw_to => "`to`",
        Rule::where_op | Rule::kw_where => "`where`",
        Rule::or | Rule::kw_or => "`or`",
        Rule::and | Rule::kw_and => "`and`",
        Rule::not | Rule::kw_not | Rule::not_in => "`not`",
        Rule::eq => "`=`",
        Rule::ne => "`!=`",
        Rule::lt => "`<`",
        Rule::le => "`<=`",
        Rule::gt => "`>`",
        Rule::ge => "`>=`",
        Rule::add => "`+`",
        Rule::sub | Rule::neg => "`-`",
        Rule::mul => "`*`",
        Rule::div => "`/`",
        Rule::field_access => "`.`",
        Rule::index => "`[`",
        Rule::binder | Rule::binder_kind => {
            "`sum`, `all`, `any`, `each`, `per`, `lowest`, `min` or `max`"
        }
        Rule::if_expr => "`if`",
        Rule::case_expr => "`case`",
        Rule::list => "a list",
        Rule::record | Rule::record_field => "a record",
        Rule::call => "a function call",
        Rule::arguments => "arguments in parentheses",
        _ => "something else",
    }
}
