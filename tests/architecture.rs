//! The modules of `src/` form layers (docs/architecture.md): no module uses one of a layer
//! above its own, so the dependencies point one way.

use std::path::Path;

use crate::support::files;

/// Each top-level module and its layer; a module may use modules of lower layers only.
const LAYERS: [(&str, u8); 22] = [
    ("source", 0),
    ("diagnostic", 1),
    ("stamp", 1),
    ("syntax", 2),
    ("load", 3),
    ("ir", 4),
    ("analysis", 5),
    ("check", 6),
    ("data", 7),
    ("eval", 7),
    ("run", 8),
    ("report", 9),
    ("diff", 10),
    ("doc", 10),
    ("explain", 10),
    ("testing", 10),
    ("service", 10),
    ("lsp", 11),
    ("cli", 12),
    ("lib", 13),
    ("main", 13),
    ("bin", 13),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let mut wrong = Vec::new();
    for path in files(Path::new("src"), "rs") {
        let relative = path.strip_prefix("src").expect("under src/");
        let first = relative.iter().next().expect("a name");
        let own = first.to_str().expect("UTF-8").trim_end_matches(".rs");
        let own_layer =
            layer(own).unwrap_or_else(|| panic!("src/{own} has no layer in tests/architecture.rs"));
        let text = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in text.lines().enumerate() {
            for used in line.split("crate::").skip(1) {
                let name: String = used
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let Some(used_layer) = layer(&name) else {
                    continue;
                };
                if name != own && used_layer >= own_layer {
                    wrong.push(format!("{}:{}: {own} uses {name}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
