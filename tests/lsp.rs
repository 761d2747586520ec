//! `tally lsp` through the protocol: the tests start the server, speak JSON-RPC to it with
//! Content-Length framing, and check each feature on the shipped rules and on broken copies.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use insta_cmd::get_cargo_bin;
use serde_json::{Value, json};

/// How long an answer may take before the test fails (the server answers in milliseconds).
const PATIENCE: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// The last diagnostics published for each URI.
    diagnostics: HashMap<String, Vec<Value>>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(get_cargo_bin("tally"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts tally lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).expect("the whole body");
                let message: Value = serde_json::from_slice(&body).expect("JSON");
                if send.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
            diagnostics: HashMap::new(),
        };
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        assert!(
            init["result"]["capabilities"]["hoverProvider"] == json!(true),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole message, `result` or `error`),
    /// keeping the diagnostics published meanwhile.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self
                .messages
                .recv_timeout(PATIENCE)
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if message["id"] == json!(id) {
                return message;
            }
            self.keep(message);
        }
    }

    fn keep(&mut self, message: Value) {
        if message["method"] == "textDocument/publishDiagnostics" {
            let uri = message["params"]["uri"].as_str().unwrap().to_string();
            let list = message["params"]["diagnostics"].as_array().unwrap().clone();
            self.diagnostics.insert(uri, list);
        }
    }

    /// Opens a file with its text, and returns the diagnostics then published for it.
    fn open(&mut self, path: &Path, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": "tally", "version": 1, "text": text } }),
        );
        self.published(path)
    }

    fn change(&mut self, path: &Path, version: i64, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version },
                    "contentChanges": [{ "text": text }] }),
        );
        self.published(path)
    }

    /// The diagnostics published for a file after the last message sent: a round trip makes
    /// sure the server has handled it.
    fn published(&mut self, path: &Path) -> Vec<Value> {
        self.diagnostics.remove(&uri(path));
        let _ = self.request("tally/unknown", json!({}));
        self.diagnostics
            .get(&uri(path))
            .cloned()
            .unwrap_or_else(|| panic!("diagnostics published for {}", path.display()))
    }

    fn at(&mut self, method: &str, path: &Path, at: (u32, u32), extra: Value) -> Value {
        let mut params = json!({
            "textDocument": { "uri": uri(path) },
            "position": { "line": at.0, "character": at.1 },
        });
        if let (Value::Object(p), Value::Object(e)) = (&mut params, extra) {
            p.extend(e);
        }
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A copy of the shipped `rules/` in a fresh folder of the test's own.
fn copy_of_rules(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("lsp")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    for entry in ["azure", "copilot-studio"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .join(entry);
        std::fs::create_dir_all(root.join(entry)).unwrap();
        for file in std::fs::read_dir(&from).unwrap() {
            let file = file.unwrap().path();
            std::fs::copy(&file, root.join(entry).join(file.file_name().unwrap())).unwrap();
        }
    }
    root.canonicalize().unwrap()
}

/// Line and UTF-16 column of the `nth` `needle` in `text`, plus `into` characters.
fn find(text: &str, needle: &str, nth: usize, into: u32) -> (u32, u32) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` is in the text"))
        .0;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..offset].matches('\n').count() as u32,
        text[line_start..offset].encode_utf16().count() as u32 + into,
    )
}

fn messages(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn diagnostics_as_you_type_for_the_whole_folder() {
    let root = copy_of_rules("as-you-type");
    let mut client = Client::start();
    let data_ai = root.join("azure/data-ai.tally");
    let text = std::fs::read_to_string(&data_ai).unwrap();
    assert_eq!(client.open(&data_ai, &text), Vec::<Value>::new());
    // Every file of the folder is published, the ones not open too.
    assert!(
        client
            .diagnostics
            .contains_key(&uri(&root.join("azure/common.tally")))
    );
    let broken = text.replacen("import \"common.tally\"", "", 1);
    let found = client.change(&data_ai, 2, &broken);
    assert!(!found.is_empty());
    let first = found
        .iter()
        .find(|d| d["severity"] == json!(1))
        .expect("an error");
    assert!(first["code"].is_string(), "{first}");
    assert!(first["range"]["start"]["line"].is_u64());
    // Fixing it clears the diagnostics.
    assert_eq!(client.change(&data_ai, 3, &text), Vec::<Value>::new());
}

#[test]
fn hover_definition_and_references_on_the_shipped_rules() {
    let root = copy_of_rules("navigate");
    let mut client = Client::start();
    let path = root.join("azure/data-ai.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&path, &text);
    let at = find(&text, "partner_path", 0, 2);
    let hover = client.at("textDocument/hover", &path, at, json!({}));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("partner_path"), "{shown}");
    assert!(shown.contains("source: "), "{shown}");

    let definition = client.at("textDocument/definition", &path, at, json!({}));
    let first = &definition[0];
    assert!(
        first["uri"]
            .as_str()
            .unwrap()
            .ends_with("azure/common.tally"),
        "{definition}"
    );

    let references = client.at(
        "textDocument/references",
        &path,
        at,
        json!({ "context": { "includeDeclaration": true } }),
    );
    let files: std::collections::BTreeSet<&str> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert!(files.len() >= 3, "{files:?}");
}

#[test]
fn hover_shows_dated_versions_with_their_dates() {
    let root = copy_of_rules("dated");
    let mut client = Client::start();
    let path = root.join("azure/common.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    let dated = format!(
        "{text}\nlet probe_limit = 5\nlet probe_limit from 2026-07-01 = 6\nlet probe_use = probe_limit\n"
    );
    client.open(&path, &dated);
    let hover = client.at(
        "textDocument/hover",
        &path,
        find(&dated, "probe_limit\n", 0, 1),
        json!({}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("in force from 2026-07-01"), "{shown}");
    assert!(shown.contains("in force since always"), "{shown}");
}

#[test]
fn completion_of_names_fields_keywords_and_labels() {
    let root = copy_of_rules("complete");
    let mut client = Client::start();
    let path = root.join("copilot-studio/estimate.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&path, &text);
    let typed = format!("{text}\nlet probe = messages_per_use[\"\n");
    client.change(&path, 2, &typed);
    let at = find(
        &typed,
        "messages_per_use[\"",
        0,
        "messages_per_use[\"".len() as u32,
    );
    let labels = client.at("textDocument/completion", &path, at, json!({}));
    let labels: Vec<&str> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"classic_answer"), "{labels:?}");

    let typed = format!("{text}\nlet probe = whe\n");
    client.change(&path, 3, &typed);
    let at = find(&typed, "= whe", 0, 5);
    let names = client.at("textDocument/completion", &path, at, json!({}));
    let names: Vec<&str> = names
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"where"), "{names:?}");
    assert!(names.contains(&"messages_per_use"), "{names:?}");
}

#[test]
fn formatting_gives_tally_fmts_layout() {
    let root = copy_of_rules("format");
    let mut client = Client::start();
    let path = root.join("azure/common.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    let messy = text.replacen("let ", "let   ", 3);
    client.open(&path, &messy);
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&path) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = response["result"].as_array().expect("edits");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"].as_str(), Some(text.as_str()));
    // A formatted file needs no edit.
    client.change(&path, 2, &text);
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&path) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(response["result"], json!([]));
}

#[test]
fn symbols_rename_and_code_actions() {
    let root = copy_of_rules("symbols");
    let mut client = Client::start();
    let path = root.join("azure/data-ai.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&path, &text);
    let response = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&path) } }),
    );
    let symbols = response["result"].as_array().expect("symbols");
    let designation = symbols
        .iter()
        .find(|s| s["name"] == "Data & AI (Azure)")
        .expect("the designation");
    assert!(
        designation["children"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );

    let at = find(&text, "partner_path", 0, 1);
    let rename = client.at(
        "textDocument/rename",
        &path,
        at,
        json!({ "newName": "route" }),
    );
    let changes = rename["changes"].as_object().expect("changes by file");
    assert!(changes.len() >= 3, "{rename}");

    // A misspelt name gets "did you mean" as a quick fix.
    let broken = text.replacen("partner_path", "partner_pth", 1);
    let found = client.change(&path, 2, &broken);
    let diagnostic = found
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("partner_pth"))
        .unwrap_or_else(|| panic!("{:?}", messages(&found)));
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&path) }, "range": diagnostic["range"],
                "context": { "diagnostics": [diagnostic] } }),
    );
    let titles: Vec<&str> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Replace with `partner_path`"),
        "{titles:?}"
    );
}

#[test]
fn a_missing_import_is_added_by_a_code_action() {
    let root = copy_of_rules("import");
    let mut client = Client::start();
    let path = root.join("azure/data-ai.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen("import \"common.tally\"\n", "", 1);
    let found = client.open(&path, &broken);
    let diagnostic = found
        .iter()
        .find(|d| d["code"] == "unknown-name")
        .unwrap_or_else(|| panic!("{:?}", messages(&found)));
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&path) }, "range": diagnostic["range"],
                "context": { "diagnostics": [diagnostic] } }),
    );
    let actions = response["result"].as_array().unwrap();
    let import = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Import \"common.tally\"")
        })
        .unwrap_or_else(|| panic!("{actions:?}"));
    let edit = &import["edit"]["changes"][uri(&path)][0];
    assert_eq!(edit["newText"], "import \"common.tally\"\n");
}

/// No input stops the server: unknown methods, bad parameters, positions past the end,
/// files that do not exist, text that is not rules; each request is answered.
#[test]
fn every_request_is_answered_whatever_it_holds() {
    let root = copy_of_rules("hostile");
    let mut client = Client::start();
    let path = root.join("azure/common.tally");
    client.open(&path, "let = = \"\u{1F600}\n{{{[[[ designation \"x\" {");
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/completion",
        "textDocument/rename",
    ] {
        for at in [(0, 0), (0, 9), (1, 3), (99, 99)] {
            let response = client.request(
                method,
                json!({ "textDocument": { "uri": uri(&path) },
                        "position": { "line": at.0, "character": at.1 },
                        "newName": "x", "context": { "includeDeclaration": true } }),
            );
            assert!(response.get("result").is_some() || response.get("error").is_some());
        }
    }
    let response = client.request("textDocument/formatting", json!({ "textDocument": { "uri": uri(&path) }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(response["result"], json!([]), "{response}");
    let response = client.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(response["error"]["code"], json!(-32602));
    let response = client.request("no/such/method", json!(null));
    assert_eq!(response["error"]["code"], json!(-32601));
    let elsewhere = root.join("no/such/file.tally");
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&elsewhere) }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    // Still serving.
    let response = client.request("shutdown", json!(null));
    assert_eq!(response["result"], Value::Null);
    client.notify("exit", json!(null));
    let status = client.child.wait().unwrap();
    assert!(status.success());
}

/// A broken copy opened as it is on disk, never checked clean: the diagnostics say what is
/// wrong, and hover (with the types of the files that still check), definition, completion
/// and formatting still answer.
#[test]
fn a_broken_copy_still_answers() {
    let root = copy_of_rules("broken-copy");
    let path = root.join("azure/data-ai.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen(
        "subcategory \"Net customer adds\" max 30 {",
        "subcategory \"Net customer adds\" max 30",
        1,
    );
    std::fs::write(&path, &broken).unwrap();
    let mut client = Client::start();
    let found = client.open(&path, &broken);
    assert_eq!(found.len(), 1, "{:?}", messages(&found));
    assert!(messages(&found)[0].contains("has no `{`"), "{found:?}");

    let at = find(&broken, "partner_path", 0, 2);
    let hover = client.at("textDocument/hover", &path, at, json!({}));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("\"enterprise\""),
        "the type, from common.tally: {shown}"
    );
    let definition = client.at("textDocument/definition", &path, at, json!({}));
    assert!(
        definition[0]["uri"]
            .as_str()
            .unwrap()
            .ends_with("common.tally")
    );
    let completion = client.at("textDocument/completion", &path, at, json!({}));
    assert!(
        completion
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["label"] == "points_to_attain")
    );
    let response = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&path) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(
        response["result"],
        json!([]),
        "a broken file is not formatted"
    );
}
