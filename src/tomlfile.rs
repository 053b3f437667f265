//! Reading TOML files into typed structs, with errors that point at the line and column and
//! suggest the closest key for a misspelled one.

use crate::diag::{Diagnostic, Location, closest, text_location};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Reads a file as UTF-8 text; invalid UTF-8 is an error naming the line.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(Location::File(path.to_path_buf()), format!("cannot read the file: {e}"))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        let col = valid - bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        Diagnostic::error(
            Location::Text { file: path.to_path_buf(), line, col },
            "invalid UTF-8: TOML files must be saved as UTF-8",
        )
    })
}

/// Parses `text` (the contents of `path`) into `T`.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        Diagnostic::error(text_location(path, text, offset), explain(e.message()))
    })
}

/// Rewrites serde's messages in the words of a TOML file: keys, values, and a suggestion.
fn explain(message: &str) -> String {
    let message = message.trim_end();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = split_expected(rest);
        return match closest(name, expected.iter().map(String::as_str)) {
            Some(best) => format!("unknown key `{name}`; did you mean `{best}`?"),
            None if expected.is_empty() => format!("unknown key `{name}`"),
            None => format!("unknown key `{name}`; expected one of {}", list(&expected)),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (name, expected) = split_expected(rest);
        return match closest(name, expected.iter().map(String::as_str)) {
            Some(best) => format!(
                "unknown value \"{name}\"; expected one of {} (did you mean \"{best}\"?)",
                list_quoted(&expected)
            ),
            None => format!("unknown value \"{name}\"; expected one of {}", list_quoted(&expected)),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return format!("missing key `{name}`");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!("wrong type: found {rest}");
    }
    message.to_string()
}

/// Splits "name`, expected one of `a`, `b`" into the name and the expected names.
fn split_expected(rest: &str) -> (&str, Vec<String>) {
    let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
    let expected =
        tail.split('`').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, s)| s.to_string()).collect();
    (name, expected)
}

fn list(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn list_quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_key() {
        assert_eq!(
            explain("unknown field `nmae`, expected one of `name`, `owner`, `segment`"),
            "unknown key `nmae`; did you mean `name`?"
        );
        assert_eq!(
            explain("unknown field `zzz`, expected `name` or `owner`"),
            "unknown key `zzz`; expected one of `name`, `owner`"
        );
        assert_eq!(
            explain("unknown variant `vist`, expected one of `visit`, `call`"),
            "unknown value \"vist\"; expected one of \"visit\", \"call\" (did you mean \"visit\"?)"
        );
        assert_eq!(explain("missing field `name`"), "missing key `name`");
    }
}
