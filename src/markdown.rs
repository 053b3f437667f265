//! Escaping of text from dossiers and exports for the places of a Markdown report it goes to.
//! A text from the data can never start a block (heading, list, quote, code block), open or
//! close a fence or a code span, become HTML or a link, or end a table cell or a Mermaid label:
//!
//! - [`inline`]: paragraphs, list items, headings and link text. Line breaks and tabs become
//!   spaces; the characters that mark up inline text are escaped with a backslash (`\`, `` ` ``,
//!   `*`, `_`, `[`, `]`, `<`, `~`, `|`), as are those that start a block where the text starts a
//!   line (`#`, `>`, `+`, `-`, `=`, `1.`) and a `#` that ends it (a heading's closing sequence);
//!   an `&` that would start an entity is written `&amp;`.
//! - [`cell`]: a table cell: [`inline`], whose escaped `|` keeps the cell whole (GFM removes
//!   the backslash before a `|` first, so a backslash before it is written doubled).
//! - [`mermaid_label`]: the text in a quoted Mermaid label: `"`, `#`, `<`, `>`, `` ` `` and
//!   the characters Mermaid reads as markup are written as Mermaid's entity codes (`#quot;`).
//!
//! Escaping is a display matter: CSV and JSON carry the text as it is.

use std::borrow::Cow;

/// Whether `text` needs no escaping in any inline context (the common case: names, titles).
fn needs_no_escape(text: &str) -> bool {
    !text.bytes().any(|b| {
        matches!(
            b,
            b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'~'
                | b'|'
                | b'&'
                | b'#'
                | b'+'
                | b'-'
                | b'='
                | b'!'
                | b'\n'
                | b'\r'
                | b'\t'
                | b'0'..=b'9'
        )
    })
}

/// `text` escaped for a paragraph, list item, heading or link text.
pub fn inline(text: &str) -> Cow<'_, str> {
    if needs_no_escape(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_inline(&mut out, text);
    Cow::Owned(out)
}

/// Appends `text` escaped as [`inline`] does.
pub fn push_inline(out: &mut String, text: &str) {
    // Line breaks, tabs and runs of them become one space; leading and trailing ones go.
    let collapsed: Cow<str> = if text.contains(['\n', '\r', '\t']) {
        let mut s = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            if matches!(c, '\n' | '\r' | '\t') {
                space = true;
            } else {
                if space && !s.is_empty() && !s.ends_with(' ') {
                    s.push(' ');
                }
                space = false;
                s.push(c);
            }
        }
        Cow::Owned(s)
    } else {
        Cow::Borrowed(text)
    };
    let text = collapsed.as_ref();
    let start = out.len();
    let trimmed_start = text.len() - text.trim_start().len();
    let body_end = text.trim_end_matches('#').len();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        let at_start = i == trimmed_start;
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '#' if at_start || i >= body_end => {
                out.push('\\');
                out.push(c);
            }
            '>' | '+' | '-' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '&' if starts_entity(&text[i + 1..]) => out.push_str("&amp;"),
            '0'..='9' if at_start => {
                // "1." or "1)" at the start of a line would start an ordered list.
                let digits = text[i..].bytes().take_while(u8::is_ascii_digit).count();
                let after = text.as_bytes().get(i + digits).copied();
                out.push(c);
                if matches!(after, Some(b'.' | b')')) {
                    for (_, d) in chars.by_ref().take(digits - 1) {
                        out.push(d);
                    }
                    out.push('\\');
                }
            }
            _ => out.push(c),
        }
    }
    debug_assert!(out.len() >= start);
}

/// Whether the text after an `&` reads as an entity: `amp;`, `#35;`, `#x23;`.
fn starts_entity(rest: &str) -> bool {
    let name = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'#').count();
    name > 0 && rest.as_bytes().get(name) == Some(&b';')
}

/// `text` escaped for a table cell.
pub fn cell(text: &str) -> Cow<'_, str> {
    inline(text)
}

/// Appends `text` escaped for a table cell.
pub fn push_cell(out: &mut String, text: &str) {
    if needs_no_escape(text) {
        out.push_str(text);
    } else {
        push_inline(out, text);
    }
}

/// `text` escaped for the inside of a quoted Mermaid label (`id["…"]`, `"…"` titles and axis
/// labels).
pub fn mermaid_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        if c.is_control() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '&' => out.push_str("#amp;"),
            '*' => out.push_str("#42;"),
            '_' => out.push_str("#95;"),
            '~' => out.push_str("#126;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '|' => out.push_str("#124;"),
            ';' => out.push_str("#59;"),
            // `%%` starts a comment or a directive.
            '%' if prev == Some('%') || next == Some('%') => out.push_str("#37;"),
            '\\' => out.push_str("#92;"),
            _ => out.push(c),
        }
    }
    out
}

/// The text of a line of kam's Markdown without its markup, for the places that show plain
/// text (Excel, the terminal): escapes undone, `**`, code-span backticks and the underscores of
/// an emphasised line removed, `&amp;` as `&`.
pub fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let chars: Vec<char> = markdown.chars().collect();
    let last = chars.len().saturating_sub(1);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                continue;
            }
            '`' => {}
            '_' if i == 0 || i == last => {}
            '&' if chars[i..].starts_with(&['&', 'a', 'm', 'p', ';']) => {
                out.push('&');
                i += 5;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_kept() {
        assert_eq!(inline("Nordhafen Großhandel GmbH & Co. KG"), "Nordhafen Großhandel GmbH & Co. KG");
        assert!(matches!(inline("Dr. Eva Klein"), Cow::Borrowed(_)));
    }

    #[test]
    fn blocks_cannot_start() {
        assert_eq!(inline("# Überschrift"), "\\# Überschrift");
        assert_eq!(inline("> Zitat"), "\\> Zitat");
        assert_eq!(inline("- Punkt"), "\\- Punkt");
        assert_eq!(inline("+ Punkt"), "\\+ Punkt");
        assert_eq!(inline("1. Punkt"), "1\\. Punkt");
        assert_eq!(inline("2026) Punkt"), "2026\\) Punkt");
        assert_eq!(inline("=== "), "\\=== ");
        assert_eq!(inline("C-Teile 2026"), "C-Teile 2026");
        assert_eq!(inline("Titel #"), "Titel \\#");
    }

    #[test]
    fn newlines_collapse() {
        assert_eq!(inline("eins\n# zwei\r\n\tdrei"), "eins # zwei drei");
        assert_eq!(inline("eins\n```\nzwei"), "eins \\`\\`\\` zwei");
        assert_eq!(inline("\n- x"), "\\- x");
    }

    #[test]
    fn inline_markup_is_escaped() {
        assert_eq!(inline("<b>fett</b>"), "\\<b>fett\\</b>");
        assert_eq!(inline("<img src=x onerror=alert(1)>"), "\\<img src=x onerror=alert(1)>");
        assert_eq!(inline("a | b \\| c"), "a \\| b \\\\\\| c");
        assert_eq!(inline("*fett* _kursiv_ ~~weg~~"), "\\*fett\\* \\_kursiv\\_ \\~\\~weg\\~\\~");
        assert_eq!(inline("[link](http://x)"), "\\[link\\](http://x)");
        assert_eq!(inline("![bild](x.png)"), "!\\[bild\\](x.png)");
        assert_eq!(inline("&amp; &#35; & Co."), "&amp;amp; &amp;#35; & Co.");
        assert_eq!(inline("`code`"), "\\`code\\`");
    }

    #[test]
    fn plain_text_undoes_the_escapes() {
        for text in ["<b>fett</b> | \\| `x` *y* _z_ &amp; # 1. - a", "Nordhafen GmbH & Co. KG", "1) x #"] {
            assert_eq!(plain(&inline(text)), text, "{text}");
        }
        assert_eq!(plain("**Hinweis:** `kam check` listet sie"), "Hinweis: kam check listet sie");
        assert_eq!(plain("_keine erfasst_"), "keine erfasst");
    }

    #[test]
    fn mermaid_labels_are_neutralised() {
        assert_eq!(mermaid_label("a\"] --> b"), "a#quot;#93; --#gt; b");
        assert_eq!(mermaid_label("<b>x</b>\n%% y"), "#lt;b#gt;x#lt;/b#gt; #37;#37; y");
        assert_eq!(mermaid_label("#quot;"), "#35;quot#59;");
        assert_eq!(mermaid_label("in % %%{init}%%"), "in % #37;#37;#123;init#125;#37;#37;");
    }
}
