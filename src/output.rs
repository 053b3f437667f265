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
    /// Excel: every table a worksheet of real cells (needs `-o FILE`).
    Xlsx,
    /// The terminal: tables drawn and fitted to its width.
    Term,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "xlsx" => Ok(Format::Xlsx),
            "term" => Ok(Format::Term),
            _ => Err(format!("unknown format \"{s}\"; expected md, csv, json, xlsx or term")),
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

/// Writes a report to `-o FILE` (through [`crate::fsutil::write_with`]: atomically for a
/// regular file, straight to a device or pipe) or stdout, as `write` produces it, through a
/// buffer, so that the whole text is never held in memory. A closed pipe (`kam … | head`) is not
/// an error.
pub fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let result = match output {
        Some(path) => crate::fsutil::write_with(path, write),
        None => {
            let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
            write(&mut out).and_then(|()| out.flush())
        }
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes a report to `-o FILE` or stdout. A closed pipe (`kam … | head`) is not an error.
pub fn emit(output: Option<&Path>, text: &str) -> io::Result<()> {
    emit_with(output, |out| out.write_all(text.as_bytes()))
}

/// The format a file name asks for by its extension: `.md`, `.csv`, `.json`.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "md" | "markdown" => Some(Format::Markdown),
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "xlsx" => Some(Format::Xlsx),
        _ => None,
    }
}
