//! `tally explain` against `tally eval` on one partner with 10,000 customers: the goal is at
//! most 10 times the evaluation's time (`cargo bench --bench explain`). Each is measured as
//! the command does it, from the partner's JSON text, and on the record already read.

#[allow(dead_code, reason = "the generator serves several benchmarks")]
mod generate;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use tally::data::read::{detect_kind, read_record};
use tally::eval::Evaluation;
use tally::explain::{Explainer, Explanation};
use tally::ir::value::RecordValue;
use tally::ir::{KindId, Program};

fn read(program: &Program, text: &str, as_of: NaiveDate) -> (KindId, Arc<RecordValue>) {
    let kind = detect_kind(program, text).expect("a partner");
    (
        kind,
        read_record(program, kind, text, as_of).expect("valid"),
    )
}

fn eval(program: &Program, kind: KindId, record: Arc<RecordValue>, as_of: NaiveDate) {
    let mut ev = Evaluation::new(program, kind, record, as_of);
    for d in &program.kind(kind).designations {
        black_box(ev.designation(d).expect("evaluates"));
    }
}

fn explain(
    program: &Program,
    kind: KindId,
    record: Arc<RecordValue>,
    as_of: NaiveDate,
) -> Explanation {
    Explainer::new(program)
        .explain(kind, record, None, as_of)
        .expect("explains")
}

fn explain_against_eval(c: &mut Criterion) {
    let (program, _) = tally::load_rules(&[PathBuf::from("rules/azure")]).expect("rules load");
    let text = generate::partners(1, 10_000).remove(0);
    let as_of = NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
    let (kind, record) = read(&program, &text, as_of);
    let mut group = c.benchmark_group("one partner with 10,000 customers");
    group.sample_size(10);
    // As the commands run: the partner's JSON read, then evaluated or explained.
    group.bench_function("eval", |b| {
        b.iter(|| {
            let (kind, record) = read(&program, &text, as_of);
            eval(&program, kind, record, as_of)
        })
    });
    group.bench_function("explain", |b| {
        b.iter(|| {
            let (kind, record) = read(&program, &text, as_of);
            black_box(explain(&program, kind, record, as_of))
        })
    });
    // The record already read: the evaluation and the explanation alone.
    group.bench_function("eval, record read", |b| {
        b.iter(|| eval(&program, kind, record.clone(), as_of))
    });
    group.bench_function("explain, record read", |b| {
        b.iter(|| black_box(explain(&program, kind, record.clone(), as_of)))
    });
    group.finish();
}

criterion_group!(benches, explain_against_eval);
criterion_main!(benches);
