//! `kam risk` and `kam risk --backtest`: the ranking with its components and the measured
//! predictive power, as Markdown, CSV and JSON.

use super::tr;
use crate::config::Language;
use crate::markdown::inline;
use crate::money::Decimal;
use crate::render::{Block, Column, Document, Style, Table, Value};
use crate::risk::report::{Averages, Backtest, RiskReport, RiskRow, RiskUnit, Signals};
use crate::risk::score::Components;
use serde_json::{Value as Json, json};

fn col(key: &str, label: String) -> Column {
    Column { key: key.to_string(), label }
}

/// A measured value as a decimal rounded to `places` (the layout's choice of precision), with
/// kam's rounding.
fn decimal(v: Option<f64>, places: u32) -> Option<Decimal> {
    v.filter(|v| v.is_finite())
        .and_then(|v| Decimal::try_from(v).ok())
        .map(|d| d.round_dp_with_strategy(places, crate::money::ROUNDING))
}

/// Points as shown, rounded to whole points: "1 point", "31 points"; "1 Punkt", "31 Punkte".
pub(crate) fn points_count(language: Language, v: f64) -> String {
    let Some(d) = decimal(Some(v), 0) else { return tr(language, "– points", "– Punkte") };
    let word = match (language, d.abs() == Decimal::ONE) {
        (Language::En, true) => "point",
        (Language::En, false) => "points",
        (Language::De, true) => "Punkt",
        (Language::De, false) => "Punkte",
    };
    format!("{} {word}", Style::new(language).number(d, 0))
}

fn unit_label(language: Language, by: RiskUnit) -> String {
    match by {
        RiskUnit::Customer => crate::i18n::label(language, "customer"),
        RiskUnit::Account => crate::i18n::label(language, "account"),
    }
}

/// An AUC as a percentage to one place ("76,8 %").
fn auc_text(style: &Style, v: Option<f64>) -> String {
    decimal(v, 3).map_or("–".to_string(), |d| style.percent(d))
}

/// The best of the three baselines: its name and average AUC.
fn best_baseline(language: Language, a: &Averages) -> Option<(String, f64)> {
    [
        (tr(language, "days since the last order", "Tage seit dem letzten Auftrag"), a.recency),
        (tr(language, "BG/NBD expected orders alone", "BG/NBD-Erwartung allein"), a.bgnbd),
        (tr(language, "the W-month rule", "die W-Monats-Regel"), a.window_rule),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.map(|v| (name, v)))
    .max_by(|x, y| x.1.total_cmp(&y.1))
}

/// The signals of a key account's dossier as a sentence; `None` when there are none to tell.
fn signals_text(language: Language, style: &Style, s: &Signals) -> String {
    let mut parts = Vec::new();
    // "1 Tag", "3 Tagen" (dative), "1 day", "3 days".
    let days = |n: i64, dative: bool| match (language, n.abs() == 1) {
        (Language::En, true) => format!("{n} day"),
        (Language::En, false) => format!("{n} days"),
        (Language::De, true) => format!("{n} Tag"),
        (Language::De, false) if dative => format!("{n} Tagen"),
        (Language::De, false) => format!("{n} Tage"),
    };
    if s.open_complaints > 0 {
        let oldest = days(s.oldest_complaint_days.unwrap_or_default(), true);
        parts.push(match (language, s.open_complaints) {
            (Language::En, 1) => format!("1 open complaint ({oldest} old)"),
            (Language::En, n) => format!("{n} open complaints (the oldest {oldest} old)"),
            (Language::De, 1) => format!("1 offene Reklamation (seit {oldest})"),
            (Language::De, n) => format!("{n} offene Reklamationen (die älteste seit {oldest})"),
        });
    } else {
        parts.push(tr(language, "no open complaint", "keine offene Reklamation"));
    }
    let score = |v: Decimal| {
        let v = v.normalize();
        style.number(v, v.scale().min(1))
    };
    match s.satisfaction {
        Some((latest, Some(before))) => parts.push(tr(
            language,
            &format!("satisfaction {}/10 → {}/10", score(before), score(latest)),
            &format!("Zufriedenheit {}/10 → {}/10", score(before), score(latest)),
        )),
        Some((latest, None)) => parts.push(tr(
            language,
            &format!("satisfaction {}/10", score(latest)),
            &format!("Zufriedenheit {}/10", score(latest)),
        )),
        None => parts.push(tr(language, "no satisfaction score", "keine Zufriedenheitsbewertung")),
    }
    parts.push(match (s.has_decision_maker, s.decision_maker_days) {
        (false, _) => tr(language, "no decision-maker in the dossier", "kein Entscheider im Dossier"),
        (true, None) => tr(language, "no decision-maker met yet", "noch kein Entscheider getroffen"),
        (true, Some(d)) => tr(
            language,
            &format!("a decision-maker last met {} ago", days(d, false)),
            &format!("Entscheider zuletzt vor {} getroffen", days(d, true)),
        ),
    });
    if let Some(d) = s.dso_over_terms {
        parts.push(match d {
            d if d > 0 => tr(
                language,
                &format!("DSO {} over the payment terms", days(d, false)),
                &format!("DSO {} über dem Zahlungsziel", days(d, false)),
            ),
            0 => tr(language, "DSO at the payment terms", "DSO genau im Zahlungsziel"),
            d => tr(
                language,
                &format!("DSO within the payment terms ({} to spare)", days(-d, false)),
                &format!("DSO im Zahlungsziel ({} Luft)", days(-d, false)),
            ),
        });
    }
    parts.join("; ")
}

/// "31 + 28 + 30": the points of the expected orders, the frequency and the days since (without
/// a model "– + 28 + 30").
fn points_text(style: &Style, ranks: &Components) -> String {
    let (e, f, r) = ranks.points();
    let n = |v: f64| style.number(decimal(Some(v), 0).unwrap_or_default(), 0);
    format!("{} + {} + {}", e.map_or("–".to_string(), n), n(f), n(r))
}

/// The unit's name as shown: the customer number (with its account), or the account's name.
fn unit_text(by: RiskUnit, r: &RiskRow) -> String {
    match (by, &r.name) {
        (RiskUnit::Account, Some(name)) => inline(name).into_owned(),
        (RiskUnit::Customer, Some(name)) => format!("{} ({})", inline(&r.id), inline(name)),
        _ => inline(&r.id).into_owned(),
    }
}

/// `kam risk` as a document.
pub fn risk_document(report: &RiskReport, language: Language, workspace: &str) -> Document<'static> {
    let style = Style::new(language);
    let unit = unit_label(language, report.by);
    let mut blocks = vec![Block::Heading(
        1,
        format!("{} — {}", tr(language, "Churn risk", "Abwanderungsrisiko"), inline(workspace)),
    )];
    let (en, de) = match report.by {
        RiskUnit::Customer => (("customer", "customers"), ("Kunde", "Kunden")),
        RiskUnit::Account => (("key account", "key accounts"), ("Schlüsselkunde", "Schlüsselkunden")),
    };
    let (many_en, many_de) = (en.1, de.1);
    let count = super::plural(language, report.rows.len() as u64, en, de);
    let mut facts = vec![tr(
        language,
        &format!(
            "As of {} (the exports up to {}); ranked: {count} with an order in the 24 months up to {}",
            style.month(report.at),
            style.date(report.end),
            style.month(report.at),
        ),
        &format!(
            "Stand {} (Exporte bis {}); bewertet: {count} mit einem Auftrag in den 24 Monaten bis {}",
            style.month(report.at),
            style.date(report.end),
            style.month(report.at),
        ),
    )];
    let m = &report.model;
    facts.push(if m.converged {
        let p = &m.params;
        let n = |v: f64, places: u32| decimal(Some(v), places).map_or("–".to_string(), |d| style.number(d, places));
        let fitted = super::plural(language, m.customers as u64, ("customer", "customers"), ("Kunden", "Kunden"));
        tr(
            language,
            &format!(
                "Model: BG/NBD fitted on {fitted}: r = {}, α = {} days, a = {}, b = {}",
                n(p.r, 4),
                n(p.alpha, 2),
                n(p.a, 4),
                n(p.b, 4)
            ),
            &format!(
                "Modell: BG/NBD, geschätzt an {fitted}: r = {}, α = {} Tage, a = {}, b = {}",
                n(p.r, 4),
                n(p.alpha, 2),
                n(p.a, 4),
                n(p.b, 4)
            ),
        )
    } else {
        tr(
            language,
            "Model: the BG/NBD fit did not converge on these exports (or degenerated); the score is made of the order days and the days since the last order alone",
            "Modell: Die BG/NBD-Schätzung konvergiert auf diesen Exporten nicht (oder entartet); der Risikowert besteht allein aus den Auftragstagen und den Tagen seit dem letzten Auftrag",
        )
    });
    facts.push(match &report.measured {
        Some((a, cutoffs)) if a.score.is_some() => {
            let best = best_baseline(language, a);
            let (name, value) = best.map_or(("–".to_string(), None), |(n, v)| (n, Some(v)));
            let cutoffs =
                super::plural(language, *cutoffs as u64, ("cut-off", "cut-offs"), ("Stichtag", "Stichtage"));
            tr(
                language,
                &format!(
                    "Measured on these exports (backtest, 6 months ahead, {cutoffs}): AUC of the score {}, of the best baseline ({name}) {}; 50 % is chance, 100 % a perfect ranking (`kam risk --backtest`)",
                    auc_text(&style, a.score),
                    auc_text(&style, value)
                ),
                &format!(
                    "Gemessen auf diesen Exporten (Rückschau, 6 Monate voraus, {cutoffs}): AUC des Risikowerts {}, des besten Vergleichsmaßes ({name}) {}; 50 % ist Zufall, 100 % eine fehlerfreie Rangfolge (`kam risk --backtest`)",
                    auc_text(&style, a.score),
                    auc_text(&style, value)
                ),
            )
        }
        Some(_) => tr(
            language,
            "Not measured: at no cut-off of the backtest did some customers stop buying and others not",
            "Nicht gemessen: An keinem Stichtag der Rückschau gab es zugleich Kunden, die aufhörten zu kaufen, und solche, die weiter kauften",
        ),
        None => tr(
            language,
            "Not measured: a backtest needs 12 months of exports before a cut-off and 6 after it",
            "Nicht gemessen: Eine Rückschau braucht 12 Monate Exporte vor einem Stichtag und 6 danach",
        ),
    });
    blocks.push(Block::Bullets(facts));

    blocks.push(Block::Heading(2, tr(language, "Ranking", "Rangfolge")));
    if report.rows.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            &format!("_No {many_en} with an order in the 24 months._"),
            &format!("_Keine {many_de} mit einem Auftrag in den 24 Monaten._"),
        )));
    } else {
        let rows: Vec<Vec<Value>> = report
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let rhythm = match r.median_gap_days {
                    Some(g) => format!("{} ({})", r.days_since_last, style.number(g.round_dp(0), 0)),
                    None => format!("{} (–)", r.days_since_last),
                };
                vec![
                    Value::Count(i as u64 + 1),
                    Value::Markup(unit_text(report.by, r)),
                    Value::Number(decimal(Some(r.score), 0)),
                    Value::Markup(points_text(&style, &r.ranks)),
                    Value::Date(Some(r.last_order)),
                    Value::Count(r.order_days),
                    Value::Markup(rhythm),
                    Value::Rate(decimal(r.p_alive, 3)),
                    Value::Number(decimal(r.expected_orders_6m, 1)),
                    Value::Change(r.trend.map(|t| t.round_dp(3))),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            columns: vec![
                col("rank", tr(language, "Rank", "Rang")),
                col("id", unit.clone()),
                col("score", tr(language, "Risk", "Risiko")),
                col("components", tr(language, "Points E + F + D", "Punkte E + H + T")),
                col("last_order", tr(language, "Last order", "Letzter Auftrag")),
                col("order_days", tr(language, "Order days", "Auftragstage")),
                col("days_since_last", tr(language, "Days since (rhythm)", "Tage seit (Rhythmus)")),
                col("p_alive", tr(language, "P(active)", "P(aktiv)")),
                col(
                    "expected_orders_6m",
                    tr(language, "Expected order days, 6 m.", "Erw. Auftragstage 6 M."),
                ),
                col("trend", tr(language, "Revenue 6 m. vs. 6 before", "Umsatz 6 M. ggü. 6 davor")),
            ],
            rows: rows.into(),
            total: None,
        }));
    }

    // The dossiers' signals of the key accounts ranked.
    let mut seen: Vec<&str> = Vec::new();
    let mut signals = Vec::new();
    for r in &report.rows {
        let (Some(account), Some(s)) = (r.account.as_deref(), r.signals.as_ref()) else { continue };
        if seen.contains(&account) {
            continue;
        }
        seen.push(account);
        let name = r.name.as_deref().unwrap_or(account);
        signals.push(format!(
            "**{}** (`{}`, {}): {}",
            inline(name),
            account.replace('`', ""),
            tr(
                language,
                &format!("risk {}", style.number(decimal(Some(r.score), 0).unwrap_or_default(), 0)),
                &format!("Risiko {}", style.number(decimal(Some(r.score), 0).unwrap_or_default(), 0)),
            ),
            signals_text(language, &style, s)
        ));
    }
    if !signals.is_empty() {
        blocks.push(Block::Heading(2, tr(language, "Signals from the dossiers", "Signale aus den Dossiers")));
        blocks.push(Block::Bullets(signals));
    }

    blocks.push(Block::Heading(2, crate::i18n::label(language, "definitions")));
    blocks.push(Block::Bullets(definitions(language, &style, report)));
    Document { blocks, csv_table: Some(csv_table(report, language)) }
}

fn definitions(language: Language, style: &Style, report: &RiskReport) -> Vec<String> {
    let trend = match report.trend_to {
        Some(to) => tr(
            language,
            &format!(
                "Revenue trend: net revenue of {} against {} (the 6 months up to the cut-off, or up to the last month the exports cover completely, against the 6 before).",
                style.months(to - 5, to),
                style.months(to - 11, to - 6)
            ),
            &format!(
                "Umsatztrend: Nettoumsatz {} gegenüber {} (die 6 Monate bis zum Stichtag oder bis zum letzten Monat, den die Exporte ganz abdecken, gegenüber den 6 davor).",
                style.months(to - 5, to),
                style.months(to - 11, to - 6)
            ),
        ),
        None => tr(
            language,
            "Revenue trend (net revenue of the last 6 whole months against the 6 before): “–”, the exports do not reach back over those 12 months.",
            "Umsatztrend (Nettoumsatz der letzten 6 vollen Monate gegenüber den 6 davor): „–“, die Exporte reichen nicht über diese 12 Monate zurück.",
        ),
    };
    vec![
        tr(
            language,
            "Risk = 100 × the mean of the ranks of the expected order days of the next 6 months (fewer: riskier), of the order days so far (fewer: riskier) and of the days since the last order (more: riskier); without a converged model, the mean of the last two ranks. Each rank is the place among all customers with an order in the 24 months, from 0 (safest) to 1 (riskiest), so that 100 is the riskiest customer. A key account is placed among the customers with the order days of all its customer numbers together.",
            "Risiko = 100 × der Mittelwert der Ränge der erwarteten Auftragstage der nächsten 6 Monate (weniger: riskanter), der bisherigen Auftragstage (weniger: riskanter) und der Tage seit dem letzten Auftrag (mehr: riskanter); ohne konvergierte Schätzung der Mittelwert der beiden letzten Ränge. Jeder Rang ist der Platz unter allen Kunden mit einem Auftrag in den 24 Monaten, von 0 (am sichersten) bis 1 (am riskantesten), 100 ist also der riskanteste Kunde. Ein Schlüsselkunde wird mit den Auftragstagen all seiner Kundennummern zusammen unter den Kunden eingeordnet.",
        ),
        tr(
            language,
            "Expected order days and P(active): the BG/NBD model (Fader, Hardie & Lee 2005), fitted by maximum likelihood on every customer's order days up to the cut-off (time in days; an order day is a day whose rows of the customer add up to a positive net revenue, several orders on one day count once, an order cancelled the same day not at all). Without a converged fit the score does without the expected order days. The model counts a customer with a single order day as active (it can only drop out after a repeat order); the days since the last order rank such a customer all the same.",
            "Erwartete Auftragstage und P(aktiv): das BG/NBD-Modell (Fader, Hardie & Lee 2005), per Maximum Likelihood an den Auftragstagen aller Kunden bis zum Stichtag geschätzt (Zeit in Tagen; ein Auftragstag ist ein Tag, dessen Zeilen des Kunden zusammen einen positiven Nettoumsatz ergeben; mehrere Aufträge an einem Tag zählen einmal, ein am selben Tag stornierter gar nicht). Ohne konvergierte Schätzung kommt der Risikowert ohne die erwarteten Auftragstage aus. Das Modell hält einen Kunden mit nur einem Auftragstag für aktiv (abwandern kann er erst nach einem Folgeauftrag); die Tage seit dem letzten Auftrag ordnen ihn trotzdem ein.",
        ),
        tr(
            language,
            "Points E + F + D: each rank's share of the risk (E the expected order days, “–” without a converged model; F the frequency; D the days since the last order); they add up to the risk.",
            "Punkte E + H + T: der Anteil jedes Rangs am Risiko (E die erwarteten Auftragstage, „–“ ohne konvergierte Schätzung; H die Häufigkeit; T die Tage seit dem letzten Auftrag); zusammen ergeben sie das Risiko.",
        ),
        tr(
            language,
            "Order days: all of them up to the cut-off, also those before the 24 months (as the model counts them). Rhythm: the median gap in days between the order days of the 24 months; days since: counted to the exports' last day.",
            "Auftragstage: alle bis zum Stichtag, auch die vor den 24 Monaten (wie das Modell sie zählt). Rhythmus: der Median der Abstände in Tagen zwischen den Auftragstagen der 24 Monate; Tage seit: gezählt bis zum letzten Tag der Exporte.",
        ),
        trend,
        tr(
            language,
            "The dossiers' signals (complaints, satisfaction, decision-makers, DSO) are shown beside the score, not in it: the exports cannot test them.",
            "Die Signale der Dossiers (Reklamationen, Zufriedenheit, Entscheider, DSO) stehen neben dem Risikowert, nicht in ihm: an den Exporten lassen sie sich nicht prüfen.",
        ),
        auc_definition(language),
    ]
}

fn auc_definition(language: Language) -> String {
    tr(
        language,
        "AUC (ROC): the probability that a customer who then stopped buying ranks above one who did not (ties count half), shown as a percentage: 50 % is chance, 100 % a perfect ranking. A customer counts as churned when it has no order in the months after the cut-off.",
        "AUC (ROC): die Wahrscheinlichkeit, dass ein Kunde, der danach nicht mehr kaufte, vor einem eingeordnet ist, der weiter kaufte (Gleichstand zählt zur Hälfte), in Prozent: 50 % ist Zufall, 100 % eine fehlerfreie Rangfolge. Als abgewandert zählt ein Kunde ohne Auftrag in den Monaten nach dem Stichtag.",
    )
}

fn csv_table(report: &RiskReport, language: Language) -> Table<'static> {
    let rows: Vec<Vec<Value>> = report
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Value::Count(i as u64 + 1),
                Value::Text(r.id.clone()),
                Value::Text(r.account.clone().unwrap_or_default()),
                Value::Text(r.owner.clone().unwrap_or_default()),
                Value::Number(decimal(Some(r.score), 2)),
                Value::Number(decimal(r.ranks.points().0, 2)),
                Value::Number(decimal(Some(r.ranks.points().1), 2)),
                Value::Number(decimal(Some(r.ranks.points().2), 2)),
                Value::Date(Some(r.last_order)),
                Value::Count(r.order_days),
                Value::Number(r.median_gap_days),
                Value::Number(Some(Decimal::from(r.days_since_last))),
                Value::Number(decimal(r.p_alive, 4)),
                Value::Number(decimal(r.expected_orders_6m, 4)),
                Value::Change(r.trend),
            ]
        })
        .collect();
    Table {
        columns: vec![
            col("rank", tr(language, "Rank", "Rang")),
            col("id", unit_label(language, report.by)),
            col("account", crate::i18n::label(language, "account")),
            col("owner", crate::i18n::label(language, "owner")),
            col("score", tr(language, "Risk (0–100)", "Risiko (0–100)")),
            col("expected_points", tr(language, "Points: expected", "Punkte Erwartung")),
            col("frequency_points", tr(language, "Points: frequency", "Punkte Häufigkeit")),
            col("recency_points", tr(language, "Points: days since", "Punkte Tage seit")),
            col("last_order", tr(language, "Last order", "Letzter Auftrag")),
            col("order_days", tr(language, "Order days", "Auftragstage")),
            col("median_gap_days", tr(language, "Median gap (days)", "Median-Abstand (Tage)")),
            col("days_since_last", tr(language, "Days since the last order", "Tage seit letztem Auftrag")),
            col("p_alive", tr(language, "P(active)", "P(aktiv)")),
            col(
                "expected_orders_6m",
                tr(language, "Expected order days, 6 months", "Erw. Auftragstage 6 Monate"),
            ),
            col("trend", tr(language, "Revenue 6 m. vs. 6 before", "Umsatz 6 M. ggü. 6 davor")),
        ],
        rows: rows.into(),
        total: None,
    }
}

fn finite(v: Option<f64>) -> Json {
    v.filter(|v| v.is_finite()).map_or(Json::Null, |v| json!(v))
}

fn signals_json(s: &Signals) -> Json {
    json!({
        "open_complaints": s.open_complaints,
        "oldest_complaint_days": s.oldest_complaint_days,
        "satisfaction": s.satisfaction.map(|x| x.0.normalize().to_string()),
        "satisfaction_before": s.satisfaction.and_then(|x| x.1).map(|d| d.normalize().to_string()),
        "has_decision_maker": s.has_decision_maker,
        "decision_maker_days": s.decision_maker_days,
        "dso_over_terms_days": s.dso_over_terms,
    })
}

fn averages_json(a: &Averages) -> Json {
    json!({
        "score": finite(a.score),
        "recency": finite(a.recency),
        "bgnbd": finite(a.bgnbd),
        "window_rule": finite(a.window_rule),
    })
}

/// `kam risk --format json`.
pub fn risk_json(report: &RiskReport) -> Json {
    let m = &report.model;
    let [r, alpha, a, b] = crate::risk::report::finite(&m.params);
    json!({
        "by": match report.by { RiskUnit::Customer => "customer", RiskUnit::Account => "account" },
        "at": report.at.to_string(),
        "end": report.end.to_string(),
        "trend_to": report.trend_to.map(|m| m.to_string()),
        "model": {
            "r": r, "alpha": alpha, "a": a, "b": b,
            "time_unit": "day",
            "customers": m.customers,
            "converged": m.converged,
        },
        "measured": report.measured.as_ref().map(|(a, n)| json!({"horizon_months": 6, "cutoffs": n, "auc": averages_json(a)})),
        "rows": report.rows.iter().map(|r| json!({
            "id": r.id,
            "account": r.account,
            "owner": r.owner,
            "last_order": r.last_order.to_string(),
            "order_days": r.order_days,
            "median_gap_days": r.median_gap_days.map(|d| d.normalize().to_string()),
            "days_since_last": r.days_since_last,
            "p_alive": finite(r.p_alive),
            "expected_orders_6m": finite(r.expected_orders_6m),
            "trend": r.trend.map(|d| d.round_dp(6).normalize().to_string()),
            "score": finite(Some(r.score)),
            "components": {
                "expected_orders": {"rank": finite(r.ranks.expected), "points": finite(r.ranks.points().0)},
                "order_days": {"rank": finite(Some(r.ranks.frequency)), "points": finite(Some(r.ranks.points().1))},
                "days_since_last": {"rank": finite(Some(r.ranks.recency)), "points": finite(Some(r.ranks.points().2))},
            },
            "signals": r.signals.as_ref().map(signals_json),
        })).collect::<Vec<_>>(),
    })
}

/// `kam risk --backtest` as a document.
pub fn backtest_document(bt: &Backtest, language: Language, workspace: &str) -> Document<'static> {
    let style = Style::new(language);
    let mut blocks = vec![Block::Heading(
        1,
        format!(
            "{} — {}",
            tr(language, "Churn risk: backtest", "Abwanderungsrisiko: Rückschau"),
            inline(workspace)
        ),
    )];
    let h = bt.horizon_months;
    let horizon = super::months_text(language, h);
    blocks.push(Block::Bullets(vec![tr(
        language,
        &format!("Horizon: {horizon} after each cut-off; cut-offs: {}", bt.cutoffs.len()),
        &format!("Horizont: {horizon} nach jedem Stichtag; Stichtage: {}", bt.cutoffs.len()),
    )]));
    if bt.cutoffs.is_empty() {
        blocks.push(Block::Paragraph(no_cutoff_text(language, &style, bt)));
    } else {
        let names = [
            ("score", tr(language, "kam's risk", "kam-Risikowert")),
            ("recency", tr(language, "Days since the last order", "Tage seit letztem Auftrag")),
            ("bgnbd", tr(language, "BG/NBD expected orders", "BG/NBD-Erwartung")),
            ("window_rule", tr(language, "W-month rule", "W-Monats-Regel")),
        ];
        let pick = |a: &crate::risk::score::Measured, k: &str| match k {
            "score" => a.score,
            "recency" => a.recency,
            "bgnbd" => a.bgnbd,
            _ => a.window_rule,
        };
        let avg = |a: &Averages, k: &str| match k {
            "score" => a.score,
            "recency" => a.recency,
            "bgnbd" => a.bgnbd,
            _ => a.window_rule,
        };
        for (title, which) in [
            (tr(language, "ROC AUC", "ROC-AUC"), 0),
            (tr(language, "Precision among the riskiest tenth", "Trefferquote im riskantesten Zehntel"), 1),
        ] {
            blocks.push(Block::Heading(2, title));
            let rows: Vec<Vec<Value>> = bt
                .cutoffs
                .iter()
                .map(|(m, c)| {
                    let measured = if which == 0 { &c.auc } else { &c.precision_top_decile };
                    let mut row = vec![
                        Value::Text(style.month(*m)),
                        Value::Count(c.units as u64),
                        Value::Count(c.churned as u64),
                    ];
                    row.extend(names.iter().map(|(k, _)| {
                        let v = pick(measured, k);
                        Value::Rate(decimal(v, 3))
                    }));
                    row
                })
                .collect();
            let averages = if which == 0 { &bt.auc } else { &bt.precision_top_decile };
            let mut total = vec![
                Value::Text(tr(language, "Mean", "Mittel")),
                Value::Text(String::new()),
                Value::Text(String::new()),
            ];
            total.extend(names.iter().map(|(k, _)| {
                let v = avg(averages, k);
                Value::Rate(decimal(v, 3))
            }));
            let mut columns = vec![
                col("cutoff", tr(language, "Cut-off", "Stichtag")),
                col("customers", tr(language, "Customers", "Kunden")),
                col("churned", tr(language, "Churned", "Abgewandert")),
            ];
            columns.extend(names.iter().map(|(k, label)| col(k, label.clone())));
            blocks.push(Block::Table(Table { columns, rows: rows.into(), total: Some(total) }));
        }
    }
    blocks.push(Block::Heading(2, crate::i18n::label(language, "definitions")));
    blocks.push(Block::Bullets(vec![
        tr(
            language,
            &format!(
                "Each cut-off is a month end with at least 12 months of exports before it (none needed for one asked for with --at) and {whole} after it. Scored: every customer with an order in the 12 months up to the cut-off, from the rows up to the cut-off alone. Churned: no order {within} after it.",
                whole = whole_months(language, h, false),
                within = if h == 1 { "in the month".to_string() } else { format!("in the {h} months") },
            ),
            &format!(
                "Jeder Stichtag ist ein Monatsende mit mindestens 12 Monaten Exporten davor (bei einem mit --at gewählten nicht nötig) und {whole} danach. Bewertet: jeder Kunde mit einem Auftrag in den 12 Monaten bis zum Stichtag, allein aus den Zeilen bis zum Stichtag. Abgewandert: kein Auftrag {within} danach.",
                whole = whole_months(language, h, true),
                within = if h == 1 { "im Monat".to_string() } else { format!("in den {h} Monaten") },
            ),
        ),
        tr(
            language,
            "Baselines: the days since the last order; the BG/NBD expected order days alone; the W-month rule (no order in the last W months, the workspace's churn window).",
            "Vergleichsmaße: die Tage seit dem letzten Auftrag; die BG/NBD-Erwartung allein; die W-Monats-Regel (kein Auftrag in den letzten W Monaten, dem Abwanderungsfenster des Arbeitsbereichs).",
        ),
        auc_definition(language),
        tr(
            language,
            "Precision among the riskiest tenth: the share of churned customers among the tenth ranked riskiest (rounded up).",
            "Trefferquote: der Anteil der Abgewanderten unter dem riskantesten Zehntel (aufgerundet).",
        ),
    ]));
    Document { blocks, csv_table: None }
}

/// "1 whole month", "6 whole months"; in German "1 vollen Monat" and "6 volle Monate", or in the
/// dative ("mit … 6 vollen Monaten danach").
fn whole_months(language: Language, n: u32, dative: bool) -> String {
    match (language, n) {
        (Language::En, 1) => "1 whole month".to_string(),
        (Language::En, n) => format!("{n} whole months"),
        (Language::De, 1) => "1 vollen Monat".to_string(),
        (Language::De, n) if dative => format!("{n} vollen Monaten"),
        (Language::De, n) => format!("{n} volle Monate"),
    }
}

/// Why a backtest has no cut-off. With `--at`, the cut-off needs no months before it, so what
/// is missing are the horizon's months after it: named, with the exports' last whole month.
fn no_cutoff_text(language: Language, style: &Style, bt: &Backtest) -> String {
    let h = bt.horizon_months;
    match (bt.at, bt.data_end) {
        (Some(at), Some((end, whole))) => {
            let (from, to) = (at + 1, at + h as i32);
            let missing = (whole + 1).max(from);
            let one = missing == to;
            let needed_en = if h == 1 {
                format!("the whole month after it, {}", style.month(from))
            } else {
                format!("the {h} whole months after it, {}", style.months(from, to))
            };
            let needed_de = if h == 1 {
                format!("den vollen Monat danach, {}", style.month(from))
            } else {
                format!("die {h} vollen Monate danach, {}", style.months(from, to))
            };
            tr(
                language,
                &format!(
                    "_No cut-off: the cut-off {} needs {needed_en}; the exports end on {}, their last whole month is {}, so {} {} missing (a month counts as whole when the exports reach one of its last three days). Choose an earlier --at or a shorter --horizon._",
                    style.month(at),
                    style.date(end),
                    style.month(whole),
                    style.months(missing, to),
                    if one { "is" } else { "are" }
                ),
                &format!(
                    "_Kein Stichtag: Der Stichtag {} braucht {needed_de}; die Exporte enden am {}, ihr letzter voller Monat ist {}, es {} also {} (ein Monat zählt als voll, wenn die Exporte einen seiner letzten drei Tage erreichen). Ein früheres --at oder ein kürzerer --horizon hilft._",
                    style.month(at),
                    style.date(end),
                    style.month(whole),
                    if one { "fehlt" } else { "fehlen" },
                    style.months(missing, to)
                ),
            )
        }
        _ => tr(
            language,
            &format!(
                "_No cut-off: a backtest needs 12 months of exports before a cut-off and {} after it._",
                whole_months(language, h, false)
            ),
            &format!(
                "_Kein Stichtag: Eine Rückschau braucht 12 Monate Exporte vor einem Stichtag und {} danach._",
                whole_months(language, h, false)
            ),
        ),
    }
}

/// `kam risk --backtest --format json`.
pub fn backtest_json(bt: &Backtest) -> Json {
    let measured = |m: &crate::risk::score::Measured| json!({"score": finite(m.score), "recency": finite(m.recency), "bgnbd": finite(m.bgnbd), "window_rule": finite(m.window_rule)});
    json!({
        "horizon_months": bt.horizon_months,
        "cutoffs": bt.cutoffs.iter().map(|(m, c)| json!({
            "month": m.to_string(),
            "customers": c.units,
            "churned": c.churned,
            "auc": measured(&c.auc),
            "precision_top_decile": measured(&c.precision_top_decile),
        })).collect::<Vec<_>>(),
        "auc": averages_json(&bt.auc),
        "precision_top_decile": averages_json(&bt.precision_top_decile),
    })
}
