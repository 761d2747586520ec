// mimalloc: tally allocates many small values per record; it is markedly faster than the
// system allocator for that (see the benchmark in the README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tally::cli::main()
}
