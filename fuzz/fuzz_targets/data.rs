//! The data reader against the input declarations of the shipped rules: any bytes as one
//! record, read as every input kind and as the kind detected. Every problem must carry a
//! field path and render with the record's text.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use tally::cli::render::Renderer;
use tally::data::Origin;
use tally::ir::KindId;
use tally::data::read::{detect_kind, identifier, read_record};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let program = common::shipped();
    let renderer = Renderer::new(false, 100);
    let origin = Origin {
        file: "fuzz.json".into(),
        line: None,
    };
    let _ = detect_kind(program, text);
    for kind in (0..program.kinds.len() as u32).map(KindId) {
        let id = identifier(program, kind, text);
        if let Err(errors) = read_record(program, kind, text, common::as_of()) {
            for error in &errors {
                let _ = renderer.field_error(&origin, id.as_deref(), text, error);
            }
        }
    }
});
