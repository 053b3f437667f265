//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The folder of a committed fixture.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// `kam` with a fixed today and no inherited workspace.
pub fn kam() -> Command {
    let mut cmd = Command::cargo_bin("kam").expect("the kam binary");
    cmd.env("KAM_TODAY", "2026-11-23").env_remove("NO_COLOR");
    cmd
}

/// Runs `kam ARGS --format json` in `dir` and parses the output; panics with stderr on failure.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = kam().current_dir(dir).args(args).args(["--format", "json"]).output().expect("run kam");
    assert!(
        out.status.success(),
        "kam {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
        (Object(x), Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w))),
        _ => a == b,
    }
}

/// The shared data folder with the real public exports, if present.
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent (real-data tests need ../shared/data)", dir.display());
        None
    }
}
