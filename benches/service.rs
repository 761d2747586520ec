//! The language service on every keystroke: after an edit of one file, the diagnostics of
//! the whole shipped `rules/` folder (goal: within 50 ms), and a hover and a completion.
//!
//! Run: `cargo bench --bench service`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use tally::service::{Position, Workspace};

fn service(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let path = root.join("azure/common.tally");
    let text = std::fs::read_to_string(&path).expect("the shipped rules");
    let mut workspace = Workspace::new(&root);
    let mut group = c.benchmark_group("language service");
    // Each edit changes the text (a digit appended to a comment), as typing does.
    let mut keystroke = 0u32;
    group.bench_function("diagnostics of rules/ after an edit", |b| {
        b.iter(|| {
            keystroke += 1;
            workspace.set_text(&path, format!("{text}\n# {keystroke}\n"));
            black_box(workspace.diagnostics())
        })
    });
    let at = Position {
        line: 30,
        character: 10,
    };
    group.bench_function("hover after an edit", |b| {
        b.iter(|| {
            keystroke += 1;
            workspace.set_text(&path, format!("{text}\n# {keystroke}\n"));
            black_box(workspace.hover(&path, at))
        })
    });
    group.bench_function("completion after an edit", |b| {
        b.iter(|| {
            keystroke += 1;
            workspace.set_text(&path, format!("{text}\n# {keystroke}\n"));
            black_box(workspace.completions(&path, at))
        })
    });
    group.finish();
}

criterion_group!(benches, service);
criterion_main!(benches);
