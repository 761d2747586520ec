//! Work that must grow linearly with its input, measured at a base size, 10 times and 100
//! times it: `unique by id` over a partner's customers, `x in list.field` membership, imports
//! in a diamond shape, `check` of a long list literal, `check` with many warnings (rendered as
//! `tally check` prints them), and explain of a partner with many customers. Each group
//! reports elements per second: linear growth keeps that figure flat across the sizes.
//!
//! Run: `cargo bench --bench growth -- --warm-up-time 1 --measurement-time 3`;
//! `docs/performance.md` has the figures.

#[allow(dead_code, reason = "the generator serves several benchmarks")]
mod generate;

use std::hint::black_box;
use std::path::PathBuf;

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tally::cli::render::Renderer;
use tally::data::read::{detect_kind, read_record};
use tally::diagnostic::{Diag, Diags};
use tally::explain::Explainer;
use tally::ir::Program;
use tally::run::record::evaluate_record;
use tally::source::SourceMap;

/// The base, 10 times and 100 times it.
fn sizes(base: usize) -> [usize; 3] {
    [base, base * 10, base * 100]
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date")
}

/// Loads and checks one rule file given as text: the program, or its diagnostics.
fn check_text(text: &str) -> Result<(Program, Vec<Diag>), (SourceMap, Vec<Diag>)> {
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&[("growth.tally", text)], &mut diags);
    tally::check::check(loaded, diags).map_err(|r| (r.sources, r.diags))
}

fn program(text: &str) -> Program {
    check_text(text).expect("the rules check").0
}

const CUSTOMERS: &str = r#"input shop {
  shop_id: text, identifier
  customers: list of customer, unique by id
  deployments: list of deployment
}
record customer {
  id: text
}
record deployment {
  customer: text
}
let matched = count(deployments where customer in customers.id)
output { customers: count(customers), matched: matched }
"#;

/// A shop with `n` customers and `n` deployments, each of a customer.
fn shop(n: usize) -> String {
    let customers: Vec<String> = (0..n).map(|i| format!(r#"{{"id":"C-{i}"}}"#)).collect();
    let deployments: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"customer":"C-{}"}}"#, (i * 7) % n))
        .collect();
    format!(
        r#"{{"shop_id":"S-1","customers":[{}],"deployments":[{}]}}"#,
        customers.join(","),
        deployments.join(",")
    )
}

/// `unique by id`: reading a record checks that its customers' ids all differ.
fn unique_by_id(c: &mut Criterion) {
    let program = program(CUSTOMERS);
    let mut group = c.benchmark_group("unique by id: read a record of N customers");
    group.sample_size(10);
    for n in sizes(400) {
        let text = shop(n);
        let kind = detect_kind(&program, &text).expect("a shop");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| black_box(read_record(&program, kind, text, as_of()).expect("valid")))
        });
    }
    group.finish();
}

/// `customer in customers.id` for each of N deployments against N customers.
fn membership(c: &mut Criterion) {
    let program = program(CUSTOMERS);
    let mut group = c.benchmark_group("x in list.field: N deployments among N customers");
    group.sample_size(10);
    for n in sizes(100) {
        let text = shop(n);
        let kind = detect_kind(&program, &text).expect("a shop");
        let record = read_record(&program, kind, &text, as_of()).expect("valid");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &record, |b, record| {
            b.iter(|| {
                black_box(
                    evaluate_record(&program, kind, record.clone(), false, as_of())
                        .expect("evaluates"),
                )
            })
        });
    }
    group.finish();
}

/// Rule files in diamonds N deep: each level's two files both import the next level's two,
/// 2^N paths to the last level. Loaded from the disk, as `tally check` does.
fn diamond_imports(c: &mut Criterion) {
    let mut group = c.benchmark_group("imports in diamonds N deep: load and check");
    group.sample_size(10);
    let dir = tempfile::tempdir().expect("a temporary folder");
    for depth in sizes(4) {
        let folder = dir.path().join(depth.to_string());
        std::fs::create_dir(&folder).expect("a folder");
        for level in 0..depth {
            for side in ["a", "b"] {
                let imports = if level + 1 < depth {
                    format!("import \"a{0}.tally\"\nimport \"b{0}.tally\"\n", level + 1)
                } else {
                    String::new()
                };
                std::fs::write(
                    folder.join(format!("{side}{level}.tally")),
                    format!("{imports}let v_{side}{level} = 1\n"),
                )
                .expect("a rule file");
            }
        }
        let roots = vec![folder.join("a0.tally"), folder.join("b0.tally")];
        group.throughput(Throughput::Elements(depth as u64));
        group.bench_with_input(BenchmarkId::from_parameter(depth), &roots, |b, roots| {
            b.iter(|| black_box(tally::load_rules(roots).expect("the rules check")))
        });
    }
    group.finish();
}

/// `check` of a list literal of N texts.
fn long_list(c: &mut Criterion) {
    let mut group = c.benchmark_group("check a list literal of N texts");
    group.sample_size(10);
    for n in sizes(200) {
        let items: Vec<String> = (0..n).map(|i| format!("\"item {i}\"")).collect();
        let text = format!(
            "input shop {{\n  shop_id: text, identifier\n}}\nlet names = [{}]\noutput {{ names: count(names) }}\n",
            items.join(", ")
        );
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| black_box(program(text)))
        });
    }
    group.finish();
}

/// `check` of N unused definitions, each a warning, rendered as `tally check` prints them.
fn many_warnings(c: &mut Criterion) {
    let mut group = c.benchmark_group("check and print N warnings (unused definitions)");
    group.sample_size(10);
    let renderer = Renderer::new(false, 100);
    for n in sizes(200) {
        let mut text = String::from("input shop {\n  shop_id: text, identifier\n}\n");
        for i in 0..n {
            text.push_str(&format!("let unused_{i} = {i}\n"));
        }
        text.push_str("output { id: shop_id }\n");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| {
                let (program, warnings) = check_text(text).expect("the rules check");
                assert_eq!(warnings.len(), n, "one warning per definition");
                let printed: usize = warnings
                    .iter()
                    .map(|w| renderer.diag(w, &program.sources).len())
                    .sum();
                black_box(printed)
            })
        });
    }
    group.finish();
}

/// Explain of one partner of the shipped rules with N customers.
fn explain(c: &mut Criterion) {
    let (program, _) = tally::load_rules(&[PathBuf::from("rules/azure")]).expect("rules load");
    let explainer = Explainer::new(&program);
    let mut group = c.benchmark_group("explain one partner with N customers");
    group.sample_size(10);
    for n in sizes(25) {
        let text = generate::partners(1, n).remove(0);
        let kind = detect_kind(&program, &text).expect("a partner");
        let record = read_record(&program, kind, &text, as_of()).expect("valid");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &record, |b, record| {
            b.iter(|| {
                black_box(
                    explainer
                        .explain(kind, record.clone(), None, as_of())
                        .expect("explains"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    unique_by_id,
    membership,
    diamond_imports,
    long_list,
    many_warnings,
    explain
);
criterion_main!(benches);
