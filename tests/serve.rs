//! `tally serve`: the API called in-process through its router (tower's `oneshot`), and the
//! binary started on a free loopback port for what only a process shows (SIGTERM, refusals).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tally::serve::{Config, State, router};
use tower::ServiceExt;

use crate::support::{edited_copy, temp_dir};

fn state(config: Config) -> Arc<State> {
    Arc::new(State::new(config).expect("the shipped rules check"))
}

fn shipped() -> Config {
    Config {
        data: Some(PathBuf::from("examples")),
        ..Config::new(vec![PathBuf::from("rules")])
    }
}

/// Sends one request; the status, the content type and the body as text.
async fn send(
    state: &Arc<State>,
    method: &str,
    uri: &str,
    body: impl Into<Body>,
    token: Option<&str>,
) -> (StatusCode, String, String) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router(state.clone())
        .oneshot(request.body(body.into()).expect("request"))
        .await
        .expect("the router answers");
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// What `tally eval --format json` prints for a data file.
fn cli_eval(data: &str) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["eval", "rules", "--format", "json", "--data", data])
        .output()
        .expect("tally runs");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[tokio::test]
async fn evaluate_gives_the_same_json_as_tally_eval() {
    let state = state(shipped());
    for data in [
        "examples/partner-smb.json",
        "examples/sales-agent.json",
        "examples/support-agent.json",
    ] {
        let body = std::fs::read(data).expect("example");
        let (status, kind, text) = send(&state, "POST", "/v1/evaluate", body, None).await;
        assert_eq!(status, StatusCode::OK, "{data}: {text}");
        assert_eq!(kind, "application/json");
        assert_eq!(format!("{text}\n"), cli_eval(data), "{data}");
    }
}

#[tokio::test]
async fn a_bad_record_gets_422_with_the_diagnostic_of_the_command_line() {
    let state = state(shipped());
    let record = std::fs::read_to_string("examples/partner-smb.json")
        .expect("example")
        .replacen("\"P-0001\"", "42", 1);
    let (status, _, text) = send(&state, "POST", "/v1/evaluate", record, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(&text);
    assert_eq!(body["error"], "bad-data");
    let problem = &body["problems"][0];
    assert_eq!(problem["file"], "request");
    assert_eq!(problem["path"], "partner_id");
    assert_eq!(problem["line"], 2);
    assert_eq!(problem["column"], 17);
    insta::assert_snapshot!(body["text"].as_str().expect("text"));
}

#[tokio::test]
async fn text_that_is_not_a_record_is_a_4xx_never_a_5xx() {
    let state = state(shipped());
    for body in [
        &b"not json"[..],
        b"",
        b"[]",
        b"{\"partner_id\": \"x\"",
        b"\xff\xfe{}",
        b"{\"a\":1}",
        b"null",
    ] {
        let (status, _, text) = send(&state, "POST", "/v1/evaluate", body.to_vec(), None).await;
        assert!(status.is_client_error(), "{body:?}: {status} {text}");
        assert!(json(&text)["problems"].is_array(), "{text}");
        let (status, _, _) = send(&state, "POST", "/v1/explain", body.to_vec(), None).await;
        assert!(status.is_client_error(), "explain {body:?}: {status}");
    }
}

#[tokio::test]
async fn a_batch_gets_one_line_per_record_in_order() {
    let state = state(shipped());
    let partner: Value = json(&std::fs::read_to_string("examples/partner-smb.json").expect("x"));
    let scenario: Value = json(&std::fs::read_to_string("examples/sales-agent.json").expect("x"));
    let body = format!("{partner}\n\n{scenario}\n{{\"partner_id\": 1}}\n");
    let (status, kind, text) = send(&state, "POST", "/v1/evaluate/batch", body, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/x-ndjson");
    let lines: Vec<Value> = text.lines().map(json).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["partner_id"], "P-0001");
    assert!(lines[1]["messages_per_day"].is_number());
    assert_eq!(lines[2]["error"], "bad-data");
    assert_eq!(
        lines[2]["problems"][0]["line"], 4,
        "the record's line in the body"
    );

    let (status, _, _) = send(&state, "POST", "/v1/evaluate/batch", "\n \n", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn explain_gives_the_json_of_tally_explain() {
    let state = state(shipped());
    let body = std::fs::read("examples/partner-smb.json").expect("example");
    let (status, _, text) = send(&state, "POST", "/v1/explain?designation=Data", body, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let explanation = json(&text);
    assert_eq!(explanation["id"], "P-0001");
    assert_eq!(
        explanation["designations"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        explanation["designations"][0]["designation"],
        "Data & AI (Azure)"
    );
}

#[tokio::test]
async fn check_reports_diagnostics_of_rule_text() {
    let state = state(shipped());
    let request = serde_json::json!({ "text": "let a = 1\nlet b = a +\n" }).to_string();
    let (status, _, text) = send(&state, "POST", "/v1/check", request, None).await;
    assert_eq!(status, StatusCode::OK);
    let body = json(&text);
    assert!(body["errors"].as_u64() >= Some(1), "{text}");
    assert_eq!(body["diagnostics"][0]["file"], "request.tally");

    // In place of a served file, with what it imports.
    let common = std::fs::read_to_string("rules/azure/common.tally").expect("rules");
    let typo = common.replacen(
        "customers where attribution in eligible_attributions",
        "customers where attribution in eligible_atributions",
        1,
    );
    let request = serde_json::json!({ "text": typo, "path": "rules/azure/common.tally" });
    let (status, _, text) = send(&state, "POST", "/v1/check", request.to_string(), None).await;
    assert_eq!(status, StatusCode::OK);
    let body = json(&text);
    let error = body["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["severity"] == "error"))
        .expect("an error")
        .clone();
    assert_eq!(error["code"], "unknown-name");
    assert_eq!(error["file"], "rules/azure/common.tally");
    assert_eq!(error["line"], 29);

    // A body that is not the JSON the call takes is a 4xx, with a JSON error.
    for body in ["not json", "{}", "{\"text\": 1}", "[]"] {
        let (status, _, text) = send(&state, "POST", "/v1/check", body, None).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert_eq!(json(&text)["error"], "bad-request", "{body}");
    }

    // Only served rule files can be named.
    for path in [
        "../Cargo.toml",
        "/etc/passwd",
        "rules/../Cargo.toml",
        "src/lib.rs",
    ] {
        let request = serde_json::json!({ "text": "", "path": path }).to_string();
        let (status, _, _) = send(&state, "POST", "/v1/check", request, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn rules_health_readiness_and_openapi() {
    let state = state(shipped());
    let (status, _, text) = send(&state, "GET", "/v1/rules", Body::empty(), None).await;
    assert_eq!(status, StatusCode::OK);
    let rules = json(&text);
    assert_eq!(rules["digest"].as_str().map(str::len), Some(64));
    assert_eq!(rules["files"].as_array().map(Vec::len), Some(10));
    assert_eq!(
        rules["inputs"][0]["designations"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(rules["failed_reload"], Value::Null);

    let (status, _, _) = send(&state, "GET", "/v1/health", Body::empty(), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, text) = send(&state, "GET", "/v1/ready", Body::empty(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&text)["rules_digest"], rules["digest"]);

    let (status, _, text) = send(&state, "GET", "/v1/openapi.json", Body::empty(), None).await;
    assert_eq!(status, StatusCode::OK);
    let openapi = json(&text);
    assert_eq!(openapi["openapi"], "3.1.0");
    for path in [
        "/v1/evaluate",
        "/v1/evaluate/batch",
        "/v1/explain",
        "/v1/check",
        "/v1/rules",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} is documented");
    }

    let (status, _, text) = send(&state, "GET", "/nowhere", Body::empty(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&text)["error"], "not-found");
}

#[tokio::test]
async fn limits_refuse_large_bodies() {
    let state = state(Config {
        max_body: 1000,
        ..shipped()
    });
    let body = std::fs::read("examples/partner-smb.json").expect("example");
    assert!(body.len() > 1000);
    let (status, _, _) = send(&state, "POST", "/v1/evaluate", body, None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_token_is_required_on_every_api_request() {
    let state = state(Config {
        token: Some("s3cret".into()),
        ..shipped()
    });
    for (uri, token, expected) in [
        ("/v1/health", None, StatusCode::UNAUTHORIZED),
        ("/v1/rules", Some("wrong"), StatusCode::UNAUTHORIZED),
        ("/v1/openapi.json", Some("s3cre"), StatusCode::UNAUTHORIZED),
        ("/v1/health", Some("s3cret"), StatusCode::OK),
        ("/v1/studio/files", Some("s3cret"), StatusCode::OK),
        // The studio's page holds no data; it asks for the token.
        ("/", None, StatusCode::OK),
    ] {
        let (status, _, _) = send(&state, "GET", uri, Body::empty(), token).await;
        assert_eq!(status, expected, "{uri} with {token:?}");
    }
}

#[tokio::test]
async fn the_studio_previews_an_unsaved_edit_and_saves_only_with_allow_edit() {
    let state = state(shipped());
    let (status, kind, page) = send(&state, "GET", "/", Body::empty(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html"));
    assert!(page.contains("/studio.js"));

    let common = std::fs::read_to_string("rules/azure/common.tally").expect("rules");
    let lower = common.replacen("let points_to_attain = 70", "let points_to_attain = 40", 1);
    let request = serde_json::json!({ "files": { "rules/azure/common.tally": lower } });
    let (status, _, text) = send(
        &state,
        "POST",
        "/v1/studio/preview",
        request.to_string(),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let preview = json(&text);
    assert_eq!(preview["checks"], true);
    // The three examples of the data contract and the 240 generated partners.
    assert_eq!(preview["results"].as_array().map(Vec::len), Some(243));
    let data_ai = &preview["impact"]["designations"][0];
    assert_eq!(data_ai["designation"], "Data & AI (Azure)");
    let gained = data_ai["gained"]["ids"].as_array().expect("ids");
    assert!(gained.iter().any(|id| id == "P-0001"), "{gained:?}");

    let request = serde_json::json!({ "path": "rules/azure/common.tally", "text": lower });
    let (status, _, _) = send(&state, "POST", "/v1/studio/save", request.to_string(), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_edit_on_disk_that_checks_is_put_in_force_and_one_that_does_not_is_reported() {
    let dir = temp_dir("serve-reload");
    edited_copy(
        PathBuf::from("rules/azure").as_path(),
        &dir,
        "common.tally",
        "",
        "",
    );
    let state = state(Config::new(vec![dir.clone()]));
    let partner = std::fs::read("examples/partner-smb.json").expect("example");
    let attained = |text: &str| json(text)["results"][0]["attained"].clone();
    let (_, _, before) = send(&state, "POST", "/v1/evaluate", partner.clone(), None).await;
    assert_eq!(attained(&before), false);
    let digest = state.rules().digest.clone();

    let common = dir.join("common.tally");
    let good = std::fs::read_to_string(&common).expect("copy");
    std::fs::write(
        &common,
        good.replace("points_to_attain = 70", "points_to_attain = 40"),
    )
    .expect("edit");
    state.reload();
    let (_, _, after) = send(&state, "POST", "/v1/evaluate", partner.clone(), None).await;
    assert_eq!(attained(&after), true);
    assert_ne!(state.rules().digest, digest);

    std::fs::write(
        &common,
        good.replace("points_to_attain = 70", "points_to_attain = "),
    )
    .expect("edit");
    state.reload();
    let (_, _, still) = send(&state, "POST", "/v1/evaluate", partner, None).await;
    assert_eq!(
        attained(&still),
        true,
        "the last rules that checked stay in force"
    );
    let (_, _, rules) = send(&state, "GET", "/v1/rules", Body::empty(), None).await;
    let failed = &json(&rules)["failed_reload"];
    assert!(failed["diagnostics"][0]["line"].is_number(), "{failed}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts `tally serve` on a free loopback port; its address from its first line.
fn start(args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tally"))
        .arg("serve")
        .args(args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("tally serve starts");
    let mut line = String::new();
    let stderr = child.stderr.take().expect("stderr");
    let mut reader = std::io::BufReader::new(stderr);
    reader.read_line(&mut line).expect("a first line");
    let address = line
        .split("API at http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    (child, address)
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    use std::io::{Read, Write};
    let (mut child, address) = start(&["rules", "--bind", "127.0.0.1:0"]);
    let mut stream = std::net::TcpStream::connect(&address).expect("connects");
    stream
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("sends");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("reads");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("tally serve did not stop on SIGTERM");
}

#[test]
fn another_address_than_loopback_needs_a_token() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["serve", "rules", "--bind", "0.0.0.0:0"])
        .env_remove("TALLY_TOKEN")
        .output()
        .expect("tally runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--token"), "{stderr}");
}

#[tokio::test]
async fn the_readme_shows_the_third_command_and_a_curl_that_works() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    assert!(readme.contains("cargo run --release -- serve rules/ --data examples/"));
    let curl = "curl -s --data-binary @examples/partner-smb.json http://127.0.0.1:8080/v1/evaluate";
    assert!(readme.contains(curl));
    let state = state(shipped());
    let body = std::fs::read("examples/partner-smb.json").expect("example");
    let (status, _, text) = send(&state, "POST", "/v1/evaluate", body, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&text)["partner_id"], "P-0001");
}

#[tokio::test]
async fn with_allow_edit_save_writes_the_file_formatted_when_the_rules_check() {
    let dir = temp_dir("serve-save");
    edited_copy(
        PathBuf::from("rules/azure").as_path(),
        &dir,
        "common.tally",
        "",
        "",
    );
    let state = state(Config {
        allow_edit: true,
        ..Config::new(vec![dir.clone()])
    });
    let name = tally::source::display_path(&dir.join("common.tally"));
    let common = std::fs::read_to_string(dir.join("common.tally")).expect("copy");
    let digest = state.rules().digest.clone();

    let broken = common.replacen("let points_to_attain = 70", "let points_to_attain =", 1);
    let request = serde_json::json!({ "path": name, "text": broken });
    let (status, _, _) = send(&state, "POST", "/v1/studio/save", request.to_string(), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        std::fs::read_to_string(dir.join("common.tally")).expect("file"),
        common
    );

    let untidy = common.replacen("let points_to_attain = 70", "let   points_to_attain=40", 1);
    let request = serde_json::json!({ "path": name, "text": untidy });
    let (status, _, text) =
        send(&state, "POST", "/v1/studio/save", request.to_string(), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let saved = std::fs::read_to_string(dir.join("common.tally")).expect("file");
    assert!(
        saved.contains("\nlet points_to_attain = 40\n"),
        "saved formatted"
    );
    assert_ne!(state.rules().digest, digest, "the saved rules are in force");
    let _ = std::fs::remove_dir_all(&dir);
}
