//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder of a committed fixture.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// `kam` with a fixed today and no inherited workspace.
pub fn kam() -> Command {
    let mut cmd = Command::cargo_bin("kam").expect("the kam binary");
    // No git repository: the history of the repository's own demo dossiers must not reach the
    // reports under test (`kam changes` and the brief read it); tests/changes.rs builds its own.
    cmd.env("KAM_TODAY", "2026-11-23").env_remove("NO_COLOR").env("GIT_DIR", "/nonexistent/kam-tests");
    cmd
}

/// Runs `kam ARGS --format json` in `dir` and parses the output; panics with stderr on failure.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = kam().current_dir(dir).args(args).args(["--format", "json"]).output().expect("run kam");
    assert!(out.status.success(), "kam {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// Runs `kam ARGS` in `dir` and returns stdout; panics with stderr on failure.
pub fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = kam().current_dir(dir).args(args).output().expect("run kam");
    assert!(out.status.success(), "kam {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Whether two JSON values are equal, numbers compared as f64 within 1e-9.
pub fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-9,
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The shared data folder with the real public exports, if present.
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        skipped(&format!("{} is absent (real-data tests need ../shared/data)", dir.display()));
        None
    }
}

/// Says on the terminal that a test was skipped, and why. The test harness captures what
/// `println!` and `eprintln!` write; a write to the stderr handle itself passes, so that the
/// normal output of `cargo test` shows it.
pub fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// "Today" for the `kam check` tests, so that deadline warnings do not depend on the calendar.
pub const TODAY: &str = "2026-06-15";

/// `kam` started in `dir`, the folder the user is in, with today fixed to [`TODAY`].
pub fn kam_in(dir: &Path) -> Command {
    let mut cmd = kam();
    cmd.current_dir(dir).env("KAM_TODAY", TODAY).env_remove("RUST_BACKTRACE");
    cmd
}

/// What `kam check` wrote to stderr.
#[derive(Debug)]
pub struct Run {
    pub stderr: String,
}

impl Run {
    pub fn lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// The closing summary line.
    pub fn summary(&self) -> &str {
        self.stderr.lines().last().unwrap_or("")
    }

    /// Asserts that stderr has exactly this line.
    #[track_caller]
    pub fn has_line(&self, line: &str) -> &Self {
        assert!(self.lines().contains(&line), "expected the line\n  {line}\nin stderr:\n{}", self.stderr);
        self
    }

    /// Asserts that some line of stderr holds `part`.
    #[track_caller]
    pub fn has(&self, part: &str) -> &Self {
        assert!(self.stderr.contains(part), "expected\n  {part}\nin stderr:\n{}", self.stderr);
        self
    }

    /// Asserts that no line of stderr holds `part`.
    #[track_caller]
    pub fn lacks(&self, part: &str) -> &Self {
        assert!(!self.stderr.contains(part), "did not expect\n  {part}\nin stderr:\n{}", self.stderr);
        self
    }

    /// Asserts the summary line.
    #[track_caller]
    pub fn summary_is(&self, summary: &str) -> &Self {
        assert_eq!(self.summary(), summary, "stderr:\n{}", self.stderr);
        self
    }

    /// The number of lines holding `part`.
    pub fn count(&self, part: &str) -> usize {
        self.lines().iter().filter(|l| l.contains(part)).count()
    }

    /// The lines that are errors or warnings (all but the summary).
    pub fn problems(&self) -> Vec<&str> {
        let lines = self.lines();
        lines[..lines.len().saturating_sub(1)].to_vec()
    }
}

/// Runs `kam check <args>` in `dir` and checks what every run must hold: the exit `code`,
/// nothing on stdout, no panic.
#[track_caller]
pub fn check_with(dir: &Path, args: &[&str], code: i32) -> Run {
    let assert = kam_in(dir)
        .arg("check")
        .args(args)
        .assert()
        .code(code)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("panicked").not());
    Run { stderr: String::from_utf8(assert.get_output().stderr.clone()).expect("stderr is UTF-8") }
}

/// `kam check` in `dir` that must fail (exit 1).
#[track_caller]
pub fn check_fails(dir: &Path) -> Run {
    check_with(dir, &[], 1)
}

/// `kam check` in `dir` that must pass (exit 0), maybe with warnings.
#[track_caller]
pub fn check_passes(dir: &Path) -> Run {
    check_with(dir, &[], 0)
}

/// A workspace in a temporary folder.
pub struct TempWorkspace {
    dir: tempfile::TempDir,
}

impl TempWorkspace {
    /// An empty folder with `kam.toml` holding `config`.
    pub fn new(config: &str) -> Self {
        let ws = TempWorkspace { dir: tempfile::tempdir().expect("a temporary folder") };
        ws.write("kam.toml", config.as_bytes());
        ws
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `bytes` to `rel`, creating folders as needed.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folders");
        std::fs::write(path, bytes).expect("write a file");
        self
    }
}

/// `bytes` compressed with gzip.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

/// `text` encoded as Windows-1252 (every character must exist there).
pub fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "{text:?} is not Windows-1252");
    bytes.into_owned()
}
