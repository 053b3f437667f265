//! Where output goes: stdout, or a file written atomically (`-o FILE`).

use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

/// The output formats of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Markdown,
    Csv,
    Json,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format \"{s}\"; expected md, csv or json")),
        }
    }
}

/// A report's JSON, written pretty-printed with a final newline.
pub trait WriteJson {
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()>;
}

impl<T: serde::Serialize> WriteJson for T {
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        out.write_all(b"\n")
    }
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so
/// that a reader never sees half a report.
pub fn write_atomic(path: &Path, text: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text)?;
    tmp.as_file().sync_all()?;
    readable(tmp.path(), path)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Gives the temporary file the permissions of the file it replaces, or those of a new file
/// (`rw-r--r--`), instead of the owner-only ones of temporary files.
fn readable(tmp: &Path, target: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = match std::fs::metadata(target) {
            Ok(m) => m.permissions(),
            Err(_) => std::fs::Permissions::from_mode(0o644),
        };
        std::fs::set_permissions(tmp, permissions)?;
    }
    #[cfg(not(unix))]
    let _ = (tmp, target);
    Ok(())
}

/// Writes a report to `-o FILE` (atomically) or stdout, as `write` produces it, through a
/// buffer, so that the whole text is never held in memory. A closed pipe (`kam … | head`) is not
/// an error.
pub fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match output {
        Some(path) => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let tmp = tempfile::NamedTempFile::new_in(dir)?;
            let mut buffered = io::BufWriter::with_capacity(1 << 16, tmp);
            write(&mut buffered)?;
            let tmp = buffered.into_inner().map_err(|e| e.into_error())?;
            tmp.as_file().sync_all()?;
            readable(tmp.path(), path)?;
            tmp.persist(path).map_err(|e| e.error)?;
            Ok(())
        }
        None => {
            let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
            match write(&mut out).and_then(|()| out.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
    }
}

/// Writes a report to `-o FILE` or stdout. A closed pipe (`kam … | head`) is not an error.
pub fn emit(output: Option<&Path>, text: &str) -> io::Result<()> {
    match output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
    }
}
