//! Reading TOML files into typed structs, with errors that point at the line and column and
//! suggest the closest key for a misspelled one.

use crate::diag::{Diagnostic, Location, closest, text_location};
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::Path;

/// Reads a file as UTF-8 text; invalid UTF-8 is an error naming the line.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            Location::File(path.to_path_buf()),
            crate::msg!("cannot read the file: {e}", e = crate::messages::Message::raw(e.to_string())),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        let col = valid - bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        Diagnostic::error(
            Location::Text { file: path.to_path_buf(), line, col },
            crate::msg!("invalid UTF-8: TOML files must be saved as UTF-8"),
        )
    })
}

/// Parses `text` (the contents of `path`) into `T`.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|e| diagnostic(path, text, &e))
}

/// At most this many bad keys or values are reported for one file.
const MAX_ERRORS_PER_FILE: usize = 20;

/// Parses `text` like [`parse`], but reports every bad key or value, not just the first: after
/// each one, the lines of the entry (or the whole table, for an error in a table header) are
/// blanked out, keeping every offset, and parsing starts again. It stops at a syntax error, which
/// leaves nothing sure to go on; a missing key that blanking may have caused is not reported.
///
/// With the errors comes the value read once the bad entries were blanked out, when parsing got
/// that far, so that its values can still be checked and every problem is listed in one run.
pub fn parse_all<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, (Vec<Diagnostic>, Option<T>)> {
    // Errors after which the rest of the file still reads as it was written.
    let recoverable = |t: &str, e: &toml::de::Error| {
        e.message().starts_with("invalid date")
            || e.message() == "duplicate key"
            || toml::from_str::<toml::Table>(t).is_ok()
    };
    let missing = |e: &toml::de::Error| e.message().starts_with("missing field");
    let mut error = match toml::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut errors = vec![diagnostic(path, text, &error)];
    let mut blanked = text.to_string();
    let mut blanked_lines: Vec<Range<usize>> = Vec::new();
    let mut rest = None;
    while errors.len() < MAX_ERRORS_PER_FILE && recoverable(&blanked, &error) {
        let Some(span) = error.span() else { break };
        let lines = entry_lines(text, span.clone());
        if missing(&error) && !is_table(text, &lines) {
            // A key missing at the top level: blanking cannot help.
            break;
        }
        blanked = blank(&blanked, lines.clone());
        blanked_lines.push(lines);
        error = match toml::from_str::<T>(&blanked) {
            Ok(value) => {
                rest = Some(value);
                break;
            }
            Err(e) => e,
        };
        let stuck = error.span().is_none_or(|s| s.start == span.start);
        if stuck || !recoverable(&blanked, &error) {
            break;
        }
        if missing(&error) {
            // Not news when a blanked line of the same table set that key, or when a misspelled
            // key was already taken for it.
            let key = error.message().split('`').nth(1).unwrap_or("");
            let lines = entry_lines(text, error.span().unwrap_or(0..0));
            let table = if is_table(text, &lines) { lines } else { 0..first_table(text) };
            let sets_key = |b: &Range<usize>| {
                let line = text[b.clone()].trim_start();
                line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(['=', '.']))
            };
            let suggested = format!("did you mean `{key}`?");
            if blanked_lines.iter().any(|b| b.start < table.end && table.start < b.end && sets_key(b))
                || errors.iter().any(|d| d.message.text(crate::config::Language::En).ends_with(&suggested))
            {
                continue;
            }
        }
        errors.push(diagnostic(path, text, &error));
    }
    errors.sort_by_key(|d| match d.location {
        Location::Text { line, col, .. } => (line, col),
        _ => (0, 0),
    });
    Err((errors, rest))
}

/// `text` with the bytes in `range` but line ends turned into spaces.
fn blank(text: &str, range: Range<usize>) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for b in &mut bytes[range] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
    // Only whole lines are blanked, so no character is cut in two.
    String::from_utf8(bytes).unwrap_or_default()
}

fn is_table(text: &str, lines: &Range<usize>) -> bool {
    text[lines.clone()].trim_start().starts_with('[')
}

/// The offset of the first table header: the top-level keys come before it.
fn first_table(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            return offset;
        }
        offset += line.len();
    }
    text.len()
}

/// The byte range of the whole lines holding the entry at `span`: the lines of a key and its
/// value, or a table header with every line up to the next header.
fn entry_lines(text: &str, span: Range<usize>) -> Range<usize> {
    let mut last = span.end.max(span.start + 1).min(text.len());
    while !text.is_char_boundary(last) {
        last += 1;
    }
    let start = text[..span.start.min(last)].rfind('\n').map_or(0, |i| i + 1);
    let mut end = text[last..].find('\n').map_or(text.len(), |i| last + i);
    if text[start..end].trim_start().starts_with('[') {
        while end < text.len() && !text[end + 1..].trim_start_matches([' ', '\t']).starts_with('[') {
            end = text[end + 1..].find('\n').map_or(text.len(), |i| end + 1 + i);
        }
    }
    start..end
}

/// The diagnostic for a parse error, in the words of a TOML file.
fn diagnostic(path: &Path, text: &str, e: &toml::de::Error) -> Diagnostic {
    if e.message().contains("recursion") {
        // The parser gives no place for nesting beyond its limit: the line nested deepest is it.
        let (line, depth) = deepest_line(text);
        return Diagnostic::error(
            Location::Text { file: path.to_path_buf(), line, col: 1 },
            crate::msg!(
                "nested {depth} levels deep, more than TOML files are read with; no kam file nests beyond a few levels",
                depth = depth.to_string()
            ),
        );
    }
    let offset = e.span().map_or(0, |s| s.start);
    let raw = e.message().trim_end();
    let mut message = explain(raw);
    // The parser's own messages do not show the value or key they are about.
    if raw.starts_with("invalid date") || raw == "duplicate key" {
        let token = token_at(text, offset);
        if !token.is_empty() {
            message = crate::messages::Message::raw(match raw.split_once(", ") {
                Some((what, expected)) => format!("{what} {token}, {expected}"),
                None => format!("{raw} `{token}`"),
            });
        }
    }
    let mut offset = offset;
    if let Some(hint) = shape_hint(text, offset) {
        message = hint;
        // Pointed at the value the hint is about.
        let start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        if let Some(eq) = text[start..].find('=') {
            let value = start + eq + 1;
            offset = value + (text[value..].len() - text[value..].trim_start_matches([' ', '\t']).len());
        }
    }
    Diagnostic::error(text_location(path, text, offset), message)
}

/// What a KAM most likely meant by a value TOML cannot read, told by its shape: a German date, a
/// decimal comma, text without quotes. `None` when the value has none of these shapes.
fn shape_hint(text: &str, offset: usize) -> Option<crate::messages::Message> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text.get(start..end)?.trim_end_matches('\r');
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    let value = value.split(" #").next().unwrap_or(value).trim();
    if key.starts_with('[') || key.contains(['"', '\'']) || value.is_empty() {
        return None;
    }
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    for sep in ['.', '/'] {
        let parts: Vec<&str> = value.split(sep).collect();
        if let [d, m, y] = parts.as_slice()
            && digits(d, 1..=2)
            && digits(m, 1..=2)
            && digits(y, 2..=4)
        {
            let year = if y.len() == 4 { y.to_string() } else { format!("20{y:0>2}") };
            // 03/14/2019 is American: the month first.
            let (d, m) = if sep == '/' && m.parse::<u32>().is_ok_and(|m| m > 12) { (m, d) } else { (d, m) };
            return Some(crate::msg!(
                "`{key} = {value}` is not a TOML date: dates in dossiers are written {date} (year-month-day, without quotes)",
                key = key,
                value = value,
                date = format!("{year}-{m:0>2}-{d:0>2}")
            ));
        }
    }
    // A German amount with grouped thousands: 250.000,00.
    if let Some((int, frac)) = value.split_once(',')
        && int.contains('.')
        && int
            .trim_start_matches('-')
            .split('.')
            .enumerate()
            .all(|(i, g)| if i == 0 { digits(g, 1..=3) } else { digits(g, 3..=3) })
        && digits(frac, 1..=10)
    {
        return Some(crate::msg!(
            "`{key} = {value}`: numbers in TOML are written with a point as decimal mark and without thousands separators, {number}",
            key = key,
            value = value,
            number = format!("{}.{frac}", int.replace('.', ""))
        ));
    }
    if let Some((int, frac)) = value.split_once(',')
        && digits(int.trim_start_matches('-'), 1..=20)
        && digits(frac, 1..=10)
    {
        return Some(crate::msg!(
            "`{key} = {value}` has a decimal comma: numbers in TOML are written with a point, {number}",
            key = key,
            value = value,
            number = format!("{int}.{frac}")
        ));
    }
    let first = value.chars().next()?;
    if first.is_alphabetic() && !matches!(value, "true" | "false" | "inf" | "nan") {
        return Some(crate::msg!(
            "`{key} = {value}`: text is written in quotes, {key} = \"{quoted}\"",
            key = key,
            value = value,
            quoted = value.replace('"', "\\\"")
        ));
    }
    None
}

/// The line (1-based) whose keys and values nest deepest, and how deep: dots of a dotted key or
/// header, and open brackets and braces, counted outside quotes.
fn deepest_line(text: &str) -> (usize, usize) {
    let mut best = (1, 0);
    for (i, line) in text.lines().enumerate() {
        let (mut depth, mut open, mut max_open, mut quoted) = (0usize, 0usize, 0usize, false);
        for c in line.chars() {
            match c {
                '"' | '\'' => quoted = !quoted,
                '#' if !quoted => break,
                '.' if !quoted => depth += 1,
                '[' | '{' if !quoted => {
                    open += 1;
                    max_open = max_open.max(open);
                }
                ']' | '}' if !quoted => open = open.saturating_sub(1),
                _ => {}
            }
        }
        let depth = depth + max_open;
        if depth > best.1 {
            best = (i + 1, depth);
        }
    }
    best
}

/// The bare word (key or value) starting at byte `offset` of `text`.
fn token_at(text: &str, offset: usize) -> &str {
    let rest = text.get(offset..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#' | '='))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Rewrites serde's messages in the words of a TOML file: keys, values, and a suggestion.
fn explain(message: &str) -> crate::messages::Message {
    use crate::messages::Message;
    let message = message.trim_end();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = split_expected(rest);
        return match closest(name, expected.iter().map(String::as_str)) {
            Some(best) => {
                crate::msg!("unknown key `{name}`; did you mean `{best}`?", name = name, best = best)
            }
            None if expected.is_empty() => crate::msg!("unknown key `{name}`", name = name),
            None => crate::msg!(
                "unknown key `{name}`; expected one of {list}",
                name = name,
                list = list(&expected)
            ),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (name, expected) = split_expected(rest);
        return match closest(name, expected.iter().map(String::as_str)) {
            Some(best) => crate::msg!(
                "unknown value \"{name}\"; expected one of {list} (did you mean \"{best}\"?)",
                name = name,
                list = list_quoted(&expected),
                best = best
            ),
            None => crate::msg!(
                "unknown value \"{name}\"; expected one of {list}",
                name = name,
                list = list_quoted(&expected)
            ),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return crate::msg!("missing key `{name}`", name = name);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return match plain_types(rest) {
            (found, Some(expected)) => {
                crate::msg!(
                    "wrong type: found {found}, expected {expected}",
                    found = found,
                    expected = expected
                )
            }
            (found, None) => crate::msg!("wrong type: found {found}", found = found),
        };
    }
    if message == "wanted string or table" {
        return crate::msg!("wrong type: expected a string");
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        return match plain_types(rest) {
            (found, Some(expected)) => {
                crate::msg!(
                    "invalid value: found {found}, expected {expected}",
                    found = found,
                    expected = expected
                )
            }
            (found, None) => crate::msg!("invalid value: found {found}", found = found),
        };
    }
    Message::raw(message)
}

/// Says serde's Rust type names ("u32", "sequence", "struct Profile") in TOML words: what was
/// found (serde's words) and what was expected.
fn plain_types(found_expected: &str) -> (crate::messages::Message, Option<crate::messages::Message>) {
    use crate::messages::Message;
    let (found, expected) = found_expected.rsplit_once(", expected ").unwrap_or((found_expected, ""));
    let found = match found {
        "sequence" => crate::msg!("an array"),
        "map" => crate::msg!("a table"),
        f => Message::raw(f.replace("floating point", "float")),
    };
    let expected = match expected {
        "" => return (found, None),
        "u8" => crate::msg!("a whole number from 0 to 255"),
        "u16" => crate::msg!("a whole number from 0 to 65535"),
        "u32" => crate::msg!("a whole number from 0 to 4294967295"),
        "u64" | "usize" => crate::msg!("a whole number, 0 or more"),
        "i8" | "i16" | "i32" | "i64" | "isize" => crate::msg!("a whole number"),
        "a sequence" => crate::msg!("an array like [\"a\", \"b\"]"),
        "a map" => crate::msg!("a table"),
        "a boolean" => crate::msg!("true or false"),
        e if e.starts_with("struct ") => crate::msg!("a table"),
        e => Message::raw(e),
    };
    (found, Some(expected))
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
    fn values_of_a_familiar_shape_are_explained() {
        let hint = |line: &str| {
            shape_hint(line, line.find('=').unwrap() + 2).map(|m| m.text(crate::config::Language::En))
        };
        assert_eq!(
            hint("since = 14.03.2019").unwrap(),
            "`since = 14.03.2019` is not a TOML date: dates in dossiers are written 2019-03-14 (year-month-day, without quotes)"
        );
        assert!(hint("value = 12000,50").unwrap().contains("12000.50"));
        assert!(hint("owner = Anna Berg").unwrap().contains("owner = \"Anna Berg\""));
        assert_eq!(
            hint("since = 14/03/2019").unwrap(),
            "`since = 14/03/2019` is not a TOML date: dates in dossiers are written 2019-03-14 (year-month-day, without quotes)"
        );
        assert!(hint("since = 03/14/2019").unwrap().contains("2019-03-14"));
        assert_eq!(
            hint("limit = 250.000,00").unwrap(),
            "`limit = 250.000,00`: numbers in TOML are written with a point as decimal mark and without thousands separators, 250000.00"
        );
        assert_eq!(hint("score = 11"), None);
        assert_eq!(hint("ok = true"), None);
    }

    #[test]
    fn suggests_the_closest_key() {
        let explain = |m: &str| explain(m).text(crate::config::Language::En);
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
        assert_eq!(
            explain("invalid type: string \"10042\", expected a sequence"),
            "wrong type: found string \"10042\", expected an array like [\"a\", \"b\"]"
        );
        assert_eq!(
            explain("invalid value: integer `-5`, expected u32"),
            "invalid value: found integer `-5`, expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            explain("invalid type: integer `3`, expected struct Profile"),
            "wrong type: found integer `3`, expected a table"
        );
        assert_eq!(
            super::explain("invalid type: string \"10042\", expected a sequence")
                .text(crate::config::Language::De),
            "falscher Typ: gefunden Text \"10042\", erwartet eine Liste wie [\"a\", \"b\"]"
        );
    }
}
