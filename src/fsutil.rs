//! Writing files: the one atomic writer of kam and the folder lock of dossier edits.
//!
//! Every file kam writes (a report with `-o`, a brief of `--upcoming`, a dossier edited by
//! `kam log`, the files of `kam init` and `kam new`) goes through [`write_with`],
//! [`replace_source`], [`replace_dossier`] or [`create_new`], so that the same promises hold
//! everywhere:
//!
//! - **A regular file is replaced atomically**: the text goes to a temporary file in the same
//!   folder (`.kam-….tmp`) and is renamed over the target, so a reader sees the old file or the
//!   new one, never half of one. The new file keeps the permissions and the owner of the one it
//!   replaces (as far as the system lets the process set them).
//! - **The user's own files are flushed to disk before the rename** (a dossier edited by
//!   `kam log`, the files of `kam init` and `kam new`, an extended `.gitignore`), and the
//!   folder after it, so that a crash right after the command leaves the old text or the new,
//!   not an empty file ([`Durability::Source`]). A report is put in place without waiting for
//!   the disk ([`Durability::Report`]; over an existing report by swapping the two, see
//!   [`swap_into_place`]): it is made again from the files it is made of, and a large one would
//!   otherwise wait for the disk longer than it took to compute (the margin table of a 1M-row
//!   export: some 70 ms of a second). Compilers, `csv` tools and DuckDB's `COPY … TO` do not
//!   flush what they write either.
//! - **A symbolic link is followed**: the file it points to is replaced and the link stays.
//! - **Anything that is not a regular file is written straight to**: `/dev/null`, a named pipe,
//!   `>(cmd)`, a terminal. Renaming over them would turn a device into a plain file.
//! - **A file the command read is never written**: [`Inputs`] holds the files a command read,
//!   compared by identity (device and inode), so `-o sales/2025.csv` or `-o kam.toml` is refused
//!   whatever path leads to the file.
//! - **A read-only dossier is not edited** ([`refuse_read_only`]), as `git` and editors treat them.
//!
//! [`FolderLock`] serialises edits of one folder of dossiers; the temporary files of an edit that
//! was killed before its rename are removed by the next edit under the lock ([`remove_stale_temps`]).

use crate::diag::display_path;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The prefix of the temporary files kam writes beside a target.
const TEMP_PREFIX: &str = ".kam-";
/// The prefix of the temporary files of dossier edits, which are only written under the lock.
const EDIT_TEMP_PREFIX: &str = ".kam-edit-";
const TEMP_SUFFIX: &str = ".tmp";

/// The folder of `path`, `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The file a path names once symbolic links are followed, also where the last link dangles
/// (then the path it points to, which is to be created).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = if target.is_absolute() { target } else { folder_of(&current).join(target) };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!("{}: too many levels of symbolic links", display_path(path))))
}

/// A temporary file beside `target`, named so that no reader takes it for a dossier or an export.
fn temp_beside(target: &Path, prefix: &str) -> io::Result<tempfile::NamedTempFile> {
    let dir = folder_of(target);
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder {} does not exist", display_path(dir)),
        ));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Like any new file: readable by others unless the umask says otherwise.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Whether a file is flushed to disk before it is renamed over its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// A report, made again from its inputs: renamed as soon as it is written.
    Report,
    /// The user's own text (a dossier, the settings, `.gitignore`): flushed to disk, renamed,
    /// and the folder's entry flushed.
    Source,
}

/// Writes the report at `path` with what `write` produces, through a buffer: a regular file (or
/// a new one) atomically, keeping permissions and owner; anything else (a device, a pipe)
/// directly.
pub fn write_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    write_as(path, TEMP_PREFIX, Durability::Report, write)
}

/// [`write_with`] for a slice of bytes.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |out| out.write_all(bytes))
}

/// Replaces a file of the user's own (not a report) with `bytes`, flushed to disk first.
pub fn replace_source(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_as(path, TEMP_PREFIX, Durability::Source, |out| out.write_all(bytes))
}

/// Replaces a dossier under the folder lock (see [`remove_stale_temps`]), flushed to disk first.
pub fn replace_dossier(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_as(path, EDIT_TEMP_PREFIX, Durability::Source, |out| out.write_all(bytes))
}

fn write_as(
    path: &Path,
    prefix: &str,
    durability: Durability,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a folder; name a file"));
        }
        Ok(m) if !m.is_file() => {
            // A device, a named pipe, a socket: written to as it is.
            let file = OpenOptions::new().write(true).open(path)?;
            let mut out = io::BufWriter::with_capacity(1 << 16, file);
            write(&mut out)?;
            return out.flush();
        }
        _ => {}
    }
    let target = resolve_links(path)?;
    let old = fs::metadata(&target).ok();
    let tmp = temp_beside(&target, prefix)?;
    let mut out = io::BufWriter::with_capacity(1 << 16, tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(|e| e.into_error())?;
    if let Some(old) = &old {
        tmp.as_file().set_permissions(old.permissions())?;
        keep_owner(tmp.as_file(), old);
    }
    if durability == Durability::Source {
        tmp.as_file().sync_all()?;
    }
    if durability == Durability::Report && old.as_ref().is_some_and(fs::Metadata::is_file) {
        return swap_into_place(tmp, &target);
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    if durability == Durability::Source {
        sync_folder(&target);
    }
    Ok(())
}

/// Puts the report written to `tmp` in the place of the regular file `target`: on Linux the two
/// are swapped in one step (`renameat2` with `RENAME_EXCHANGE`) and the old text, now under the
/// temporary name, removed. A plain rename over an existing file makes ext4 write the new file's
/// data out before the rename returns (its safeguard for programs that never flush), which for
/// a report of 30 MB took 5 to 35 ms; a report is made again from its inputs, so it does not
/// wait for that. Where the system cannot swap (another system, a file system without it), the
/// file is renamed over the target.
fn swap_into_place(tmp: tempfile::NamedTempFile, target: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        let temp_path = tmp.into_temp_path();
        if renameat_with(CWD, &*temp_path, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // The old report is under the temporary name now, and goes with it. The new one is in
            // place whether or not that removal succeeds.
            let _ = temp_path.close();
            return Ok(());
        }
        temp_path.persist(target).map_err(|e| e.error)
    }
    #[cfg(not(target_os = "linux"))]
    {
        tmp.persist(target).map(drop).map_err(|e| e.error)
    }
}

/// Gives a new file the owner and group of the file it replaces, where the process may (root
/// editing a user's dossier); elsewhere the file stays the process's own, as with any editor.
#[cfg(unix)]
fn keep_owner(file: &File, old: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let Ok(new) = file.metadata() else { return };
    if new.uid() != old.uid() || new.gid() != old.gid() {
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _old: &fs::Metadata) {}

/// Creates the file at `path` atomically with `bytes`, flushed to disk first (the files of
/// `kam init` and `kam new` are the user's own); fails if it exists.
pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = temp_beside(path, TEMP_PREFIX)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    sync_folder(path);
    Ok(())
}

/// Flushes the folder entry of a renamed file to disk, where the system allows it.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(folder_of(path)) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// An error when the file at `path` is read-only (no write permission for anyone): such a
/// dossier was protected on purpose, so kam does not edit it, even when it could.
pub fn refuse_read_only(path: &Path) -> Result<(), String> {
    match fs::metadata(path) {
        Ok(m) if m.permissions().readonly() => Err(format!(
            "{} is read-only; make it writable (chmod u+w) to edit it. Nothing was written",
            display_path(path)
        )),
        _ => Ok(()),
    }
}

/// Removes the temporary files of edits in `dir` that a killed `kam log` left behind. Only call
/// it holding the folder's [`FolderLock`]: edits write their temporary files under it, so none is
/// being written then.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(EDIT_TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX)
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The files a command read, so that it never writes its output over one of them.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    files: Vec<(PathBuf, Option<FileId>)>,
}

/// What tells two paths to one file apart from two files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

/// What tells files apart: device and inode where the system has them (so that hard links and
/// symbolic links to one file are one), else the canonical path.
pub fn identity(path: &Path) -> String {
    match file_id(path) {
        Some(FileId { dev, ino }) => format!("{dev}:{ino}"),
        None => fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string(),
    }
}

fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).ok().map(|m| FileId { dev: m.dev(), ino: m.ino() })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl Inputs {
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Adds a file read.
    pub fn add(&mut self, path: &Path) {
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.files.push((canonical, file_id(path)));
    }

    /// The input that `output` would overwrite, if any, as it was added.
    pub fn overwritten_by(&self, output: &Path) -> Option<&Path> {
        let id = file_id(output);
        let canonical = fs::canonicalize(output).ok();
        self.files
            .iter()
            .find(|(path, file)| {
                (id.is_some() && *file == id) || canonical.as_deref().is_some_and(|c| c == path)
            })
            .map(|(path, _)| path.as_path())
    }
}

// ---------------------------------------------------------------------------------------------
// The folder lock
// ---------------------------------------------------------------------------------------------

/// The lock file in the accounts folder.
pub const LOCK_FILE: &str = ".kam.lock";

/// How long an edit waits for another kam process editing the same folder.
const LOCK_TIMEOUT: Duration = Duration::from_secs(20);

/// An exclusive lock on a folder of dossiers, held while a dossier is read, edited and replaced,
/// so that concurrent `kam log` and `kam new` calls take turns and none loses the entry of another.
/// One lock for the whole folder also makes `kam new`'s check that no other dossier claims its
/// customer numbers safe against a concurrent `kam new`.
///
/// It is an advisory lock of the operating system (`flock` on Unix, `LockFileEx` on Windows, via
/// `std::fs::File::lock`, so no extra crate) on the file `.kam.lock` in the folder. Unlike a lock
/// file that only exists while held (`create_new`), it cannot go stale: the system releases it
/// when the process ends, however it ends. The dossier itself is not locked because an edit
/// replaces it by a rename, so a waiting process would hold the old file. On Unix the lock file is
/// removed when the lock is released, so that it never shows in `git status`; a process that was
/// waiting for it checks after locking that the path still names the file it locked, and starts
/// over if not. Elsewhere the (empty) file stays; `kam init` lists it in `.gitignore`.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    path: PathBuf,
}

impl FolderLock {
    /// Locks `dir`, waiting up to 20 seconds for another kam process.
    pub fn acquire(dir: &Path) -> Result<FolderLock, String> {
        let path = dir.join(LOCK_FILE);
        let shown = display_path(&path);
        let deadline = Instant::now() + LOCK_TIMEOUT;
        let mut pause = Duration::from_millis(1);
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| format!("cannot create the lock file {shown}: {e}"))?;
            match file.try_lock() {
                Ok(()) => {
                    if same_file(&file, &path) {
                        return Ok(FolderLock { file, path });
                    }
                    // The holder removed it meanwhile: start over with the file that is there now.
                    continue;
                }
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => return Err(format!("cannot lock {shown}: {e}")),
            }
            drop(file);
            if Instant::now() >= deadline {
                return Err(format!(
                    "another kam process has been editing {} for {} seconds (it holds {shown}); try again",
                    display_path(dir),
                    LOCK_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if cfg!(unix) {
            let _ = fs::remove_file(&self.path);
        }
        let _ = self.file.unlock();
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    // The lock file is never removed here, so the path always names the locked file.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_is_followed_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        fs::write(&real, "old").unwrap();
        #[cfg(unix)]
        {
            let link = dir.path().join("link.md");
            std::os::unix::fs::symlink("real.md", &link).unwrap();
            replace(&link, b"new").unwrap();
            assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        }
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A report and a file of the user's own alike.
        for write in [replace, replace_source] {
            let file = dir.path().join("r.md");
            fs::write(&file, "old").unwrap();
            fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
            write(&file, b"new").unwrap();
            assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
            assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        }
    }

    #[test]
    fn reports_and_sources_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A new report, then one in the place of the old (swapped in, the old text removed).
        replace(&dir.path().join("report.md"), b"old report").unwrap();
        replace(&dir.path().join("report.md"), b"report").unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("report.md")).unwrap(), "report");
        replace_source(&dir.path().join(".gitignore"), b"reports/\n").unwrap();
        replace_dossier(&dir.path().join("a.toml"), b"id = \"a\"\n").unwrap();
        create_new(&dir.path().join("kam.toml"), b"[workspace]\n").unwrap();
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".gitignore", "a.toml", "kam.toml", "report.md"]);
        assert_eq!(fs::read_to_string(dir.path().join("a.toml")).unwrap(), "id = \"a\"\n");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_to_not_replaced() {
        replace(Path::new("/dev/null"), b"text").unwrap();
        let m = fs::metadata("/dev/null").unwrap();
        assert!(!m.is_file(), "/dev/null must stay a device");
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = replace(&dir.path().join("nope/r.md"), b"x").unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn inputs_are_known_by_any_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.csv");
        fs::write(&file, "x").unwrap();
        let mut inputs = Inputs::new();
        inputs.add(&file);
        let other_way = dir.path().join(".").join("s.csv");
        assert!(inputs.overwritten_by(&other_way).is_some());
        assert!(inputs.overwritten_by(&dir.path().join("t.csv")).is_none());
    }
}
