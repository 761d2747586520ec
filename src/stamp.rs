//! The stamp on every result: the evaluation date used, a digest of the rules and the version
//! of tally, so that an auditor can replay a decision later with the same rules.

use std::path::{Component, Path};
use std::sync::Arc;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::source::SourceMap;

/// This build's version, as `tally --version` prints it.
pub const TALLY_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The SHA-256 (lowercase hex) of the loaded rule files: the same on every machine, checkout
/// and working directory.
///
/// Each file is named by its path relative to the deepest folder that holds every loaded file,
/// with `/` between its parts, so that `rules/` and `/elsewhere/copy-of-rules/` hash alike.
/// The files are taken in the order of those names, and each one adds, in UTF-8,
/// `<name>\n<length of its text in bytes>\n<text>`: no file's text can pass for another's name.
/// The text is as loaded (a leading byte-order mark is not part of it).
pub fn rules_digest(sources: &SourceMap) -> String {
    let files: Vec<(&Path, &str)> = sources
        .files()
        .map(|(_, f)| (f.path.as_path(), &*f.text))
        .collect();
    digest_files(&files)
}

/// [`rules_digest`] of files given as paths and texts.
pub fn digest_files(files: &[(&Path, &str)]) -> String {
    let root = common_folder(files.iter().map(|(path, _)| *path));
    let mut named: Vec<(String, &str)> = files
        .iter()
        .map(|(path, text)| (relative_name(path, &root), *text))
        .collect();
    named.sort();
    let mut hasher = Sha256::new();
    for (name, text) in &named {
        hasher.update(name.as_bytes());
        hasher.update(format!("\n{}\n", text.len()).as_bytes());
        hasher.update(text.as_bytes());
    }
    hex(&hasher.finalize())
}

/// The deepest folder that holds every path.
fn common_folder<'a>(paths: impl Iterator<Item = &'a Path>) -> Vec<Component<'a>> {
    let mut common: Option<Vec<Component<'a>>> = None;
    for path in paths {
        let folder: Vec<Component<'a>> = path
            .parent()
            .map_or_else(Vec::new, |p| p.components().collect());
        common = Some(match common {
            None => folder,
            Some(mut c) => {
                let same = c.iter().zip(&folder).take_while(|(a, b)| a == b).count();
                c.truncate(same);
                c
            }
        });
    }
    common.unwrap_or_default()
}

fn relative_name(path: &Path, root: &[Component<'_>]) -> String {
    path.components()
        .skip(root.len())
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Today's date in UTC: the evaluation date of a record that has none, without `--as-of`.
pub fn today() -> NaiveDate {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(0), 0)
        .map_or(NaiveDate::MIN, |t| t.date_naive())
}

/// What made a result: the evaluation date, the rules and the version of tally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub as_of: NaiveDate,
    pub rules_digest: Arc<str>,
    pub tally_version: &'static str,
}

impl Stamp {
    pub fn new(as_of: NaiveDate, rules_digest: Arc<str>) -> Stamp {
        Stamp {
            as_of,
            rules_digest,
            tally_version: TALLY_VERSION,
        }
    }

    /// The stamp's fields as JSON object members, each preceded by a comma:
    /// `,"as_of":"2025-03-01","rules_digest":"…","tally_version":"0.1.0"`.
    pub fn json_members(&self) -> String {
        format!(
            ",\"as_of\":\"{}\",\"rules_digest\":\"{}\",\"tally_version\":\"{}\"",
            self.as_of, self.rules_digest, self.tally_version
        )
    }

    /// The one line that ends a table: `as of 2025-03-01 · rules sha256:… · tally 0.1.0`.
    pub fn line(&self) -> String {
        format!(
            "as of {} · rules sha256:{} · tally {}",
            self.as_of, self.rules_digest, self.tally_version
        )
    }
}

/// One line of the decision log (`--decision-log`), in the spirit of OPA's decision logs: when,
/// which record (its id, where it was read, the SHA-256 of its text), the stamp, and the
/// result as `eval --format json` prints it, or why there is none.
pub fn decision_line(
    id: Option<&str>,
    origin: &str,
    record: &[u8],
    stamp: &Stamp,
    result: Result<&str, &str>,
) -> String {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let mut line = format!(
        "{{\"time\":\"{}\",\"record_id\":{},\"origin\":{},\"record_sha256\":\"{}\"{}",
        now_utc(),
        id.map_or_else(|| "null".to_string(), text),
        text(origin),
        hex(&Sha256::digest(record)),
        stamp.json_members()
    );
    match result {
        Ok(json) => line.push_str(&format!(",\"results\":{json}}}\n")),
        Err(error) => line.push_str(&format!(",\"results\":null,\"error\":{}}}\n", text(error))),
    }
    line
}

/// The time now, UTC, to the millisecond: `2026-12-06T23:59:01.123Z`.
fn now_utc() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    chrono::DateTime::from_timestamp(
        i64::try_from(now.as_secs()).unwrap_or(0),
        now.subsec_nanos(),
    )
    .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
    .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a `--as-of` date (`YYYY-MM-DD`) for clap.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let valid = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if valid => Ok(date),
        _ => Err(format!(
            "`{text}` is not a date that exists, written YYYY-MM-DD (such as 2025-03-01)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_relative_to_the_common_folder() {
        let a = digest_files(&[
            (Path::new("/x/rules/azure/a.tally"), "let a = 1\n"),
            (Path::new("/x/rules/b.tally"), "let b = 2\n"),
        ]);
        let b = digest_files(&[
            (Path::new("/y/z/copy/b.tally"), "let b = 2\n"),
            (Path::new("/y/z/copy/azure/a.tally"), "let a = 1\n"),
        ]);
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        let moved = digest_files(&[
            (Path::new("/x/rules/a.tally"), "let a = 1\n"),
            (Path::new("/x/rules/b.tally"), "let b = 2\n"),
        ]);
        assert_ne!(a, moved, "a file's name is part of the digest");
    }

    #[test]
    fn the_framing_keeps_texts_apart_from_names() {
        let one = digest_files(&[(Path::new("r/a.tally"), "x\nb.tally\n0\n")]);
        let two = digest_files(&[(Path::new("r/a.tally"), "x"), (Path::new("r/b.tally"), "")]);
        assert_ne!(one, two);
    }

    #[test]
    fn dates_are_written_in_full() {
        assert!(parse_date("2025-03-01").is_ok());
        assert!(parse_date("2025-3-1").is_err());
        assert!(parse_date("2025-02-30").is_err());
    }
}
