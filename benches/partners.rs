//! Writes generated partners (benches/generate.rs) as JSON Lines for benches/serve-load.sh:
//! `TALLY_PARTNERS=path TALLY_PARTNERS_COUNT=n cargo bench --bench partners`. Without
//! TALLY_PARTNERS it writes nothing, so `cargo bench` runs it harmlessly.

mod generate;

fn main() {
    let Some(path) = std::env::var_os("TALLY_PARTNERS") else {
        eprintln!("partners: set TALLY_PARTNERS=path (and TALLY_PARTNERS_COUNT) to write partners");
        return;
    };
    let count = std::env::var("TALLY_PARTNERS_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let mut text = generate::partners(count, 25).join("\n");
    text.push('\n');
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("partners: cannot write {}: {e}", path.to_string_lossy());
        std::process::exit(1);
    }
}
