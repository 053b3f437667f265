//! `kam changes`: the changes of a dossier since the last annual review, and the figures then
//! and now, as Markdown and JSON; and the same as the brief's look back.

use super::tr;
use crate::changes::{Change, ChangesReport, Figures, Kind, SinceSource, Val};
use crate::config::Language;
use crate::dossier::{ActionStatus, Attitude, Influence};
use crate::git::NoHistory;
use crate::markdown::inline;
use crate::render::{Block, Column, Document, Style, Table, Value, json_money, json_opt, json_rate};
use serde_json::{Value as Json, json};

fn col(key: &str, label: String) -> Column {
    Column { key: key.to_string(), label }
}

/// The name of a kind of change.
pub(crate) fn kind_text(language: Language, kind: Kind) -> String {
    let (en, de) = match kind {
        Kind::ContactAdded => ("Contact added", "Ansprechpartner hinzugefügt"),
        Kind::ContactRemoved => ("Contact removed", "Ansprechpartner entfernt"),
        Kind::ContactRenamed => ("Contact renamed", "Ansprechpartner umbenannt"),
        Kind::ContactRole => ("Role changed", "Funktion geändert"),
        Kind::ContactAttitude => ("Attitude changed", "Haltung geändert"),
        Kind::ContactInfluence => ("Influence changed", "Einfluss geändert"),
        Kind::ActionAdded => ("Action added", "Maßnahme hinzugefügt"),
        Kind::ActionDone => ("Action done", "Maßnahme erledigt"),
        Kind::ActionDropped => ("Action dropped", "Maßnahme verworfen"),
        Kind::ActionReopened => ("Action reopened", "Maßnahme wieder offen"),
        Kind::ActionDueMoved => ("Due date moved", "Termin verschoben"),
        Kind::ActionRemoved => ("Action removed", "Maßnahme entfernt"),
        Kind::PaymentTerms => ("Payment terms", "Zahlungsziel"),
        Kind::Discount => ("Discount", "Rabatt"),
        Kind::MinOrderValue => ("Minimum order value", "Mindestauftragswert"),
        Kind::SpecialPrice => ("Special price", "Sonderpreis"),
        Kind::MinPrice => ("Minimum price", "Mindestpreis"),
        Kind::ComplaintOpened => ("Complaint opened", "Reklamation eröffnet"),
        Kind::ComplaintClosed => ("Complaint closed", "Reklamation erledigt"),
        Kind::Event => ("Event", "Ereignis"),
        Kind::Satisfaction => ("Satisfaction score", "Zufriedenheitsbewertung"),
        Kind::Owner => ("Owner changed", "KAM gewechselt"),
        Kind::Unreadable => ("The dossier did not load", "Dossier nicht lesbar"),
    };
    tr(language, en, de)
}

/// A value as shown.
pub(crate) fn value_text(language: Language, style: &Style, currency: &str, v: &Val) -> String {
    match v {
        Val::Text(t) => inline(t).into_owned(),
        Val::Date(d) => style.date(*d),
        Val::Amount(a) => style.amount(*a, currency),
        Val::Rate(r) => style.percent(*r),
        Val::Days(n) => match (language, *n == 1) {
            (Language::En, true) => "1 day".into(),
            (Language::En, false) => format!("{n} days"),
            (Language::De, true) => "1 Tag".into(),
            (Language::De, false) => format!("{n} Tage"),
        },
        Val::Attitude(a) => super::brief::attitude(*a, language),
        Val::Influence(i) => super::brief::influence(*i, language),
        Val::Status(s) => super::brief::status(*s, language),
        Val::Score(s) => {
            let s = s.normalize();
            format!("{}/10", style.number(s, s.scale().min(1)))
        }
    }
}

fn value_json(v: &Val) -> Json {
    match v {
        Val::Text(t) => json!(t),
        Val::Date(d) => json!(d.to_string()),
        Val::Amount(a) => json_money(*a),
        Val::Rate(r) => json_rate(*r),
        Val::Days(n) => json!(n),
        Val::Attitude(a) => json!(match a {
            Attitude::Champion => "champion",
            Attitude::Supporter => "supporter",
            Attitude::Neutral => "neutral",
            Attitude::Critic => "critic",
        }),
        Val::Influence(i) => json!(match i {
            Influence::DecisionMaker => "decision-maker",
            Influence::Influencer => "influencer",
            Influence::User => "user",
            Influence::Gatekeeper => "gatekeeper",
        }),
        Val::Status(s) => json!(match s {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }),
        Val::Score(s) => crate::render::json_decimal(*s),
    }
}

/// The commit as shown: its first 7 characters, or "nicht eingecheckt".
fn commit_text(language: Language, commit: &str) -> String {
    if commit == "worktree" {
        tr(language, "not committed", "nicht eingecheckt")
    } else {
        format!("`{}`", commit.chars().take(7).collect::<String>())
    }
}

/// What changed, as Markdown: a satisfaction score by its date, else the name, escaped.
fn what_text(style: &Style, c: &Change) -> String {
    match (c.diff.kind, chrono::NaiveDate::parse_from_str(&c.diff.what, "%Y-%m-%d")) {
        (Kind::Satisfaction, Ok(d)) => style.date(d),
        _ => inline(&c.diff.what).into_owned(),
    }
}

/// One change as a sentence: "08.12.2025 — Haltung geändert: Frank Mertens, neutral → Kritiker".
pub(crate) fn change_sentence(language: Language, style: &Style, currency: &str, c: &Change) -> String {
    let v =
        |x: &Option<Val>| x.as_ref().map_or("–".to_string(), |x| value_text(language, style, currency, x));
    let what = what_text(style, c);
    let what = if what.is_empty() { String::new() } else { format!(": {what}") };
    let values = match (&c.diff.from, &c.diff.to) {
        (None, None) => String::new(),
        (None, Some(_))
            if matches!(
                c.diff.kind,
                Kind::ContactAdded | Kind::ActionAdded | Kind::Event | Kind::ComplaintOpened
            ) =>
        {
            format!(" ({})", v(&c.diff.to))
        }
        _ => format!(", {} → {}", v(&c.diff.from), v(&c.diff.to)),
    };
    format!("{} — {}{what}{values}", style.date(c.date), kind_text(language, c.diff.kind))
}

/// Why there is no history, as a sentence.
pub fn no_history_text(language: Language, why: &NoHistory) -> String {
    match why {
        NoHistory::NoGit(e) => tr(
            language,
            &format!("No history: the `git` command could not be run ({e})."),
            &format!("Keine Historie: Der Befehl `git` ließ sich nicht ausführen ({e})."),
        ),
        NoHistory::NotARepository => tr(
            language,
            "No history: the workspace is not in a git repository. Keep the dossiers in git to see what changed since the last review.",
            "Keine Historie: Der Arbeitsbereich liegt in keinem Git-Repository. Mit den Dossiers in Git zeigt kam, was sich seit dem letzten Jahresgespräch geändert hat.",
        ),
        NoHistory::NotCommitted => tr(
            language,
            "No history: the dossier has no commit yet.",
            "Keine Historie: Das Dossier ist noch nicht eingecheckt.",
        ),
    }
}

/// "seit dem 09.12.2025 (letztes Jahresgespräch)".
pub(crate) fn since_text(language: Language, style: &Style, r: &ChangesReport) -> String {
    match (r.since, r.source) {
        (Some(d), SinceSource::LastReview) => tr(
            language,
            &format!("Since {} (the last annual review in [[meetings]])", style.date(d)),
            &format!("Seit dem {} (dem letzten Jahresgespräch laut [[meetings]])", style.date(d)),
        ),
        (Some(d), _) => {
            tr(language, &format!("Since {}", style.date(d)), &format!("Seit dem {}", style.date(d)))
        }
        (None, _) => tr(
            language,
            "The whole history: no annual review is recorded in [[meetings]]",
            "Die ganze Historie: unter [[meetings]] ist kein Jahresgespräch erfasst",
        ),
    }
}

/// The figures then and now as table rows.
pub(crate) fn figures_table(language: Language, style: &Style, r: &ChangesReport) -> Option<Table<'static>> {
    let (then, now) = (r.then.as_ref()?, r.now.as_ref()?);
    let head = |f: &Figures, en: &str, de: &str| {
        tr(
            language,
            &format!("{en} ({})", style.months(f.first, f.last)),
            &format!("{de} ({})", style.months(f.first, f.last)),
        )
    };
    let change = |a: Option<crate::money::Decimal>, b: Option<crate::money::Decimal>| {
        a.zip(b).and_then(|(a, b)| crate::money::quotient(b - a, a.abs()))
    };
    Some(Table {
        columns: vec![
            col("figure", tr(language, "Figure", "Kennzahl")),
            col("then", head(then, "Then", "Damals")),
            col("now", head(now, "Now", "Heute")),
            col("change", tr(language, "Change", "Veränderung")),
        ],
        rows: vec![
            vec![
                Value::Text(crate::i18n::label(language, "net_revenue")),
                Value::Money(Some(then.net_revenue)),
                Value::Money(Some(now.net_revenue)),
                Value::Change(change(Some(then.net_revenue), Some(now.net_revenue))),
            ],
            vec![
                Value::Text(crate::i18n::label(language, "db2")),
                Value::Money(then.db2),
                Value::Money(now.db2),
                Value::Change(change(then.db2, now.db2)),
            ],
        ]
        .into(),
        total: None,
    })
}

/// `kam changes` as a document.
pub fn changes_document(r: &ChangesReport, language: Language) -> Document<'static> {
    let style = Style::new(language);
    let mut blocks = vec![Block::Heading(
        1,
        format!(
            "{} — {}",
            tr(language, "Changes since the last review", "Änderungen seit dem letzten Jahresgespräch"),
            inline(&r.name)
        ),
    )];
    let mut facts = vec![since_text(language, &style, r)];
    if r.history.is_ok() {
        facts.push(match &r.baseline {
            Some(c) => tr(
                language,
                &format!("From the dossier's git history, counted from commit {}", commit_text(language, c)),
                &format!("Aus der Git-Historie des Dossiers, gezählt ab Commit {}", commit_text(language, c)),
            ),
            None => tr(
                language,
                "From the dossier's git history; the dossier did not exist then",
                "Aus der Git-Historie des Dossiers; damals gab es das Dossier noch nicht",
            ),
        });
    }
    blocks.push(Block::Bullets(facts));
    if let Some(table) = figures_table(language, &style, r) {
        blocks
            .push(Block::Heading(2, tr(language, "Key figures then and now", "Kennzahlen damals und heute")));
        blocks.push(Block::Table(table));
    }
    blocks.push(Block::Heading(2, tr(language, "Changes", "Änderungen")));
    match &r.history {
        Err(why) => blocks.push(Block::Paragraph(no_history_text(language, why))),
        Ok(changes) if changes.is_empty() => blocks.push(Block::Paragraph(tr(
            language,
            "_No change in the dossier since then._",
            "_Seitdem keine Änderung im Dossier._",
        ))),
        Ok(changes) => {
            // Text from the dossier is escaped by value_text; dates and amounts need no escaping.
            let v = |x: &Option<Val>| {
                Value::Markup(
                    x.as_ref().map_or(String::new(), |x| value_text(language, &style, &r.currency, x)),
                )
            };
            let rows: Vec<Vec<Value>> = changes
                .iter()
                .map(|c| {
                    vec![
                        Value::Date(Some(c.date)),
                        Value::Markup(commit_text(language, &c.commit)),
                        Value::Text(kind_text(language, c.diff.kind)),
                        Value::Markup(what_text(&style, c)),
                        v(&c.diff.from),
                        v(&c.diff.to),
                    ]
                })
                .collect();
            blocks.push(Block::Table(Table {
                columns: vec![
                    col("date", tr(language, "Date", "Datum")),
                    col("commit", "Commit".to_string()),
                    col("kind", tr(language, "Change", "Änderung")),
                    col("what", tr(language, "What", "Was")),
                    col("from", tr(language, "Before", "Vorher")),
                    col("to", tr(language, "After", "Nachher")),
                ],
                rows: rows.into(),
                total: None,
            }));
        }
    }
    blocks.push(Block::Heading(2, crate::i18n::label(language, "definitions")));
    blocks.push(Block::Bullets(vec![
        tr(
            language,
            "Each commit that changed the dossier after the date is compared with the version before it; the dossier as of the date is its last commit on or before it (commit dates). Changes not committed yet are dated today. Contacts are matched by name (one removed and one added alike in role, e-mail or phone: renamed), actions by title, prices by product.",
            "Jeder Commit, der das Dossier nach dem Datum geändert hat, wird mit der Fassung davor verglichen; das Dossier zum Datum ist sein letzter Commit an oder vor diesem Tag (Commit-Datum). Noch nicht eingecheckte Änderungen tragen das heutige Datum. Ansprechpartner werden über den Namen zugeordnet (ein entfernter und ein neuer mit gleicher Funktion, E-Mail oder Telefonnummer: umbenannt), Maßnahmen über den Titel, Preise über den Artikel.",
        ),
        tr(
            language,
            "Then: net revenue and DB II of the 12 whole months before the date; now: of the 12 months before this month, up to the exports' last month; both from today's exports and dossier, as `kam margin --by account`.",
            "Damals: Nettoumsatz und DB II der 12 vollen Monate vor dem Datum; heute: der 12 Monate vor dem laufenden Monat, höchstens bis zum letzten Monat der Exporte; beides aus den heutigen Exporten und dem heutigen Dossier, wie `kam margin --by account`.",
        ),
    ]));
    Document { blocks, csv_table: None }
}

fn figures_json(f: &Option<Figures>) -> Json {
    f.as_ref().map_or(Json::Null, |f| {
        json!({
            "months": [f.first.to_string(), f.last.to_string()],
            "net_revenue": json_money(f.net_revenue),
            "db2": json_opt(f.db2, json_money),
        })
    })
}

/// `kam changes --format json`.
pub fn changes_json(r: &ChangesReport) -> Json {
    let (changes, history) = match &r.history {
        Ok(c) => (c.as_slice(), Json::Null),
        Err(why) => (
            &[][..],
            json!(match why {
                NoHistory::NoGit(_) => "no_git",
                NoHistory::NotARepository => "not_a_repository",
                NoHistory::NotCommitted => "not_committed",
            }),
        ),
    };
    json!({
        "account": r.account,
        "since": r.since.map(|d| d.to_string()),
        "since_source": match r.source {
            SinceSource::Given => "given",
            SinceSource::LastReview => "last_review",
            SinceSource::NoReview => "whole_history",
        },
        "no_history": history,
        "baseline": r.baseline,
        "changes": changes.iter().map(|c| json!({
            "date": c.date.to_string(),
            "commit": c.commit,
            "kind": c.diff.kind.name(),
            "what": c.diff.what,
            "from": c.diff.from.as_ref().map(value_json),
            "to": c.diff.to.as_ref().map(value_json),
        })).collect::<Vec<_>>(),
        "figures": {"then": figures_json(&r.then), "now": figures_json(&r.now)},
    })
}
