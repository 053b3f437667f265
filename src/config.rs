//! `kam.toml`: the workspace settings of SPEC 2.1, with their defaults, strictly checked.

use crate::dates::DateFormat;
use crate::diag::{Diagnostic, Diagnostics, text_location};
use crate::money::{Amount, Decimal, DecimalMark};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// The file name that marks a workspace.
pub const CONFIG_FILE: &str = "kam.toml";

/// The sales exports read when kam.toml does not name any: plain and gzip-compressed.
pub const DEFAULT_SALES: [&str; 2] = ["sales/*.csv", "sales/*.csv.gz"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawConfig {
    workspace: RawWorkspace,
    import: RawImport,
    retention: RawRetention,
    margin: RawMargin,
    abc: RawAbc,
    radar: RawRadar,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawWorkspace {
    name: Option<String>,
    currency: Spanned<String>,
    vat_rate: Option<Spanned<Amount>>,
    language: Spanned<String>,
    accounts_dir: Spanned<String>,
    sales: Option<Vec<String>>,
}

impl Default for RawWorkspace {
    fn default() -> Self {
        RawWorkspace {
            name: None,
            currency: Spanned::new(0..0, "EUR".into()),
            vat_rate: None,
            language: Spanned::new(0..0, "en".into()),
            accounts_dir: Spanned::new(0..0, "accounts".into()),
            sales: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawImport {
    delimiter: Spanned<String>,
    decimal_mark: Spanned<String>,
    date_format: Spanned<String>,
    encoding: Spanned<String>,
    columns: Option<Spanned<ColumnMap>>,
}

impl Default for RawImport {
    fn default() -> Self {
        RawImport {
            delimiter: Spanned::new(0..0, ",".into()),
            decimal_mark: Spanned::new(0..0, ".".into()),
            date_format: Spanned::new(0..0, "%Y-%m-%d".into()),
            encoding: Spanned::new(0..0, "utf-8".into()),
            columns: None,
        }
    }
}

/// `[import.columns]`: canonical field → header in the export.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ColumnMap {
    pub date: Option<String>,
    pub customer: Option<String>,
    pub revenue: Option<String>,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
    pub deductions: Option<String>,
    pub cost: Option<String>,
    pub unit_cost: Option<String>,
    pub profit: Option<String>,
    pub invoice: Option<String>,
    pub product: Option<String>,
    pub category: Option<String>,
}

impl ColumnMap {
    /// The fields mapped, with their headers, in the order of the struct.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("date", &self.date),
            ("customer", &self.customer),
            ("revenue", &self.revenue),
            ("quantity", &self.quantity),
            ("unit_price", &self.unit_price),
            ("deductions", &self.deductions),
            ("cost", &self.cost),
            ("unit_cost", &self.unit_cost),
            ("profit", &self.profit),
            ("invoice", &self.invoice),
            ("product", &self.product),
            ("category", &self.category),
        ]
        .into_iter()
        .filter_map(|(f, h)| h.as_deref().map(|h| (f, h)))
        .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawRetention {
    inactive_after_months: Spanned<i64>,
}

impl Default for RawRetention {
    fn default() -> Self {
        RawRetention { inactive_after_months: Spanned::new(0..0, 3) }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawMargin {
    cost_per_order: Option<Spanned<Amount>>,
    cost_per_visit: Option<Spanned<Amount>>,
    return_handling_rate: Option<Spanned<Amount>>,
    overhead_rate: Option<Spanned<Amount>>,
    default_cost_rate: Option<Spanned<Amount>>,
}

/// `[radar]`: the thresholds of `kam radar`, each optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawRadar {
    days: Option<Spanned<Amount>>,
    complaint_days: Option<Spanned<Amount>>,
    contact_days: Option<Spanned<Amount>>,
    price_days_ahead: Option<Spanned<Amount>>,
    price_days_past: Option<Spanned<Amount>>,
    below_minimum_days: Option<Spanned<Amount>>,
    credit_share: Option<Spanned<Amount>>,
    satisfaction_drop: Option<Spanned<Amount>>,
    satisfaction_low: Option<Spanned<Amount>>,
    revenue_drop: Option<Spanned<Amount>>,
    gap_factor: Option<Spanned<Amount>>,
    gap_months: Option<Spanned<Amount>>,
    min_order_days: Option<Spanned<Amount>>,
    inactive_months: Option<Spanned<Amount>>,
    goal_share: Option<Spanned<Amount>>,
    risk_score: Option<Spanned<Amount>>,
}

/// The thresholds of `kam radar` (`[radar]` in kam.toml): what makes a fact an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadarSettings {
    /// Look ahead this many days (reviews, actions due); `--days` overrides it.
    pub days: u32,
    /// An open complaint older than this is of high severity.
    pub complaint_days: u32,
    /// A decision-maker or champion not met for longer than this is stale.
    pub contact_days: u32,
    /// A special price ending within this many days ahead, or this many past.
    pub price_days_ahead: u32,
    pub price_days_past: u32,
    /// Sales below the minimum price in this many days up to the exports' last day.
    pub below_minimum_days: u32,
    /// Expected receivables at this share of the credit limit or more.
    pub credit_share: Decimal,
    /// A satisfaction score this much below the one before, or at most `satisfaction_low`.
    pub satisfaction_drop: Decimal,
    pub satisfaction_low: Decimal,
    /// Net revenue year to date this share or more below the same months a year before.
    pub revenue_drop: Decimal,
    /// Days since the last order day above `gap_factor` × the median gap between order days of
    /// the last `gap_months` months, with at least `min_order_days` order days.
    pub gap_factor: Decimal,
    pub gap_months: u32,
    pub min_order_days: u32,
    /// An account that became inactive within this many months.
    pub inactive_months: u32,
    /// A goal due this year projected below this share of its target.
    pub goal_share: Decimal,
    /// An account whose churn-risk score (`kam risk --by account`, 0 to 100) is this or more.
    pub risk_score: u32,
}

impl Default for RadarSettings {
    fn default() -> Self {
        RadarSettings {
            days: 14,
            complaint_days: 14,
            contact_days: 90,
            price_days_ahead: 90,
            price_days_past: 30,
            below_minimum_days: 90,
            credit_share: Decimal::new(8, 1),
            satisfaction_drop: Decimal::TWO,
            satisfaction_low: Decimal::new(5, 0),
            revenue_drop: Decimal::new(1, 1),
            gap_factor: Decimal::new(15, 1),
            gap_months: 24,
            min_order_days: 4,
            inactive_months: 3,
            goal_share: Decimal::new(9, 1),
            risk_score: 80,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawAbc {
    a: Option<Spanned<Amount>>,
    b: Option<Spanned<Amount>>,
}

/// The language of labels and number format in Markdown output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    En,
    De,
}

/// How fields are separated in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Byte(u8),
    /// Sniffed from the header line among `,` `;` `|` and tab.
    Auto,
}

/// How an export's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8; a byte-order mark is skipped.
    Utf8,
    Windows1252,
}

/// `[import]`: how to read the sales exports.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    pub delimiter: Delimiter,
    pub decimal_mark: DecimalMark,
    pub date_format: DateFormat,
    pub encoding: Encoding,
    /// `None`: headers equal to a canonical field name map to it.
    pub columns: Option<ColumnMap>,
    /// `[margin] default_cost_rate`: the cost of rows without cost data, as a share of net revenue.
    pub default_cost_rate: Option<Decimal>,
}

impl Default for ImportSettings {
    fn default() -> Self {
        ImportSettings {
            delimiter: Delimiter::Byte(b','),
            decimal_mark: DecimalMark::Point,
            date_format: DateFormat::new("%Y-%m-%d").expect("the default date format"),
            encoding: Encoding::Utf8,
            columns: None,
            default_cost_rate: None,
        }
    }
}

/// `[margin]`: customer-specific direct costs (DB II) and overhead (DB III).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarginSettings {
    pub cost_per_order: Decimal,
    pub cost_per_visit: Decimal,
    pub return_handling_rate: Decimal,
    pub overhead_rate: Decimal,
    pub default_cost_rate: Option<Decimal>,
}

/// `[abc]`: cumulative revenue-share limits of the classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbcLimits {
    pub a: Decimal,
    pub b: Decimal,
}

/// The resolved settings of a workspace.
#[derive(Debug, Clone)]
pub struct Config {
    pub name: String,
    pub currency: String,
    /// `[workspace] vat_rate`: the VAT on your invoices (0.19 for 19 %), for figures that are
    /// gross, like receivables; `None` when not set.
    pub vat_rate: Option<Decimal>,
    pub language: Language,
    pub accounts_dir: String,
    /// Where kam.toml sets `accounts_dir`, if it does.
    pub accounts_dir_at: Option<crate::diag::Location>,
    pub sales: Vec<String>,
    /// Whether `sales` is the default `sales/*.csv` because kam.toml does not set it.
    pub sales_default: bool,
    pub import: ImportSettings,
    /// `[retention] inactive_after_months` (W).
    pub window_months: u32,
    pub margin: MarginSettings,
    pub abc: AbcLimits,
    pub radar: RadarSettings,
}

impl Config {
    /// The settings of a workspace without `kam.toml`.
    pub fn defaults(folder_name: &str) -> Config {
        let raw = RawConfig::default();
        let mut diags = Diagnostics::new();
        resolve(raw, folder_name, Path::new(CONFIG_FILE), "", &mut diags)
    }

    /// Reads `kam.toml`; every problem found goes to `diags`.
    pub fn load(path: &Path, folder_name: &str, diags: &mut Diagnostics) -> Option<Config> {
        match Config::load_partial(path, folder_name, diags) {
            (Some(config), true) => Some(config),
            _ => None,
        }
    }

    /// Reads `kam.toml` like [`Config::load`], and also returns the settings of a file with
    /// errors, their bad values replaced by defaults, when no error is in an `[import]` table:
    /// the exports can then still be checked (`kam check` lists every problem in one run). The
    /// flag says whether the file had no error.
    pub fn load_partial(path: &Path, folder_name: &str, diags: &mut Diagnostics) -> (Option<Config>, bool) {
        let text = match crate::tomlfile::read_text(path) {
            Ok(text) => text,
            Err(d) => {
                diags.push(d);
                return (None, false);
            }
        };
        // The language of the messages about the file itself, before it is parsed.
        if let Some(language) = language_in(&text) {
            crate::messages::set_language(language, false);
        }
        let first = diags.items().len();
        let before = diags.error_count();
        let raw: RawConfig = match crate::tomlfile::parse_all(path, &text) {
            Ok(raw) => raw,
            Err((errors, rest)) => {
                errors.into_iter().for_each(|d| diags.push(d));
                // The values that could be read are still checked, so that one run lists all.
                match rest {
                    Some(raw) => raw,
                    None => return (None, false),
                }
            }
        };
        let config = resolve(raw, folder_name, path, &text, diags);
        crate::messages::set_language(config.language, false);
        if diags.error_count() == before {
            return (Some(config), true);
        }
        let import = import_lines(&text);
        let in_import = diags.items()[first..].iter().any(|d| match d.location {
            crate::diag::Location::Text { line, .. } => import.iter().any(|r| r.contains(&line)),
            _ => true,
        });
        (if in_import { None } else { Some(config) }, false)
    }
}

/// The `language` a kam.toml's text sets, read line by line (also when the file does not parse).
pub fn language_in(text: &str) -> Option<Language> {
    text.lines().find_map(|l| match l.split('#').next().unwrap_or("").replace([' ', '\t'], "").as_str() {
        "language=\"de\"" | "language='de'" => Some(Language::De),
        "language=\"en\"" | "language='en'" => Some(Language::En),
        _ => None,
    })
}

/// The language of the workspace that `dir` (or the folder found upwards) holds, for the
/// messages of a command before the workspace is loaded.
pub fn workspace_language(dir: Option<&Path>) -> Option<Language> {
    let root = crate::workspace::find_root(dir).ok()?;
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).ok()?;
    language_in(&text)
}

/// The lines (1-based) of the `[import]` tables of a kam.toml.
fn import_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('[') {
            let is_import = t.trim_start_matches('[').trim_start().starts_with("import");
            match (open, is_import) {
                (Some(start), false) => {
                    ranges.push(start..i + 1);
                    open = None;
                }
                (None, true) => open = Some(i + 1),
                _ => {}
            }
        } else if open.is_none() && t.starts_with("import") {
            // A dotted key at the top: `import.delimiter = ";"`.
            ranges.push(i + 1..i + 2);
        }
    }
    if let Some(start) = open {
        ranges.push(start..usize::MAX);
    }
    ranges
}

fn resolve(raw: RawConfig, folder: &str, path: &Path, text: &str, diags: &mut Diagnostics) -> Config {
    let at = |span: std::ops::Range<usize>| text_location(path, text, span.start);
    let mut error = |span: std::ops::Range<usize>, msg: crate::messages::Message| {
        diags.push(Diagnostic::error(at(span), msg));
    };

    let w = raw.workspace;
    let language = match w.language.get_ref().as_str() {
        "en" => Language::En,
        "de" => Language::De,
        other => {
            error(
                w.language.span(),
                crate::msg!("unknown language \"{other}\"; expected \"en\" or \"de\"", other = other),
            );
            Language::En
        }
    };
    let dir_span = w.accounts_dir.span();
    let accounts_dir_at = (!dir_span.is_empty()).then(|| at(dir_span));
    let vat_rate = w.vat_rate.as_ref().map(|v| v.get_ref().value());
    if let (Some(v), Some(rate)) = (&w.vat_rate, vat_rate)
        && !(Decimal::ZERO..=Decimal::ONE).contains(&rate)
    {
        error(
            v.span(),
            crate::msg!(
                "vat_rate must be a fraction from 0 to 1 (0.19 for 19 %), found {rate}",
                rate = rate.to_string()
            ),
        );
    }
    if w.currency.get_ref().trim().is_empty() {
        error(w.currency.span(), crate::msg!("`currency` must not be empty"));
    }

    let i = raw.import;
    let delimiter = match i.delimiter.get_ref().as_str() {
        "auto" => Delimiter::Auto,
        "tab" | "\t" => Delimiter::Byte(b'\t'),
        s if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Delimiter::Byte(s.as_bytes()[0])
        }
        s => {
            error(
                i.delimiter.span(),
                crate::msg!(
                    "delimiter \"{s}\" is not one ASCII character; expected e.g. \",\", \";\", \"tab\" or \"auto\"",
                    s = s
                ),
            );
            Delimiter::Byte(b',')
        }
    };
    let decimal_mark = match i.decimal_mark.get_ref().as_str() {
        "." => DecimalMark::Point,
        "," => DecimalMark::Comma,
        s => {
            error(
                i.decimal_mark.span(),
                crate::msg!("decimal_mark \"{s}\" is neither \".\" nor \",\"", s = s),
            );
            DecimalMark::Point
        }
    };
    if let Delimiter::Byte(d) = delimiter
        && d == decimal_mark.mark()
    {
        let span = if i.delimiter.span().is_empty() { i.decimal_mark.span() } else { i.delimiter.span() };
        error(
            span,
            crate::msg!(
                "the delimiter (\",\" unless set) and the decimal mark are both \"{d}\", so 1{d}5 could be one amount or two cells; exports with a decimal comma are mostly separated by \";\"",
                d = d as char
            ),
        );
    }
    let date_format = match DateFormat::new(i.date_format.get_ref()) {
        Ok(f) => f,
        Err(msg) => {
            error(i.date_format.span(), msg);
            DateFormat::new("%Y-%m-%d").expect("the default date format")
        }
    };
    let encoding = match i.encoding.get_ref().to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => Encoding::Utf8,
        "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" => Encoding::Windows1252,
        s => {
            error(
                i.encoding.span(),
                crate::msg!("unknown encoding \"{s}\"; expected \"utf-8\" or \"windows-1252\"", s = s),
            );
            Encoding::Utf8
        }
    };
    if let Some(spanned) = &i.columns {
        let columns = spanned.get_ref();
        if columns.date.is_none() || columns.customer.is_none() {
            error(spanned.span(), crate::msg!("[import.columns] must map `date` and `customer`"));
        }
        let mapped = columns.fields();
        for (k, (field, header)) in mapped.iter().enumerate() {
            if let Some((other, _)) =
                mapped[..k].iter().find(|(_, h)| h.trim().to_lowercase() == header.trim().to_lowercase())
            {
                error(
                    spanned.span(),
                    crate::msg!(
                        "[import.columns] maps both `{other}` and `{field}` to the column \"{header}\"; each field needs its own column",
                        other = other.to_string(),
                        field = field.to_string(),
                        header = header.to_string()
                    ),
                );
            }
        }
        if columns.revenue.is_none() && (columns.quantity.is_none() || columns.unit_price.is_none()) {
            error(
                spanned.span(),
                crate::msg!("[import.columns] must map `revenue`, or `quantity` and `unit_price`"),
            );
        }
    }

    let months = *raw.retention.inactive_after_months.get_ref();
    let window_months = if (1..=120).contains(&months) {
        months as u32
    } else {
        error(
            raw.retention.inactive_after_months.span(),
            crate::msg!(
                "inactive_after_months must be a whole number of months from 1 to 120, found {months}",
                months = months.to_string()
            ),
        );
        3
    };

    let mut amount = |v: &Option<Spanned<Amount>>, name: &str, max: Option<Decimal>, default: Decimal| {
        let Some(v) = v else { return default };
        let x = v.get_ref().value();
        if x < Decimal::ZERO || max.is_some_and(|m| x > m) {
            let message = match max {
                Some(m) => crate::msg!(
                    "{name} must be from 0 to {max}, found {x}",
                    name = name,
                    max = m.to_string(),
                    x = x.to_string()
                ),
                None => crate::msg!("{name} must be 0 or more, found {x}", name = name, x = x.to_string()),
            };
            error(v.span(), message);
        }
        x
    };
    let one = Some(Decimal::ONE);
    let m = &raw.margin;
    let margin = MarginSettings {
        cost_per_order: amount(&m.cost_per_order, "cost_per_order", None, Decimal::ZERO),
        cost_per_visit: amount(&m.cost_per_visit, "cost_per_visit", None, Decimal::ZERO),
        return_handling_rate: amount(&m.return_handling_rate, "return_handling_rate", one, Decimal::ZERO),
        overhead_rate: amount(&m.overhead_rate, "overhead_rate", one, Decimal::ZERO),
        default_cost_rate: m
            .default_cost_rate
            .as_ref()
            .map(|_| amount(&m.default_cost_rate, "default_cost_rate", Some(Decimal::TEN), Decimal::ZERO)),
    };
    let radar_defaults = RadarSettings::default();
    let r = &raw.radar;
    let d = &radar_defaults;
    let radar_amounts = (
        amount(&r.credit_share, "[radar] credit_share", Some(Decimal::TEN), d.credit_share),
        amount(&r.satisfaction_drop, "[radar] satisfaction_drop", Some(Decimal::TEN), d.satisfaction_drop),
        amount(&r.satisfaction_low, "[radar] satisfaction_low", Some(Decimal::TEN), d.satisfaction_low),
        amount(&r.revenue_drop, "[radar] revenue_drop", one, d.revenue_drop),
        amount(&r.gap_factor, "[radar] gap_factor", Some(Decimal::ONE_HUNDRED), d.gap_factor),
        amount(&r.goal_share, "[radar] goal_share", Some(Decimal::TEN), d.goal_share),
    );
    let a = amount(&raw.abc.a, "[abc] a", one, Decimal::new(80, 2));
    let b = amount(&raw.abc.b, "[abc] b", one, Decimal::new(95, 2));
    if a > b {
        let span = raw.abc.b.as_ref().map_or(0..0, |v| v.span());
        error(
            span,
            crate::msg!("[abc] b ({b}) must not be below a ({a})", b = b.to_string(), a = a.to_string()),
        );
    }

    let radar = {
        let mut days = |v: &Option<Spanned<Amount>>, name: &str, default: u32, max: u32| -> u32 {
            let Some(v) = v else { return default };
            let x = v.get_ref().value();
            let whole = x.fract().is_zero().then(|| x.trunc().to_string().parse::<u32>().ok()).flatten();
            match whole.filter(|n| (1..=max).contains(n)) {
                Some(n) => n,
                None => {
                    error(
                        v.span(),
                        crate::msg!(
                            "[radar] {name} must be a whole number from 1 to {max}, found {x}",
                            name = name,
                            max = max.to_string(),
                            x = x.to_string()
                        ),
                    );
                    default
                }
            }
        };
        let (credit_share, satisfaction_drop, satisfaction_low, revenue_drop, gap_factor, goal_share) =
            radar_amounts;
        RadarSettings {
            days: days(&r.days, "days", d.days, 366),
            complaint_days: days(&r.complaint_days, "complaint_days", d.complaint_days, 3650),
            contact_days: days(&r.contact_days, "contact_days", d.contact_days, 3650),
            price_days_ahead: days(&r.price_days_ahead, "price_days_ahead", d.price_days_ahead, 3650),
            price_days_past: days(&r.price_days_past, "price_days_past", d.price_days_past, 3650),
            below_minimum_days: days(&r.below_minimum_days, "below_minimum_days", d.below_minimum_days, 3650),
            gap_months: days(&r.gap_months, "gap_months", d.gap_months, 120),
            min_order_days: days(&r.min_order_days, "min_order_days", d.min_order_days, 1000),
            inactive_months: days(&r.inactive_months, "inactive_months", d.inactive_months, 120),
            risk_score: days(&r.risk_score, "risk_score", d.risk_score, 100),
            credit_share,
            satisfaction_drop,
            satisfaction_low,
            revenue_drop,
            gap_factor,
            goal_share,
        }
    };

    Config {
        name: w.name.unwrap_or_else(|| folder.to_string()),
        radar,
        currency: w.currency.into_inner(),
        vat_rate,
        language,
        accounts_dir: w.accounts_dir.into_inner(),
        accounts_dir_at,
        sales_default: w.sales.is_none(),
        sales: w.sales.unwrap_or_else(|| DEFAULT_SALES.iter().map(|s| s.to_string()).collect()),
        import: ImportSettings {
            delimiter,
            decimal_mark,
            date_format,
            encoding,
            columns: i.columns.map(Spanned::into_inner),
            default_cost_rate: margin.default_cost_rate,
        },
        window_months,
        margin,
        abc: AbcLimits { a, b },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Option<Config>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kam.toml");
        std::fs::write(&path, text).unwrap();
        let mut diags = Diagnostics::new();
        let config = Config::load(&path, "demo", &mut diags);
        let prefix = format!("{}", path.display());
        let messages = diags.items().iter().map(|d| d.to_string().replace(&prefix, "kam.toml")).collect();
        (config, messages)
    }

    #[test]
    fn defaults_apply_to_an_empty_file() {
        let (config, messages) = load("");
        assert!(messages.is_empty(), "{messages:?}");
        let c = config.unwrap();
        assert_eq!(c.name, "demo");
        assert_eq!(c.currency, "EUR");
        assert_eq!(c.sales, vec!["sales/*.csv".to_string(), "sales/*.csv.gz".to_string()]);
        assert!(c.sales_default);
        assert_eq!(c.window_months, 3);
        assert_eq!(c.abc, AbcLimits { a: Decimal::new(80, 2), b: Decimal::new(95, 2) });
        assert_eq!(c.import.delimiter, Delimiter::Byte(b','));
        assert_eq!(c.margin.default_cost_rate, None);
    }

    #[test]
    fn german_import_settings() {
        let (config, messages) = load(
            "[import]\ndelimiter = \";\"\ndecimal_mark = \",\"\ndate_format = \"%d.%m.%Y\"\nencoding = \"windows-1252\"\n[margin]\ndefault_cost_rate = 0.6\n",
        );
        assert!(messages.is_empty(), "{messages:?}");
        let c = config.unwrap();
        assert_eq!(c.import.delimiter, Delimiter::Byte(b';'));
        assert_eq!(c.import.decimal_mark, DecimalMark::Comma);
        assert_eq!(c.import.encoding, Encoding::Windows1252);
        assert_eq!(c.margin.default_cost_rate, Some(Decimal::new(6, 1)));
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        let (config, messages) = load("[workspace]\nnmae = \"x\"\n");
        assert!(config.is_none());
        assert_eq!(messages, vec!["kam.toml:2:1: error: unknown key `nmae`; did you mean `name`?"]);
    }

    #[test]
    fn bad_values_are_each_reported() {
        let (config, messages) = load(
            "[import]\ndecimal_mark = \";\"\nencoding = \"latin-2\"\n[retention]\ninactive_after_months = 0\n[abc]\na = 0.9\nb = 0.8\n",
        );
        assert!(config.is_none());
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].starts_with("kam.toml:2:16: error: decimal_mark"), "{messages:?}");
        assert!(messages[3].contains("must not be below a"), "{messages:?}");
    }
}
