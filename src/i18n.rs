//! Labels of Markdown output in the workspace language (`en` or `de`).

use crate::config::Language;

/// The label of `key` in `language`; an unknown key is shown as it is.
pub fn label(language: Language, key: &str) -> String {
    let (en, de) = match key {
        // Groups and periods.
        "account" => ("Account", "Kunde"),
        "customer" => ("Customer", "Kundennummer"),
        "owner" => ("Owner", "KAM"),
        "category" => ("Category", "Warengruppe"),
        "product" => ("Product", "Artikel"),
        "period" => ("Period", "Zeitraum"),
        "period_month" => ("by month", "je Monat"),
        "period_quarter" => ("by quarter", "je Quartal"),
        "period_year" => ("by year", "je Jahr"),
        "period_all" => ("one period", "ein Zeitraum"),
        "name" => ("Name", "Name"),
        "segment" => ("Segment", "Segment"),
        "total" => ("Total", "Summe"),
        // Contribution margin (SPEC 3.1).
        "gross_revenue" => ("Gross revenue", "Bruttoumsatz"),
        "deductions" => ("Deductions", "Erlösschmälerungen"),
        "net_revenue" => ("Net revenue", "Nettoumsatz"),
        "variable_costs" => ("Variable costs", "Variable Kosten"),
        "db1" => ("DB I", "DB I"),
        "direct_costs" => ("Direct costs", "Kundenkosten"),
        "db2" => ("DB II", "DB II"),
        "overhead" => ("Overhead", "Gemeinkosten"),
        "db3" => ("DB III", "DB III"),
        "db1_rate" => ("DB I %", "DB I %"),
        "db2_rate" => ("DB II %", "DB II %"),
        "db3_rate" => ("DB III %", "DB III %"),
        "quantity" => ("Quantity", "Menge"),
        "orders" => ("Orders", "Aufträge"),
        "returns" => ("Returns", "Retouren"),
        // Accounts and ABC.
        "net_revenue_12m" => ("Net revenue, last 12 months", "Nettoumsatz letzte 12 Monate"),
        "net_revenue_prev_12m" => ("Previous 12 months", "Vorjahreszeitraum"),
        "change" => ("Change", "Veränderung"),
        "class" => ("Class", "Klasse"),
        "last_meeting" => ("Last meeting", "Letzter Kontakt"),
        "complaints_open" => ("Open complaints", "Offene Reklamationen"),
        "next_review" => ("Next review", "Nächstes Jahresgespräch"),
        "id" => ("Id", "Nummer"),
        "share" => ("Share", "Anteil"),
        "cumulative_share" => ("Cumulative share", "Kumulierter Anteil"),
        "in_account" => ("Key account", "Schlüsselkunde"),
        // Report titles and sections.
        "margin_title" => ("Contribution margins", "Deckungsbeitragsrechnung"),
        "accounts_title" => ("Key accounts", "Schlüsselkunden"),
        "abc_title" => ("ABC analysis", "ABC-Analyse"),
        "candidates" => ("Key-account candidates", "Kandidaten für das Key Account Management"),
        "definitions" => ("Definitions and settings", "Definitionen und Einstellungen"),
        "source" => ("Source", "Quelle"),
        "range" => ("Range", "Zeitraum"),
        "by" => ("Grouped by", "Gruppiert nach"),
        _ => return key.to_string(),
    };
    match language {
        Language::En => en.to_string(),
        Language::De => de.to_string(),
    }
}
