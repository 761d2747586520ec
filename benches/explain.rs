//! `tally explain` against `tally eval` on one partner with 10,000 customers: the goal is at
//! most 10 times the evaluation's time (`cargo bench --bench explain`).

#[allow(dead_code, reason = "the generator serves several benchmarks")]
mod generate;

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use tally::data::read::{detect_kind, read_record};
use tally::eval::Evaluation;
use tally::explain::Explainer;

fn explain_against_eval(c: &mut Criterion) {
    let (program, _) = tally::load_rules(&[PathBuf::from("rules/azure")]).expect("rules load");
    let text = generate::partners(1, 10_000).remove(0);
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
    let kind = detect_kind(&program, &text).expect("a partner");
    let record = read_record(&program, kind, &text, as_of).expect("valid");
    let mut group = c.benchmark_group("one partner with 10,000 customers");
    group.sample_size(10);
    group.bench_function("eval", |b| {
        b.iter(|| {
            let mut ev = Evaluation::new(&program, kind, record.clone(), as_of);
            for d in &program.kind(kind).designations {
                black_box(ev.designation(d).expect("evaluates"));
            }
        })
    });
    group.bench_function("explain", |b| {
        b.iter(|| {
            black_box(
                Explainer::new(&program)
                    .explain(kind, record.clone(), None, as_of)
                    .expect("explains"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, explain_against_eval);
criterion_main!(benches);
