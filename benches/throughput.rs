//! Throughput of loading the rules, reading partners, evaluating them, and the whole of
//! `tally eval --format json` over a batch, against only deserializing the same JSON into
//! typed structs with serde.
//!
//! Run: `cargo bench --bench throughput`; the README reports the figures.

mod generate;

// The same allocator as the `tally` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use tally::data::Origin;
use tally::data::read::read_record;
use tally::eval::Evaluation;
use tally::ir::{KindId, Program};
use tally::report::Format;
use tally::run::batch::evaluate_chunk;
use tally::run::input::RawRecord;

/// The data contract's partner as plain typed structs: the baseline of a typed read.
#[allow(dead_code, reason = "fields are read only by serde")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Partner {
    partner_id: String,
    name: Option<String>,
    as_of: String,
    customers: Vec<Customer>,
    certifications: Vec<Certification>,
    deployments: Vec<Deployment>,
}

#[allow(dead_code, reason = "fields are read only by serde")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Customer {
    id: String,
    segment: String,
    attribution: String,
    acr: BTreeMap<String, f64>,
}

#[allow(dead_code, reason = "fields are read only by serde")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Certification {
    person: String,
    name: String,
}

#[allow(dead_code, reason = "fields are read only by serde")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deployment {
    customer: String,
    service: String,
    service_level: u32,
    date: String,
}

const BATCH: usize = 2000;

fn rules() -> Program {
    tally::load_rules(&[PathBuf::from("rules")])
        .expect("rules/ checks")
        .0
}

fn partner_kind(program: &Program) -> KindId {
    KindId(
        program
            .kinds
            .iter()
            .position(|k| k.name == "partner")
            .expect("a partner input") as u32,
    )
}

fn records(lines: &[String]) -> Vec<RawRecord> {
    lines
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let origin = Origin {
                file: "bench.jsonl".into(),
                line: Some(i + 1),
            };
            RawRecord::new(origin, text.clone().into_bytes())
        })
        .collect()
}

fn load(c: &mut Criterion) {
    c.bench_function("load and check rules/", |b| b.iter(|| black_box(rules())));
}

fn read(c: &mut Criterion) {
    let program = rules();
    let kind = partner_kind(&program);
    let lines = generate::partners(BATCH, 25);
    let bytes: usize = lines.iter().map(String::len).sum();
    let mut group = c.benchmark_group("read 25-customer partners");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("serde_json into typed structs", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(serde_json::from_str::<Partner>(line).expect("valid"));
            }
        })
    });
    group.bench_function("tally read (shape-driven, exact decimals)", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(read_record(&program, kind, line, as_of()).expect("valid"));
            }
        })
    });
    group.finish();
    eprintln!(
        "(batch: {BATCH} partners, {} KB each on average)",
        bytes / BATCH / 1024
    );
}

fn evaluate(c: &mut Criterion) {
    let program = rules();
    let kind = partner_kind(&program);
    let read: Vec<Arc<_>> = generate::partners(BATCH, 25)
        .iter()
        .map(|l| read_record(&program, kind, l, as_of()).expect("valid"))
        .collect();
    let designations = program.kind(kind).designations.len();
    let mut group = c.benchmark_group("evaluate after reading");
    group.throughput(Throughput::Elements((BATCH * designations) as u64));
    group.bench_function("designation results, one core", |b| {
        b.iter(|| {
            for record in &read {
                let mut ev = Evaluation::new(&program, kind, record.clone(), as_of());
                for d in &program.kind(kind).designations {
                    black_box(ev.designation(d).expect("evaluates"));
                }
            }
        })
    });
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let program = rules();
    let lines = generate::partners(BATCH, 25);
    let batch = records(&lines);
    let mut group = c.benchmark_group("eval --format json, 25-customer partners");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("serde_json typed read only, one core", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(serde_json::from_str::<Partner>(line).expect("valid"));
            }
        })
    });
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        group.bench_with_input(
            BenchmarkId::new("tally eval", format!("{threads} core(s)")),
            &threads,
            |b, _| {
                b.iter(|| {
                    pool.install(|| {
                        black_box(evaluate_chunk(
                            &program,
                            None,
                            &batch,
                            false,
                            as_of(),
                            |outcome, record| Format::Json.print(outcome, &record.origin),
                        ))
                    })
                })
            },
        );
    }
    group.finish();
}

fn scaling(c: &mut Criterion) {
    let program = rules();
    let mut group = c.benchmark_group("eval --format json by customers per partner, one core");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    for customers in [5, 25, 50, 100] {
        let lines = generate::partners(500, customers);
        let batch = records(&lines);
        group.throughput(Throughput::Elements(500));
        group.bench_with_input(
            BenchmarkId::from_parameter(customers),
            &customers,
            |b, _| {
                b.iter(|| {
                    pool.install(|| {
                        black_box(evaluate_chunk(
                            &program,
                            None,
                            &batch,
                            false,
                            as_of(),
                            |outcome, record| Format::Json.print(outcome, &record.origin),
                        ))
                    })
                })
            },
        );
    }
    group.finish();
}

/// The evaluation date of records that carry none; the generated partners carry theirs.
fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date")
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = load, read, evaluate, end_to_end, scaling
}
criterion_main!(benches);
