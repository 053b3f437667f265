//! The messages kam prints (errors, warnings, the summary of `kam check`), in the language of the
//! workspace or of `--lang`: one catalogue, [`CATALOGUE`], holds every message in English and
//! German. In the code a message is written as its English text with named places (`{file}`),
//! the way gettext keys messages by their source text:
//!
//! ```
//! use kam::msg;
//! let m = msg!("no account `{id}`", id = "nordhafen");
//! assert_eq!(m.text(kam::config::Language::De), "kein Schlüsselkunde `nordhafen`");
//! ```
//!
//! A message is kept as its template and values and worked out when it is shown, in the
//! language set by [`set_language`] for the thread that shows it (English until then): the language of a
//! workspace is known only once its `kam.toml` is read, after some messages about it may have
//! been made. Counts are written with the language's thousands separator; values that are
//! messages themselves (a hint, a reason) are shown in the same language. A test checks that
//! every template in the code is in the catalogue.

use crate::config::Language;
use std::cell::Cell;
use std::fmt;

/// One value of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    /// A count, grouped in thousands.
    Count(u64),
    /// An amount, to cents, in the language's format.
    Money(crate::money::Decimal),
    /// A fraction as a percentage (`None`: unknown).
    Percent(Option<crate::money::Decimal>),
    /// A part that is a message of its own (shown in the same language).
    Message(Box<Message>),
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}
impl From<char> for Arg {
    fn from(c: char) -> Self {
        Arg::Text(c.to_string())
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Count(n)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Count(n as u64)
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Count(u64::from(n))
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Text(n.to_string())
    }
}
impl From<i32> for Arg {
    fn from(n: i32) -> Self {
        Arg::Text(n.to_string())
    }
}
impl From<Message> for Arg {
    fn from(m: Message) -> Self {
        Arg::Message(Box::new(m))
    }
}

/// A message: its English template and the values of its places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The English template; [`RAW`] for a text that is no template (from a library), held as
    /// the one value.
    template: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// The template of a text that is no template.
const RAW: &str = "\u{0}raw";

impl Message {
    pub fn new(template: &'static str, args: Vec<(&'static str, Arg)>) -> Self {
        Message { template, args }
    }

    /// A text from elsewhere (a library's error), shown as it is, its known phrases translated.
    pub fn raw(text: impl Into<String>) -> Self {
        Message { template: RAW, args: vec![("raw", Arg::Text(text.into()))] }
    }

    /// The empty message (for an optional part left out).
    pub fn none() -> Self {
        Message { template: "", args: Vec::new() }
    }

    /// The English template (for tests and machine use).
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The message in `language`.
    pub fn text(&self, language: Language) -> String {
        if self.template == RAW {
            return match self.args.first() {
                Some((_, Arg::Text(raw))) => translate_phrases(raw, language),
                _ => String::new(),
            };
        }
        let template = match language {
            Language::En => self.template,
            Language::De => german(self.template).unwrap_or(self.template),
        };
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            if rest[open..].starts_with("{{") {
                out.push('{');
                rest = &rest[open + 2..];
            } else if rest[open..].starts_with("}}") {
                out.push('}');
                rest = &rest[open + 2..];
            } else if rest[open..].starts_with('{')
                && let Some(close) = after.find('}')
            {
                let name = &after[..close];
                match self.args.iter().find(|(n, _)| *n == name) {
                    Some((_, arg)) => push_arg(&mut out, arg, language),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            } else {
                out.push_str(&rest[open..open + 1]);
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    /// Appends another message (a hint) to this one: shown one after the other.
    pub fn then(self, next: Message) -> Message {
        Message::new("{a}{b}", vec![("a", Arg::from(self)), ("b", Arg::from(next))])
    }
}

fn push_arg(out: &mut String, arg: &Arg, language: Language) {
    match arg {
        Arg::Text(s) => out.push_str(s),
        Arg::Count(n) => {
            out.push_str(&crate::render::Style::new(language).value(&crate::render::Value::Count(*n)))
        }
        Arg::Money(v) => out.push_str(&crate::render::Style::new(language).money(*v)),
        Arg::Percent(v) => {
            out.push_str(&crate::render::Style::new(language).value(&crate::render::Value::Rate(*v)))
        }
        Arg::Message(m) => out.push_str(&m.text(language)),
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(language()))
    }
}

impl From<String> for Message {
    fn from(s: String) -> Self {
        Message::raw(s)
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Self {
        Message::raw(s)
    }
}

/// A message from its English template and named values: `msg!("no account `{id}`", id = x)`.
#[macro_export]
macro_rules! msg {
    ($template:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Message::new(
            $template,
            vec![$((stringify!($name), $crate::messages::Arg::from($value))),*],
        )
    };
}

thread_local! {
    // The language of the thread that reads the workspace and prints its messages (the main
    // thread of a command); each test has its own.
    static LANGUAGE: Cell<u8> = const { Cell::new(0) };
    static CHOSEN: Cell<u8> = const { Cell::new(0) };
}

fn code(language: Language) -> u8 {
    match language {
        Language::En => 1,
        Language::De => 2,
    }
}

/// Sets the language of messages: `chosen` (from `--lang`) wins over a workspace's, which a
/// later call for another workspace replaces.
pub fn set_language(language: Language, chosen: bool) {
    if chosen {
        CHOSEN.with(|c| c.set(code(language)));
    } else {
        LANGUAGE.with(|c| c.set(code(language)));
    }
}

/// The language messages are shown in.
pub fn language() -> Language {
    let pick = |c: u8| match c {
        2 => Some(Language::De),
        1 => Some(Language::En),
        _ => None,
    };
    pick(CHOSEN.with(Cell::get)).or_else(|| pick(LANGUAGE.with(Cell::get))).unwrap_or(Language::En)
}

/// "error" and "warning" in the language of messages.
pub fn severity_word(error: bool) -> &'static str {
    match (language(), error) {
        (Language::En, true) => "error",
        (Language::En, false) => "warning",
        (Language::De, true) => "Fehler",
        (Language::De, false) => "Warnung",
    }
}

/// The German of an English template.
fn german(template: &str) -> Option<&'static str> {
    CATALOGUE.iter().find(|(en, _)| *en == template).map(|(_, de)| *de)
}

/// Phrases of the TOML parser's and serde's own messages, and their German.
const PHRASES: &[(&str, &str)] = &[
    ("invalid type: ", "ungültiger Typ: "),
    ("expected ", "erwartet "),
    ("missing field ", "fehlendes Feld "),
    ("unknown field ", "unbekanntes Feld "),
    ("unknown variant ", "unbekannter Wert "),
    ("duplicate key", "doppelter Schlüssel"),
    ("invalid value: ", "ungültiger Wert: "),
    ("string ", "Text "),
    ("integer ", "ganze Zahl "),
    ("floating point ", "Kommazahl "),
    ("boolean ", "Wahrheitswert "),
    ("a sequence", "eine Liste"),
    ("a map", "eine Tabelle"),
    ("a string", "ein Text"),
    ("a date", "ein Datum"),
    ("one of ", "einer von "),
    (", expected ", ", erwartet "),
    ("invalid table header", "ungültiger Tabellenkopf"),
    ("invalid string", "ungültiger Text"),
    ("invalid number", "ungültige Zahl"),
    ("invalid key", "ungültiger Schlüssel"),
    ("unclosed table", "nicht geschlossene Tabelle"),
    ("unclosed array", "nicht geschlossene Liste"),
    ("key with no value", "Schlüssel ohne Wert"),
    ("expected newline", "Zeilenende erwartet"),
    ("or ", "oder "),
];

/// A library's message with its known phrases in German.
fn translate_phrases(text: &str, language: Language) -> String {
    if language == Language::En {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (en, de) in PHRASES {
        out = out.replace(en, de);
    }
    out
}

/// Every message of kam: the English template and its German.
pub const CATALOGUE: &[(&str, &str)] = &[
    ("{a}{b}", "{a}{b}"),
    (
        "unknown language \"{other}\"; expected \"en\" or \"de\"",
        "unbekannte Sprache \"{other}\"; erwartet \"en\" oder \"de\"",
    ),
    (
        "vat_rate must be a fraction from 0 to 1 (0.19 for 19 %), found {rate}",
        "vat_rate muss ein Anteil von 0 bis 1 sein (0.19 für 19 %), gefunden: {rate}",
    ),
    ("`currency` must not be empty", "`currency` darf nicht leer sein"),
    (
        "delimiter \"{s}\" is not one ASCII character; expected e.g. \",\", \";\", \"tab\" or \"auto\"",
        "das Trennzeichen \"{s}\" ist kein einzelnes ASCII-Zeichen; erwartet z. B. \",\", \";\", \"tab\" oder \"auto\"",
    ),
    ("decimal_mark \"{s}\" is neither \".\" nor \",\"", "decimal_mark \"{s}\" ist weder \".\" noch \",\""),
    (
        "the delimiter (\",\" unless set) and the decimal mark are both \"{d}\", so 1{d}5 could be one amount or two cells; exports with a decimal comma are mostly separated by \";\"",
        "Trennzeichen (\",\" ohne Angabe) und Dezimalzeichen sind beide \"{d}\", 1{d}5 könnte also ein Betrag oder zwei Zellen sein; Exporte mit Dezimalkomma sind meist durch \";\" getrennt",
    ),
    (
        "unknown encoding \"{s}\"; expected \"utf-8\" or \"windows-1252\"",
        "unbekannte Kodierung \"{s}\"; erwartet \"utf-8\" oder \"windows-1252\"",
    ),
    (
        "[import.columns] must map `date` and `customer`",
        "[import.columns] muss `date` und `customer` zuordnen",
    ),
    (
        "[import.columns] maps both `{other}` and `{field}` to the column \"{header}\"; each field needs its own column",
        "[import.columns] ordnet `{other}` und `{field}` derselben Spalte \"{header}\" zu; jedes Feld braucht eine eigene Spalte",
    ),
    (
        "[import.columns] must map `revenue`, or `quantity` and `unit_price`",
        "[import.columns] muss `revenue` zuordnen, oder `quantity` und `unit_price`",
    ),
    (
        "inactive_after_months must be a whole number of months from 1 to 120, found {months}",
        "inactive_after_months muss eine ganze Zahl von Monaten von 1 bis 120 sein, gefunden: {months}",
    ),
    ("{name} must be from 0 to {max}, found {x}", "{name} muss zwischen 0 und {max} liegen, gefunden: {x}"),
    ("{name} must be 0 or more, found {x}", "{name} muss 0 oder größer sein, gefunden: {x}"),
    ("[abc] b ({b}) must not be below a ({a})", "[abc] b ({b}) darf nicht unter a ({a}) liegen"),
    ("cannot read the file: {e}", "die Datei lässt sich nicht lesen: {e}"),
    (
        "invalid UTF-8: TOML files must be saved as UTF-8",
        "ungültiges UTF-8: TOML-Dateien müssen als UTF-8 gespeichert sein",
    ),
    (
        "nested {depth} levels deep, more than TOML files are read with; no kam file nests beyond a few levels",
        "{depth} Ebenen tief verschachtelt, mehr als TOML-Dateien gelesen werden; keine kam-Datei ist tiefer als wenige Ebenen verschachtelt",
    ),
    (
        "`{key} = {value}` is not a TOML date: dates in dossiers are written {date} (year-month-day, without quotes)",
        "`{key} = {value}` ist kein TOML-Datum: Daten werden in Dossiers als {date} geschrieben (Jahr-Monat-Tag, ohne Anführungszeichen)",
    ),
    (
        "`{key} = {value}`: numbers in TOML are written with a point as decimal mark and without thousands separators, {number}",
        "`{key} = {value}`: Zahlen werden in TOML mit Punkt als Dezimalzeichen und ohne Tausendertrennzeichen geschrieben, {number}",
    ),
    (
        "`{key} = {value}` has a decimal comma: numbers in TOML are written with a point, {number}",
        "`{key} = {value}` hat ein Dezimalkomma: Zahlen werden in TOML mit Punkt geschrieben, {number}",
    ),
    (
        "`{key} = {value}`: text is written in quotes, {key} = \"{quoted}\"",
        "`{key} = {value}`: Text wird in Anführungszeichen geschrieben, {key} = \"{quoted}\"",
    ),
    ("unknown key `{name}`; did you mean `{best}`?", "unbekannter Schlüssel `{name}`; meinten Sie `{best}`?"),
    ("unknown key `{name}`", "unbekannter Schlüssel `{name}`"),
    (
        "unknown key `{name}`; expected one of {list}",
        "unbekannter Schlüssel `{name}`; erwartet einer von {list}",
    ),
    (
        "unknown value \"{name}\"; expected one of {list} (did you mean \"{best}\"?)",
        "unbekannter Wert \"{name}\"; erwartet einer von {list} (meinten Sie \"{best}\"?)",
    ),
    (
        "unknown value \"{name}\"; expected one of {list}",
        "unbekannter Wert \"{name}\"; erwartet einer von {list}",
    ),
    ("missing key `{name}`", "fehlender Schlüssel `{name}`"),
    ("wrong type: found {found}, expected {expected}", "falscher Typ: gefunden {found}, erwartet {expected}"),
    ("wrong type: found {found}", "falscher Typ: gefunden {found}"),
    ("wrong type: expected a string", "falscher Typ: erwartet ein Text"),
    (
        "invalid value: found {found}, expected {expected}",
        "ungültiger Wert: gefunden {found}, erwartet {expected}",
    ),
    ("invalid value: found {found}", "ungültiger Wert: gefunden {found}"),
    ("an array", "eine Liste"),
    ("a table", "eine Tabelle"),
    ("a whole number from 0 to 255", "eine ganze Zahl von 0 bis 255"),
    ("a whole number from 0 to 65535", "eine ganze Zahl von 0 bis 65535"),
    ("a whole number from 0 to 4294967295", "eine ganze Zahl von 0 bis 4294967295"),
    ("a whole number, 0 or more", "eine ganze Zahl, 0 oder größer"),
    ("a whole number", "eine ganze Zahl"),
    ("an array like [\"a\", \"b\"]", "eine Liste wie [\"a\", \"b\"]"),
    ("true or false", "true oder false"),
    (
        "\"{id}\" is not a valid account id: use lower-case letters, digits, \"-\" and \"_\" only (like \"{like}\")",
        "\"{id}\" ist keine gültige Kennung eines Schlüsselkunden: nur Kleinbuchstaben, Ziffern, \"-\" und \"_\" (etwa \"{like}\")",
    ),
    ("`name` must not be empty", "`name` darf nicht leer sein"),
    ("empty customer number in `customer_ids`", "leere Kundennummer in `customer_ids`"),
    (
        "customer \"{customer}\" is listed twice in `customer_ids`",
        "Kundennummer \"{customer}\" steht zweimal in `customer_ids`",
    ),
    (
        "{what} must be a fraction from 0 to 1 (0.45 for 45 %), found {x}",
        "{what} muss ein Anteil von 0 bis 1 sein (0.45 für 45 %), gefunden: {x}",
    ),
    (
        "stock_turnover_days must be a number of days above 0, found {days}",
        "stock_turnover_days muss eine Zahl von Tagen über 0 sein, gefunden: {days}",
    ),
    ("{what} must not be negative, found {x}", "{what} darf nicht negativ sein, gefunden: {x}"),
    ("credit limit", "das Kreditlimit"),
    ("a special price", "ein Sonderpreis"),
    ("a minimum price", "ein Mindestpreis"),
    ("a service value", "der Wert einer Leistung"),
    (
        "promotion \"{name}\" ends on {end} before it starts on {start}",
        "die Aktion \"{name}\" endet am {end}, bevor sie am {start} beginnt",
    ),
    (
        "satisfaction score must be from 0 to 10, found {x}",
        "die Zufriedenheit muss zwischen 0 und 10 liegen, gefunden: {x}",
    ),
    (
        "complaint closed on {closed} before it was opened on {opened}",
        "Reklamation am {closed} erledigt, bevor sie am {opened} eröffnet wurde",
    ),
    (
        "the accounts folder \"{dir}\" is not a folder; create it (kam new does) or correct accounts_dir",
        "der Ordner der Schlüsselkunden \"{dir}\" ist kein Ordner; legen Sie ihn an (kam new tut das) oder korrigieren Sie accounts_dir",
    ),
    (
        "the accounts folder \"{dir}\" does not exist; create it (kam new does) or correct accounts_dir",
        "der Ordner der Schlüsselkunden \"{dir}\" existiert nicht; legen Sie ihn an (kam new tut das) oder korrigieren Sie accounts_dir",
    ),
    ("cannot read the accounts folder: {e}", "der Ordner der Schlüsselkunden lässt sich nicht lesen: {e}"),
    (
        "customer \"{id}\" is already listed in account `{account}` ({at}); a customer belongs to one account",
        "die Kundennummer \"{id}\" steht schon beim Schlüsselkunden `{account}` ({at}); eine Kundennummer gehört zu einem Schlüsselkunden",
    ),
    ("is a folder, not an export", "ist ein Ordner, kein Export"),
    ("is not a regular file (a device or a pipe)", "ist keine gewöhnliche Datei (ein Gerät oder eine Pipe)"),
    (
        "is a symbolic link in a loop (it leads back to itself)",
        "ist ein symbolischer Link im Kreis (er führt auf sich selbst zurück)",
    ),
    (
        "is a symbolic link to {target} whose file does not exist",
        "ist ein symbolischer Link auf {target}, dessen Datei nicht existiert",
    ),
    (
        "is a symbolic link whose file does not exist",
        "ist ein symbolischer Link, dessen Datei nicht existiert",
    ),
    ("no such file", "keine solche Datei"),
    ("cannot be read: {e}", "lässt sich nicht lesen: {e}"),
    ("the default sales", "die voreingestellten Exporte"),
    ("[workspace] sales in kam.toml", "[workspace] sales in kam.toml"),
    (
        "cannot look into this folder for `{pattern}` (from {origin}): {e}",
        "in diesen Ordner lässt sich für `{pattern}` nicht hineinsehen (aus {origin}): {e}",
    ),
    (
        "{shown}: the pattern matches no file (from {origin})",
        "{shown}: das Muster trifft auf keine Datei (aus {origin})",
    ),
    ("{why}; matched by `{pattern}` (from {origin})", "{why}; getroffen von `{pattern}` (aus {origin})"),
    (
        "{shown}: not a valid pattern: {e} (from {origin})",
        "{shown}: kein gültiges Muster: {e} (aus {origin})",
    ),
    ("{why} (from {origin})", "{why} (aus {origin})"),
    (
        "`{pattern}` names {file} again (matched by `{first}` already); it is read once (from {origin})",
        "`{pattern}` nennt {file} noch einmal (schon von `{first}` getroffen); die Datei wird einmal gelesen (aus {origin})",
    ),
    (
        "is {file} compressed, byte for byte; it is read once (from {origin})",
        "ist {file} komprimiert, Byte für Byte; die Datei wird einmal gelesen (aus {origin})",
    ),
    (
        "its name says it is {file} compressed, but the two differ; both are read, so remove the one that is an old copy (from {origin})",
        "dem Namen nach ist sie {file} komprimiert, doch die beiden unterscheiden sich; beide werden gelesen, also entfernen Sie die alte Kopie (aus {origin})",
    ),
    ("{dir}: no such folder (given with -C)", "{dir}: kein solcher Ordner (mit -C angegeben)"),
    ("{accounts}, {exports} with {rows}", "{accounts}, {exports} mit {rows}"),
    ("{n} account", "{n} Schlüsselkunde"),
    ("{n} accounts", "{n} Schlüsselkunden"),
    ("{n} export", "{n} Export"),
    ("{n} exports", "{n} Exporte"),
    ("{n} row", "{n} Zeile"),
    ("{n} rows", "{n} Zeilen"),
    ("{n} error", "{n} Fehler"),
    ("{n} errors", "{n} Fehler"),
    ("{n} warning", "{n} Warnung"),
    ("{n} warnings", "{n} Warnungen"),
    (
        "check failed: {errors}, {warnings} ({checked})",
        "Prüfung fehlgeschlagen: {errors}, {warnings} ({checked})",
    ),
    ("check passed with {warnings} ({checked})", "Prüfung bestanden mit {warnings} ({checked})"),
    ("check passed ({checked})", "Prüfung bestanden ({checked})"),
    (
        "every value of the deductions column \"{header}\" lies between 0 and 1: is it a discount rate rather than an amount? kam subtracts it from the revenue as an amount",
        "jeder Wert der Spalte der Erlösschmälerungen \"{header}\" liegt zwischen 0 und 1: ist es ein Rabattsatz statt eines Betrags? kam zieht ihn als Betrag vom Umsatz ab",
    ),
    (
        "every value of the deductions column lies between 0 and 1: is it a discount rate rather than an amount? kam subtracts it from the revenue as an amount",
        "jeder Wert der Spalte der Erlösschmälerungen liegt zwischen 0 und 1: ist es ein Rabattsatz statt eines Betrags? kam zieht ihn als Betrag vom Umsatz ab",
    ),
    (
        "no sales exports to read: set `sales` under [workspace] in kam.toml or pass --sales FILE",
        "keine Umsatzexporte zu lesen: setzen Sie `sales` unter [workspace] in kam.toml oder geben Sie --sales DATEI an",
    ),
    (
        " (1 dossier did not load: some may be its customers)",
        " (1 Dossier ließ sich nicht laden: einige könnten seine Kunden sein)",
    ),
    (
        " ({n} dossiers did not load: some may be their customers)",
        " ({n} Dossiers ließen sich nicht laden: einige könnten ihre Kunden sein)",
    ),
    (
        "{n} export customer belongs to no account{unsure}: {share} of net revenue ({amount} {currency}); `kam abc` lists the candidates",
        "{n} Kundennummer der Exporte gehört zu keinem Schlüsselkunden{unsure}: {share} des Nettoumsatzes ({amount} {currency}); `kam abc` listet die Kandidaten",
    ),
    (
        "{n} export customers belong to no account{unsure}: {share} of net revenue ({amount} {currency}); `kam abc` lists the candidates",
        "{n} Kundennummern der Exporte gehören zu keinem Schlüsselkunden{unsure}: {share} des Nettoumsatzes ({amount} {currency}); `kam abc` listet die Kandidaten",
    ),
    (
        "{rows} without a customer: {amount} {currency} net revenue ({share}), reported as {unassigned}",
        "{rows} ohne Kundennummer: {amount} {currency} Nettoumsatz ({share}), ausgewiesen als {unassigned}",
    ),
    ("(unassigned)", "(nicht zugeordnet)"),
    ("line {line}", "Zeile {line}"),
    (
        "looks like a duplicate of {first} (same invoice, product, date and amount)",
        "sieht wie eine Doppelung von {first} aus (gleiche Belegnummer, gleicher Artikel, gleiches Datum, gleicher Betrag)",
    ),
    (
        "{n} more duplicate-looking rows are not listed",
        "{n} weitere Zeilen, die wie Doppelungen aussehen, sind nicht aufgeführt",
    ),
    (
        "customer \"{customer}\" has no sales in the exports",
        "die Kundennummer \"{customer}\" hat keine Umsätze in den Exporten",
    ),
    (
        "no kam.toml in this folder or a folder above, so every setting has its default: exports {exports}, delimiter \",\", decimal mark \".\", dates \"{dates}\", UTF-8, dossiers in {dir}/; `kam init` writes a kam.toml to adjust",
        "keine kam.toml in diesem oder einem übergeordneten Ordner, also gilt jede Voreinstellung: Exporte {exports}, Trennzeichen \",\", Dezimalzeichen \".\", Datumsformat \"{dates}\", UTF-8, Dossiers in {dir}/; `kam init` legt eine kam.toml zum Anpassen an",
    ),
    (
        "owner \"{owner}\" differs only in case from \"{other}\" in {file}; the KPI report counts them as two people",
        "der KAM \"{owner}\" unterscheidet sich nur in Groß- und Kleinschreibung von \"{other}\" in {file}; der KPI-Bericht zählt sie als zwei Personen",
    ),
    (
        "no `customer_ids`: no sales belong to this account, so its figures are zero; list its customer numbers in the exports",
        "keine `customer_ids`: diesem Schlüsselkunden gehören keine Umsätze, seine Zahlen sind also null; tragen Sie seine Kundennummern aus den Exporten ein",
    ),
    (
        "two [[contacts]] are named \"{name}\"; attendees and reports_to cannot tell them apart",
        "zwei [[contacts]] heißen \"{name}\"; attendees und reports_to können sie nicht unterscheiden",
    ),
    (
        "[review] has {n} questions; prepare about 10 to 14 (15 or more hurt a sales conversation)",
        "[review] hat {n} Fragen; bereiten Sie etwa 10 bis 14 vor (ab 15 schaden sie einem Verkaufsgespräch)",
    ),
    (
        "[review] has {n} questions; cut them down to about 10 to 14 (15 or more hurt a sales conversation)",
        "[review] hat {n} Fragen; kürzen Sie auf etwa 10 bis 14 (ab 15 schaden sie einem Verkaufsgespräch)",
    ),
    (
        "action \"{title}\" was due on {due} ({days} days ago) and is still open",
        "die Maßnahme \"{title}\" war am {due} fällig (vor {days} Tagen) und ist noch offen",
    ),
    (
        "complaint \"{subject}\" opened on {opened} has been open for {days} days",
        "die am {opened} eröffnete Reklamation \"{subject}\" ist seit {days} Tagen offen",
    ),
    ("corrupt or truncated gzip data: {e}", "beschädigte oder abgeschnittene gzip-Daten: {e}"),
    (
        "the header is one column \"{only}\": it looks separated by {name}; set delimiter = {name} (or \"auto\") under [import] in kam.toml",
        "die Kopfzeile ist eine Spalte \"{only}\": sie sieht nach dem Trennzeichen {name} aus; setzen Sie delimiter = {name} (oder \"auto\") unter [import] in kam.toml",
    ),
    (". Did you mean \"{c}\"?", ". Meinten Sie \"{c}\"?"),
    (
        "no column \"{header}\" (mapped to `{field}` in [import.columns]); the header has {present}{hint}",
        "keine Spalte \"{header}\" (in [import.columns] `{field}` zugeordnet); die Kopfzeile hat {present}{hint}",
    ),
    (
        "\"revenue\" (or \"quantity\" and \"unit_price\")",
        "\"revenue\" (oder \"quantity\" und \"unit_price\")",
    ),
    (
        "no column {missing} in the header, which has {present}; name the export's headers in [import.columns] of kam.toml",
        "keine Spalte {missing} in der Kopfzeile, die {present} hat; nennen Sie die Spaltenköpfe des Exports in [import.columns] der kam.toml",
    ),
    (
        "the header names this column {n} times (columns {columns}), and it is read as `{field}`: rename all but one",
        "die Kopfzeile nennt diese Spalte {n}-mal (Spalten {columns}), und sie wird als `{field}` gelesen: benennen Sie alle bis auf eine um",
    ),
    (
        "the file is empty; expected a header line naming the columns, then one line per sale",
        "die Datei ist leer; erwartet wird eine Kopfzeile mit den Spaltennamen, dann eine Zeile je Verkauf",
    ),
    (
        "a quote in the header is never closed, so the whole file would be read as the header: close it on the header line or remove it",
        "ein Anführungszeichen in der Kopfzeile wird nie geschlossen, die ganze Datei würde also als Kopfzeile gelesen: schließen Sie es in der Kopfzeile oder entfernen Sie es",
    ),
    (
        "a quote in the header closes only 1 line further down: close it on the header line or remove it",
        "ein Anführungszeichen in der Kopfzeile schließt erst 1 Zeile weiter unten: schließen Sie es in der Kopfzeile oder entfernen Sie es",
    ),
    (
        "a quote in the header closes only {lines} lines further down: close it on the header line or remove it",
        "ein Anführungszeichen in der Kopfzeile schließt erst {lines} Zeilen weiter unten: schließen Sie es in der Kopfzeile oder entfernen Sie es",
    ),
    (
        "the file is empty; expected a header line naming the columns",
        "die Datei ist leer; erwartet wird eine Kopfzeile mit den Spaltennamen",
    ),
    (
        "; the values look like {value}: try date_format = \"{format}\"",
        "; die Werte sehen aus wie {value}: versuchen Sie date_format = \"{format}\"",
    ),
    (
        "; the values look like {value}: try date_format = {formats}",
        "; die Werte sehen aus wie {value}: versuchen Sie date_format = {formats}",
    ),
    (
        "no date of the column matches date_format \"{format}\" (all {unmatched} rows, like \"{sample}\" on this line){advice}",
        "kein Datum der Spalte passt zu date_format \"{format}\" (alle {unmatched} Zeilen, etwa \"{sample}\" in dieser Zeile){advice}",
    ),
    (
        " (after line {line}, the last one read whole)",
        " (nach Zeile {line}, der letzten vollständig gelesenen)",
    ),
    (
        "unterminated quote: a quote opened on this line is never closed; close it or remove it",
        "offenes Anführungszeichen: ein in dieser Zeile geöffnetes Anführungszeichen wird nie geschlossen; schließen oder entfernen Sie es",
    ),
    (
        "unterminated quote: a quote opened on this line is never closed, so the 1 line after it would be read as one field; close the quote or remove it",
        "offenes Anführungszeichen: ein in dieser Zeile geöffnetes Anführungszeichen wird nie geschlossen, die 1 Zeile danach würde also als ein Feld gelesen; schließen oder entfernen Sie es",
    ),
    (
        "unterminated quote: a quote opened on this line is never closed, so the {n} lines after it would be read as one field; close the quote or remove it",
        "offenes Anführungszeichen: ein in dieser Zeile geöffnetes Anführungszeichen wird nie geschlossen, die {n} Zeilen danach würden also als ein Feld gelesen; schließen oder entfernen Sie es",
    ),
    (
        "a quoted field opened on this line runs over {lines} line ends ({bytes} bytes): is a closing quote missing here?",
        "ein in dieser Zeile geöffnetes Feld in Anführungszeichen läuft über {lines} Zeilenenden ({bytes} Bytes): fehlt hier ein schließendes Anführungszeichen?",
    ),
    (
        "a quoted field opened on this line holds a line that looks like a row of the export, 1 line further down: is a closing quote missing here?",
        "ein in dieser Zeile geöffnetes Feld in Anführungszeichen enthält 1 Zeile weiter unten eine Zeile, die wie eine Zeile des Exports aussieht: fehlt hier ein schließendes Anführungszeichen?",
    ),
    (
        "a quoted field opened on this line holds a line that looks like a row of the export, {k} lines further down: is a closing quote missing here?",
        "ein in dieser Zeile geöffnetes Feld in Anführungszeichen enthält {k} Zeilen weiter unten eine Zeile, die wie eine Zeile des Exports aussieht: fehlt hier ein schließendes Anführungszeichen?",
    ),
    (
        "; the quote opened on this line closes only 1 line further down: is a closing quote missing here?",
        "; das in dieser Zeile geöffnete Anführungszeichen schließt erst 1 Zeile weiter unten: fehlt hier ein schließendes Anführungszeichen?",
    ),
    (
        "; the quote opened on this line closes only {n} lines further down: is a closing quote missing here?",
        "; das in dieser Zeile geöffnete Anführungszeichen schließt erst {n} Zeilen weiter unten: fehlt hier ein schließendes Anführungszeichen?",
    ),
    (
        "expected {expected} fields as in the header, found {found}{hint}",
        "erwartet {expected} Felder wie in der Kopfzeile, gefunden {found}{hint}",
    ),
    (
        " (this is the column's header: was a header row read as data, e.g. from two exports pasted together?)",
        " (das ist der Spaltenkopf: wurde eine Kopfzeile als Daten gelesen, etwa aus zwei zusammenkopierten Exporten?)",
    ),
    ("expected a date, found an empty cell", "erwartet ein Datum, gefunden eine leere Zelle"),
    ("\"{date}\" is not a day of the calendar", "\"{date}\" ist kein Tag des Kalenders"),
    (
        "\"{date}\" is read as the year {year} with date_format \"{format}\"; %Y takes the year with four digits (2026), %y with two (26); dates before 1900 or after 2200 are taken for mistakes",
        "\"{date}\" wird mit date_format \"{format}\" als Jahr {year} gelesen; %Y nimmt das Jahr vierstellig (2026), %y zweistellig (26); Daten vor 1900 oder nach 2200 gelten als Fehler",
    ),
    (
        "cannot read \"{date}\" as a date: expected the format \"{format}\", like {example}{hint}",
        "\"{date}\" lässt sich nicht als Datum lesen: erwartet das Format \"{format}\", etwa {example}{hint}",
    ),
    (
        "cannot read \"{value}\" as a quantity: {reason}{hint}",
        "\"{value}\" lässt sich nicht als Menge lesen: {reason}{hint}",
    ),
    (
        "cannot read \"{value}\" as an amount: {reason}{hint}",
        "\"{value}\" lässt sich nicht als Betrag lesen: {reason}{hint}",
    ),
    ("quantity × unit price", "Menge × Einzelpreis"),
    ("quantity × unit cost", "Menge × Stückkosten"),
    ("expected an amount, found an empty cell", "erwartet ein Betrag, gefunden eine leere Zelle"),
    (
        "the cell holds the control character {byte} at position {at}: a damaged or binary export?",
        "die Zelle enthält das Steuerzeichen {byte} an Position {at}: ein beschädigter oder binärer Export?",
    ),
    (
        "{what} = {a} × {b} is beyond what kam reads: amounts must be below {limit}",
        "{what} = {a} × {b} liegt jenseits dessen, was kam liest: Beträge müssen unter {limit} liegen",
    ),
    (
        "invalid UTF-8 in this line: the file is declared utf-8; if the ERP writes Windows-1252 (ANSI), set encoding = \"windows-1252\" under [import] in kam.toml",
        "ungültiges UTF-8 in dieser Zeile: die Datei ist als utf-8 angegeben; schreibt das ERP Windows-1252 (ANSI), setzen Sie encoding = \"windows-1252\" unter [import] in kam.toml",
    ),
    (
        "expected digits with \"{m}\" as decimal mark and an optional sign, like {example}",
        "erwartet Ziffern mit \"{m}\" als Dezimalzeichen und einem optionalen Vorzeichen, etwa {example}",
    ),
    (
        "\"{s}\" separates groups of three digits before the decimal mark \"{m}\", like {example}",
        "\"{s}\" trennt Dreiergruppen von Ziffern vor dem Dezimalzeichen \"{m}\", etwa {example}",
    ),
    ("more than 28 significant digits", "mehr als 28 signifikante Ziffern"),
    (
        "an amount of {limit} or more is beyond what kam reads; is this the right column?",
        "ein Betrag von {limit} oder mehr liegt jenseits dessen, was kam liest; ist das die richtige Spalte?",
    ),
    ("10^15 (a thousand trillion)", "10^15 (eine Billiarde)"),
    ("\"{format}\" is not a valid chrono date format", "\"{format}\" ist kein gültiges chrono-Datumsformat"),
    (
        "date format \"{format}\" does not name year, month and day (like \"%d.%m.%Y\")",
        "das Datumsformat \"{format}\" nennt nicht Jahr, Monat und Tag (etwa \"%d.%m.%Y\")",
    ),
    (
        "{count} more problem in this file is not listed",
        "{count} weiteres Problem in dieser Datei ist nicht aufgeführt",
    ),
    (
        "{count} more problems in this file are not listed",
        "{count} weitere Probleme in dieser Datei sind nicht aufgeführt",
    ),
    ("Created a kam workspace in {folder}:", "kam-Arbeitsbereich angelegt in {folder}:"),
    (
        "the settings, each explained: name, language, the sales exports and how to read them",
        "die Einstellungen, jede erklärt: Name, Sprache, die Umsatzexporte und wie sie zu lesen sind",
    ),
    ("one dossier per key account", "ein Dossier je Schlüsselkunde"),
    (
        "an example dossier with every key explained: rename it or start anew with kam new",
        "ein Beispieldossier mit jedem Schlüssel erklärt: benennen Sie es um oder beginnen Sie neu mit kam new",
    ),
    ("for generated reports (kept out of git)", "für erzeugte Berichte (nicht in git)"),
    (
        "keeps reports/ and kam's lock file out of git",
        "hält reports/ und die Sperrdatei von kam aus git heraus",
    ),
    ("added reports/ and kam's lock file", "reports/ und die Sperrdatei von kam ergänzt"),
    ("no example dossier: {why}", "kein Beispieldossier: {why}"),
    (
        "Put the CSV sales exports of your ERP in sales/ and describe their columns under [import] in kam.toml.",
        "Legen Sie die CSV-Umsatzexporte Ihres ERP in sales/ ab und beschreiben Sie ihre Spalten unter [import] in kam.toml.",
    ),
    ("Add a dossier per key account:", "Legen Sie ein Dossier je Schlüsselkunde an:"),
    (
        "Run kam check, then kam accounts, kam margin --by account --period year, kam abc.",
        "Führen Sie kam check aus, dann kam accounts, kam margin --by account --period year, kam abc.",
    ),
    (
        "Keep the dossiers up to date from the shell:",
        "Halten Sie die Dossiers von der Kommandozeile aus aktuell:",
    ),
    ("Talked about the framework contract", "Über den Rahmenvertrag gesprochen"),
    ("Keep the workspace in git:", "Führen Sie den Arbeitsbereich in git:"),
    (
        "Next steps (every command's --help has examples):",
        "Nächste Schritte (die --help jedes Befehls hat Beispiele):",
    ),
    (
        "-o {output} would overwrite {input}, which this command reads; choose another file",
        "-o {output} würde {input} überschreiben, das dieser Befehl liest; wählen Sie eine andere Datei",
    ),
    (
        "the exports have problems (listed above); nothing was written. `kam check` lists them too.",
        "die Exporte haben Probleme (oben aufgeführt); nichts wurde geschrieben. `kam check` listet sie ebenfalls.",
    ),
    ("cannot make the workbook: {e}", "die Arbeitsmappe lässt sich nicht erstellen: {e}"),
    (
        "this report has no table to write as CSV; use --format md or json",
        "dieser Bericht hat keine Tabelle für CSV; verwenden Sie --format md oder json",
    ),
    (
        "--format xlsx writes a workbook: name its file with -o FILE.xlsx",
        "--format xlsx schreibt eine Arbeitsmappe: nennen Sie ihre Datei mit -o DATEI.xlsx",
    ),
    (
        "{n} of {rows} rows ({amount} {currency} net revenue) have no cost data, so DB I–III are unknown for their groups; map a `cost`, `unit_cost` or `profit` column under [import.columns], or set `default_cost_rate` under [margin] in kam.toml",
        "{n} von {rows} Zeilen ({amount} {currency} Nettoumsatz) haben keine Kostenangabe, DB I–III ihrer Gruppen sind daher unbekannt; ordnen Sie unter [import.columns] eine Spalte `cost`, `unit_cost` oder `profit` zu, oder setzen Sie `default_cost_rate` unter [margin] in kam.toml",
    ),
    (
        "no account `{id}`; did you mean `{c}`? Known accounts: {known}",
        "kein Schlüsselkunde `{id}`; meinten Sie `{c}`? Bekannte Schlüsselkunden: {known}",
    ),
    (
        "no account `{id}`. Known accounts: {known}",
        "kein Schlüsselkunde `{id}`. Bekannte Schlüsselkunden: {known}",
    ),
    (
        "the workspace has no key accounts, so --by {by} counts nothing; use --by customer or add dossiers under {dir}/",
        "der Arbeitsbereich hat keine Schlüsselkunden, --by {by} zählt also nichts; verwenden Sie --by customer oder legen Sie Dossiers unter {dir}/ an",
    ),
    (
        "--month {month} lies outside the exports, which cover {first} to {last}; choose a month of that range",
        "--month {month} liegt außerhalb der Exporte, die {first} bis {last} abdecken; wählen Sie einen Monat dieses Zeitraums",
    ),
    (
        "the exports hold no sales, so there is no month to report on (--month {month})",
        "die Exporte enthalten keine Umsätze, es gibt also keinen Monat für den Bericht (--month {month})",
    ),
    (
        "rows without cost data make DB II unknown for some owners; map a `cost`, `unit_cost` or `profit` column under [import.columns], or set `default_cost_rate` under [margin] in kam.toml",
        "Zeilen ohne Kostenangabe machen DB II für manche KAMs unbekannt; ordnen Sie unter [import.columns] eine Spalte `cost`, `unit_cost` oder `profit` zu, oder setzen Sie `default_cost_rate` unter [margin] in kam.toml",
    ),
    (
        "the brief is a Markdown document (--format md) or, for one account, its figures as data (--format json)",
        "der Brief ist ein Markdown-Dokument (--format md) oder, für einen Schlüsselkunden, seine Zahlen als Daten (--format json)",
    ),
    (
        "--upcoming writes one file per account: name a folder with -o DIR",
        "--upcoming schreibt eine Datei je Schlüsselkunde: nennen Sie einen Ordner mit -o ORDNER",
    ),
    (
        "name an account (kam brief ID) or use --upcoming DAYS -o DIR",
        "nennen Sie einen Schlüsselkunden (kam brief KENNUNG) oder verwenden Sie --upcoming TAGE -o ORDNER",
    ),
    ("no annual review within the next {days} days", "kein Jahresgespräch in den nächsten {days} Tagen"),
    ("wrote {file}", "{file} geschrieben"),
    (
        "account `{id}` has no sales in {year} in the exports",
        "der Schlüsselkunde `{id}` hat {year} keine Umsätze in den Exporten",
    ),
    (
        "kam {command} writes no report; -o FILE does not apply",
        "kam {command} schreibt keinen Bericht; -o DATEI gilt nicht",
    ),
    (
        "{file} has errors (listed above), so the accounts folder is unsure; nothing was written",
        "{file} hat Fehler (oben aufgeführt), der Ordner der Schlüsselkunden ist also unsicher; nichts wurde geschrieben",
    ),
    (
        "note: no kam.toml here or in a folder above, so the dossier went to {dir}; `kam init` makes a workspace",
        "Hinweis: keine kam.toml hier oder in einem übergeordneten Ordner, das Dossier liegt also in {dir}; `kam init` legt einen Arbeitsbereich an",
    ),
    (
        "created {file}: fill in what you know; `kam log {id} …` adds meetings, complaints, services and more",
        "{file} angelegt: tragen Sie ein, was Sie wissen; `kam log {id} …` ergänzt Kontakte, Reklamationen, Leistungen und mehr",
    ),
    (
        "the accounts folder {dir} (accounts_dir in kam.toml) does not exist",
        "der Ordner der Schlüsselkunden {dir} (accounts_dir in kam.toml) existiert nicht",
    ),
    (
        "no kam workspace here: no kam.toml in this folder or above, and no {dir}/ folder; `kam init` makes one, -C DIR names one",
        "kein kam-Arbeitsbereich hier: keine kam.toml in diesem oder einem übergeordneten Ordner und kein Ordner {dir}/; `kam init` legt einen an, -C ORDNER nennt einen",
    ),
    (
        "attendee \"{name}\" is not among the [[contacts]] of {file}; check the spelling or add the contact",
        "der Teilnehmer \"{name}\" steht nicht unter den [[contacts]] von {file}; prüfen Sie die Schreibweise oder legen Sie den Ansprechpartner an",
    ),
    ("dry run: nothing was written", "Probelauf: nichts wurde geschrieben"),
    (
        "kam check writes text (the default) or --format json",
        "kam check schreibt Text (Voreinstellung) oder --format json",
    ),
    (
        "{folder} already is a kam workspace ({file} exists); nothing was changed",
        "{folder} ist schon ein kam-Arbeitsbereich ({file} existiert); nichts wurde geändert",
    ),
    ("{folder} is a file, not a folder", "{folder} ist eine Datei, kein Ordner"),
    ("cannot create the folder {folder}: {e}", "der Ordner {folder} lässt sich nicht anlegen: {e}"),
    ("the workspace name must not be empty", "der Name des Arbeitsbereichs darf nicht leer sein"),
    ("{file} exists already", "{file} existiert schon"),
    ("{folder} has dossiers already", "{folder} hat schon Dossiers"),
    ("cannot write {file}: {e}", "{file} lässt sich nicht schreiben: {e}"),
    ("the name must not be empty", "der Name darf nicht leer sein"),
    ("a customer number must not be empty", "eine Kundennummer darf nicht leer sein"),
    (
        "customer number \"{customer}\" is given twice",
        "die Kundennummer \"{customer}\" ist zweimal angegeben",
    ),
    (
        "account `{id}` exists already ({file}); nothing was written. `kam log {id} …` adds to it",
        "der Schlüsselkunde `{id}` existiert schon ({file}); nichts wurde geschrieben. `kam log {id} …` ergänzt ihn",
    ),
    (
        "{problem}; its customer numbers were not compared",
        "{problem}; seine Kundennummern wurden nicht verglichen",
    ),
    (
        "{file} cannot be read (`kam check` says why); its customer numbers were not compared",
        "{file} lässt sich nicht lesen (`kam check` sagt, warum); seine Kundennummern wurden nicht verglichen",
    ),
    (
        "customer \"{number}\" already belongs to account `{other}` ({at}); a customer belongs to one account. Nothing was written",
        "die Kundennummer \"{number}\" gehört schon zum Schlüsselkunden `{other}` ({at}); eine Kundennummer gehört zu einem Schlüsselkunden. Nichts wurde geschrieben",
    ),
    (
        "the new dossier would not be valid; nothing was written",
        "das neue Dossier wäre nicht gültig; nichts wurde geschrieben",
    ),
    ("added {noun} {n}", "{noun} {n} hinzugefügt"),
    (
        "closed complaint {n} (\"{subject}\", opened {opened})",
        "Reklamation {n} erledigt (\"{subject}\", eröffnet {opened})",
    ),
    ("closed complaint {n} (opened {opened})", "Reklamation {n} erledigt (eröffnet {opened})"),
    (
        "action {n} (\"{title}\") is already {status}; nothing to change",
        "die Maßnahme {n} (\"{title}\") ist schon {status}; nichts zu ändern",
    ),
    ("action {n} (\"{title}\"): status {from} → {to}", "Maßnahme {n} (\"{title}\"): Status {from} → {to}"),
    ("meeting", "Kontakt"),
    ("complaint", "Reklamation"),
    ("service", "Leistung"),
    ("event", "Ereignis"),
    ("satisfaction score", "Zufriedenheitswert"),
    ("action", "Maßnahme"),
    ("coaching session", "Coaching"),
    ("cost", "Kosten"),
    ("opened {date}", "eröffnet {date}"),
    ("{file} has no open complaint", "{file} hat keine offene Reklamation"),
    ("the open complaints of {file}:{list}", "die offenen Reklamationen von {file}:{list}"),
    ("{file} has no open complaint to close", "{file} hat keine offene Reklamation zum Erledigen"),
    (
        "there is no complaint {n}: complaints are numbered 1 to {count} in the order of the file; {list}",
        "es gibt keine Reklamation {n}: Reklamationen sind in der Reihenfolge der Datei von 1 bis {count} nummeriert; {list}",
    ),
    ("no complaint has \"{t}\" in its subject; {list}", "keine Reklamation hat \"{t}\" im Thema; {list}"),
    (
        "\"{t}\" is in the subject of several open complaints; give the number instead; {list}",
        "\"{t}\" steht im Thema mehrerer offener Reklamationen; geben Sie stattdessen die Nummer an; {list}",
    ),
    (
        "complaint {n} ({subject}) was already closed on {closed}; {list}",
        "die Reklamation {n} ({subject}) wurde schon am {closed} erledigt; {list}",
    ),
    ("{file} has no actions", "{file} hat keine Maßnahmen"),
    ("the actions of {file}:{list}", "die Maßnahmen von {file}:{list}"),
    (
        "there is no action {n}: actions are numbered 1 to {count} in the order of the file; {list}",
        "es gibt keine Maßnahme {n}: Maßnahmen sind in der Reihenfolge der Datei von 1 bis {count} nummeriert; {list}",
    ),
    ("no action has \"{t}\" in its title; {list}", "keine Maßnahme hat \"{t}\" im Titel; {list}"),
    (
        "\"{t}\" is in the title of several actions; give the number instead; {list}",
        "\"{t}\" steht im Titel mehrerer Maßnahmen; geben Sie stattdessen die Nummer an; {list}",
    ),
    (
        "choose an action by its number or a part of its title",
        "wählen Sie eine Maßnahme über ihre Nummer oder einen Teil ihres Titels",
    ),
    ("nothing was written", "nichts wurde geschrieben"),
    (
        "{file} has errors (listed above); fix them first, then log again. Nothing was written.",
        "{file} hat Fehler (oben aufgeführt); beheben Sie sie zuerst und tragen Sie dann erneut ein. Nichts wurde geschrieben.",
    ),
    (
        "with this entry {file} would not be a valid dossier (the lines above are those of the edited file); nothing was written",
        "mit diesem Eintrag wäre {file} kein gültiges Dossier (die Zeilen oben sind die der bearbeiteten Datei); nichts wurde geschrieben",
    ),
    (
        "cannot write {file}: {e}; it is unchanged",
        "{file} lässt sich nicht schreiben: {e}; die Datei ist unverändert",
    ),
    ("none", "keine"),
    (
        "no account `{id}`: {file} does not exist; did you mean `{c}`? known accounts: {known}. `kam new {id} --name NAME` creates it",
        "kein Schlüsselkunde `{id}`: {file} existiert nicht; meinten Sie `{c}`? Bekannte Schlüsselkunden: {known}. `kam new {id} --name NAME` legt ihn an",
    ),
    (
        "no account `{id}`: {file} does not exist; known accounts: {known}. `kam new {id} --name NAME` creates it",
        "kein Schlüsselkunde `{id}`: {file} existiert nicht; bekannte Schlüsselkunden: {known}. `kam new {id} --name NAME` legt ihn an",
    ),
    (
        "action \"{title}\" is assigned to \"{name}\", who is neither the owner nor in `team`; check the spelling or add the name to `team`",
        "die Maßnahme \"{title}\" ist \"{name}\" zugewiesen, der weder KAM noch in `team` ist; prüfen Sie die Schreibweise oder nehmen Sie den Namen in `team` auf",
    ),
    (
        "coaching \"{topic}\" has the participant \"{name}\", who is neither the owner nor in `team`; check the spelling or add the name to `team`",
        "das Coaching \"{topic}\" hat den Teilnehmer \"{name}\", der weder KAM noch in `team` ist; prüfen Sie die Schreibweise oder nehmen Sie den Namen in `team` auf",
    ),
    (
        "[radar] {name} must be a whole number from 1 to {max}, found {x}",
        "[radar] {name} muss eine ganze Zahl von 1 bis {max} sein, gefunden: {x}",
    ),
    (
        "no account has the owner \"{name}\"; owners: {owners}",
        "kein Schlüsselkunde hat den KAM \"{name}\"; KAMs: {owners}",
    ),
    (
        "no account has the owner \"{name}\"; no account has an owner yet",
        "kein Schlüsselkunde hat den KAM \"{name}\"; noch kein Schlüsselkunde hat einen KAM",
    ),
    (
        "nobody called \"{name}\" owns an account, is in a team or has an action; people: {people}",
        "niemand namens \"{name}\" ist KAM, im Team eines Schlüsselkunden oder einer Maßnahme zugewiesen; Personen: {people}",
    ),
    (
        "the exports hold no sales, so there is nobody to rank",
        "die Exporte enthalten keine Umsätze, es gibt also niemanden einzuordnen",
    ),
    (
        "--at {month} lies outside the exports, which cover {first} to {last}; choose a month of that range",
        "--at {month} liegt außerhalb der Exporte, die {first} bis {last} abdecken; wählen Sie einen Monat dieses Zeitraums",
    ),
    (
        "the exports hold no sales, so there is no white space to show",
        "die Exporte enthalten keine Umsätze, es gibt also keine Lücken zu zeigen",
    ),
    (
        "[[buying_centres]] names customer number \"{id}\", which is not among `customer_ids`; `kam whitespace` shows only the account's customer numbers",
        "[[buying_centres]] nennt die Kundennummer „{id}“, die nicht unter `customer_ids` steht; `kam whitespace` zeigt nur die Kundennummern des Schlüsselkunden",
    ),
    (
        "[[whitespace]] \"{offering}\" names the centre \"{centre}\", which is neither a customer number nor a `[[buying_centres]]` name",
        "[[whitespace]] „{offering}“ nennt die Einkaufsstelle „{centre}“, die weder eine Kundennummer noch ein Name unter `[[buying_centres]]` ist",
    ),
    (
        "the customer folder is a Markdown document (--format md) or, for one account, a workbook (--format xlsx -o FILE.xlsx)",
        "die Kundenmappe ist ein Markdown-Dokument (--format md) oder, für einen Schlüsselkunden, eine Arbeitsmappe (--format xlsx -o DATEI.xlsx)",
    ),
    // Commands.
    ("no account `{id}`", "kein Schlüsselkunde `{id}`"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_filled_in_the_language() {
        let m = crate::msg!("no account `{id}`", id = "nordhafen");
        assert_eq!(m.text(Language::En), "no account `nordhafen`");
        assert_eq!(m.text(Language::De), "kein Schlüsselkunde `nordhafen`");
        assert_eq!(
            Message::raw("invalid type: string \"x\", expected a date").text(Language::De),
            "ungültiger Typ: Text \"x\", erwartet ein Datum"
        );
    }

    /// Every `msg!` template in the sources has its German in the catalogue, once.
    #[test]
    fn every_template_is_in_the_catalogue() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![root.clone()];
        let mut missing = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("messages.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("msg!(") {
                let rest = &text[i + 5..];
                let rest = rest.trim_start();
                let Some(body) = rest.strip_prefix('"') else { continue };
                // The literal up to its closing quote (templates use \" for quotes).
                let mut literal = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('"') => literal.push('"'),
                            Some('\\') => literal.push('\\'),
                            Some('n') => literal.push('\n'),
                            Some('\n') => {
                                // A line continuation: the next line's leading spaces go.
                                let rest: String = chars.clone().collect();
                                let skip = rest.len() - rest.trim_start().len();
                                for _ in 0..rest[..skip].chars().count() {
                                    chars.next();
                                }
                            }
                            Some(other) => {
                                literal.push('\\');
                                literal.push(other);
                            }
                            None => {}
                        },
                        '"' => break,
                        c => literal.push(c),
                    }
                }
                if german(&literal).is_none() {
                    missing.push(format!("{}: {literal}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "templates without German:\n{}", missing.join("\n"));
        let mut seen = std::collections::HashSet::new();
        for (en, _) in CATALOGUE {
            assert!(seen.insert(en), "twice in the catalogue: {en}");
        }
    }
}
