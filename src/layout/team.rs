//! `kam team`: one section per member of a senior's team.

use super::tr;
use crate::config::Language;
use crate::markdown::inline;
use crate::render::{Block, Column, Document, Style, Table, Value};
use crate::team::Team;
use serde_json::{Value as Json, json};

fn col(key: &str, label: String) -> Column {
    Column { key: key.to_string(), label }
}

/// `kam team` as a document.
pub fn team_document(
    teams: &[Team],
    language: Language,
    workspace: &str,
    today: chrono::NaiveDate,
) -> Document<'static> {
    let style = Style::new(language);
    let mut blocks = vec![
        Block::Heading(1, format!("{} — {}", tr(language, "Team", "Team"), inline(workspace))),
        Block::Bullets(vec![tr(
            language,
            &format!("As of {}", style.date(today)),
            &format!("Stand {}", style.date(today)),
        )]),
    ];
    for team in teams {
        blocks.push(Block::Heading(2, inline(&team.senior).into_owned()));
        for m in &team.members {
            let role = if m.senior { tr(language, "owner", "KAM") } else { tr(language, "team", "Team") };
            blocks.push(Block::Heading(3, format!("{} ({role})", inline(&m.name))));
            let rows: Vec<Vec<Value>> = m
                .accounts
                .iter()
                .map(|a| {
                    vec![Value::Text(a.name.clone()), Value::Date(a.last_contact), Value::Date(a.next_review)]
                })
                .collect();
            if rows.is_empty() {
                blocks.push(Block::Paragraph(tr(language, "_No accounts._", "_Keine Schlüsselkunden._")));
            } else {
                blocks.push(Block::Table(Table {
                    columns: vec![
                        col("account", crate::i18n::label(language, "account")),
                        col("last_contact", crate::i18n::label(language, "last_meeting")),
                        col("next_review", crate::i18n::label(language, "next_review")),
                    ],
                    rows: rows.into(),
                    total: None,
                }));
            }
            let actions: Vec<String> = m
                .actions
                .iter()
                .map(|x| {
                    let due = x.due.map_or(String::new(), |d| {
                        if x.overdue {
                            tr(
                                language,
                                &format!(", ⚠ overdue since {}", style.date(d)),
                                &format!(", ⚠ überfällig seit {}", style.date(d)),
                            )
                        } else {
                            tr(
                                language,
                                &format!(", due {}", style.date(d)),
                                &format!(", fällig {}", style.date(d)),
                            )
                        }
                    });
                    let mark = if x.milestone { " ◆" } else { "" };
                    format!("{}{mark} (`{}`){due}", inline(&x.title), x.account.replace('`', ""))
                })
                .collect();
            blocks
                .push(Block::Paragraph(format!("**{}**", tr(language, "Open actions", "Offene Maßnahmen"))));
            blocks.push(if actions.is_empty() {
                Block::Paragraph(tr(language, "_none_", "_keine_"))
            } else {
                Block::Bullets(actions)
            });
            if !m.reviews.is_empty() {
                blocks.push(Block::Paragraph(format!(
                    "**{}**",
                    tr(
                        language,
                        "Annual reviews in the next 90 days",
                        "Jahresgespräche in den nächsten 90 Tagen"
                    )
                )));
                blocks.push(Block::Bullets(
                    m.reviews
                        .iter()
                        .map(|(a, d)| format!("{} (`{}`)", style.date(*d), a.replace('`', "")))
                        .collect(),
                ));
            }
            if !m.coaching.is_empty() {
                blocks.push(Block::Paragraph(format!("**{}**", tr(language, "Coaching", "Coaching"))));
                blocks.push(Block::Bullets(
                    m.coaching
                        .iter()
                        .map(|c| {
                            let when = if c.held {
                                tr(language, "held", "durchgeführt")
                            } else {
                                tr(language, "planned", "geplant")
                            };
                            format!(
                                "{} — {} (`{}`), {when}",
                                style.date(c.date),
                                inline(&c.topic),
                                c.account.replace('`', "")
                            )
                        })
                        .collect(),
                ));
            }
        }
    }
    blocks.push(Block::Heading(2, crate::i18n::label(language, "definitions")));
    blocks.push(Block::Bullets(vec![tr(
        language,
        "A member works on the senior's accounts that list them in `team` (the senior on all). Open actions are those assigned to the member (`assignee`; without one, the owner's). Coaching: the sessions naming the member among `participants` (or in the topic, where none are named). Last contact: the account's latest meeting up to today. ◆ marks a milestone.",
        "Ein Teammitglied betreut die Schlüsselkunden des KAM, in deren Dossier es unter `team` steht (der KAM alle). Offene Maßnahmen sind die ihm zugewiesenen (`assignee`; ohne Angabe die des KAM). Coaching: die Termine, die das Mitglied unter `participants` nennen (oder im Thema, wo keine genannt sind). Letzter Kontakt: der jüngste Kontakt mit dem Kunden bis heute. ◆ kennzeichnet einen Meilenstein.",
    )]));
    Document { blocks, csv_table: None }
}

/// `kam team --format json`.
pub fn team_json(teams: &[Team]) -> Json {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    json!(teams
        .iter()
        .map(|t| json!({
            "senior": t.senior,
            "members": t.members.iter().map(|m| json!({
                "name": m.name,
                "senior": m.senior,
                "accounts": m.accounts.iter().map(|a| json!({"account": a.id, "owns": a.owns, "last_contact": date(a.last_contact), "next_review": date(a.next_review)})).collect::<Vec<_>>(),
                "actions": m.actions.iter().map(|x| json!({"account": x.account, "title": x.title, "due": date(x.due), "overdue": x.overdue, "milestone": x.milestone})).collect::<Vec<_>>(),
                "reviews": m.reviews.iter().map(|(a, d)| json!({"account": a, "date": d.to_string()})).collect::<Vec<_>>(),
                "coaching": m.coaching.iter().map(|c| json!({"account": c.account, "date": c.date.to_string(), "topic": c.topic, "held": c.held})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }))
        .collect::<Vec<_>>())
}
