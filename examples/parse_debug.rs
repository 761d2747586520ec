fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let mut diags = tally::diagnostic::Diags::default();
    let loaded = tally::load::load(&paths, &mut diags);
    let sources_diags = diags.sorted();
    let (program, check_diags) = tally::check::check(loaded);
    if let Some(p) = &program {
        for k in &p.kinds {
            println!("kind {}: {} designations, {} outputs", k.name, k.designations.len(), k.output.len());
        }
        for d in sources_diags.iter().chain(&check_diags) {
            eprintln!("{:?}", miette::Report::new(d.render(&p.sources)));
        }
    } else {
        println!("no program; {} diags", check_diags.len() + sources_diags.len());
        for d in sources_diags.iter().chain(&check_diags) {
            eprintln!("{} {:?}", d.message, d.span);
        }
    }
}
