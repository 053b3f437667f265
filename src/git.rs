//! The git history of a file, read with the `git` command: the repository that holds a folder,
//! the commits that changed a file (following renames) and the file's text at each.
//!
//! kam runs `git` rather than linking a git library: it needs three plumbing-level questions
//! answered, `git` is on every machine that holds a workspace in git, and a missing `git` is a
//! plain message instead of a build dependency.

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why there is no history to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoHistory {
    /// The `git` command could not be run.
    NoGit(String),
    /// The folder is not inside a git working tree.
    NotARepository,
    /// The file has no commit.
    NotCommitted,
}

/// One commit that changed the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub hash: String,
    /// The commit date, in the committer's time zone (a rebased commit counts from when it was
    /// rebased).
    pub date: NaiveDate,
    /// The file's path at this commit, relative to the repository's root.
    pub path: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, NoHistory> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        // Paths as they are, not quoted with octal escapes (umlauts in folder names).
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .env("GIT_PAGER", "cat")
        .output()
        .map_err(|e| NoHistory::NoGit(e.to_string()))
}

/// The root of the working tree that holds `dir`.
pub fn repository_root(dir: &Path) -> Result<PathBuf, NoHistory> {
    let out = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !out.status.success() {
        return Err(NoHistory::NotARepository);
    }
    let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if root.is_empty() {
        return Err(NoHistory::NotARepository);
    }
    Ok(PathBuf::from(root))
}

/// The commits that changed `file` (a path inside the working tree at `root`), oldest first,
/// following renames.
pub fn file_history(root: &Path, file: &Path) -> Result<Vec<Commit>, NoHistory> {
    let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let root_canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let relative = file.strip_prefix(&root_canonical).map_err(|_| NoHistory::NotARepository)?;
    let relative = relative.to_string_lossy().replace('\\', "/");
    let out = git(root, &["log", "--follow", "--name-only", "--format=%x1e%H%x09%cI", "--", &relative])?;
    if !out.status.success() {
        return Err(NoHistory::NotCommitted);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut commits: Vec<Commit> = text
        .split('\u{1e}')
        .filter_map(|record| {
            let mut lines = record.lines().filter(|l| !l.trim().is_empty());
            let (hash, date) = lines.next()?.split_once('\t')?;
            let date = NaiveDate::parse_from_str(date.get(..10)?, "%Y-%m-%d").ok()?;
            let path = lines.next().unwrap_or(&relative).trim().to_string();
            Some(Commit { hash: hash.trim().to_string(), date, path })
        })
        .collect();
    if commits.is_empty() {
        return Err(NoHistory::NotCommitted);
    }
    commits.reverse();
    Ok(commits)
}

/// The text of `path` at `commit`; `None` when it cannot be read (not UTF-8, or absent).
pub fn file_at(root: &Path, commit: &str, path: &str) -> Option<String> {
    let out = git(root, &["show", &format!("{commit}:{path}")]).ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}
