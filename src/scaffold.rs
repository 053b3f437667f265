//! New workspaces and dossiers from commented templates: `kam init` and `kam new`.
//!
//! The templates (`src/templates/`) explain every setting and every dossier key in comments, so
//! that a new user can learn the files from the files. `kam init` writes `kam.toml` with every
//! setting at its default (those whose mere presence changes behaviour, like `[import.columns]`,
//! commented out), `accounts/example.toml` (the dossier template), `reports/` for generated
//! reports and a `.gitignore` for them. `kam new` writes the same dossier template with the keys
//! it was given filled in and the others commented out. Neither ever overwrites a file.

use crate::config::{CONFIG_FILE, Language};
use crate::diag::{Diagnostics, display_path, text_location};
use crate::dossier;
use crate::edit::{self, FolderLock, Refusal, toml_string};
use chrono::NaiveDate;
use serde::Deserialize;
use std::fs;
use std::path::{Path, PathBuf};

/// The template of `kam.toml`, and its German (with the import settings of a German ERP:
/// `;`, decimal comma, `%d.%m.%Y`, Windows-1252).
pub const CONFIG_TEMPLATE: &str = include_str!("templates/kam.toml");
pub const CONFIG_TEMPLATE_DE: &str = include_str!("templates/kam.de.toml");

/// The template of a dossier, and its German.
pub const DOSSIER_TEMPLATE: &str = include_str!("templates/dossier.toml");
pub const DOSSIER_TEMPLATE_DE: &str = include_str!("templates/dossier.de.toml");

/// The id of the example dossier `kam init` writes.
pub const EXAMPLE_ID: &str = "example";

/// The folder for generated reports that `kam init` makes and keeps out of git.
pub const REPORTS_DIR: &str = "reports";

/// The lines `kam init` puts in `.gitignore` (the comment only when it adds a line).
const GITIGNORE_COMMENT: &str = "# kam: generated reports, and the lock file of kam log and kam new";
const GITIGNORE_LINES: [&str; 2] = ["/reports/", ".kam.lock"];

/// Comments after a value start in this column (0-based), as in the SPEC's examples.
const COMMENT_COLUMN: usize = 36;

/// `line` padded to the comment column, then `# comment`.
fn with_comment(line: &str, comment: &str) -> String {
    let width = line.chars().count();
    let pad = if width + 1 < COMMENT_COLUMN { COMMENT_COLUMN - width } else { 2 };
    format!("{line}{}# {comment}", " ".repeat(pad))
}

/// The text of `kam.toml` for a new workspace.
pub fn config_text(name: &str, language: Language, currency: &str) -> String {
    let (template, code, comments) = match language {
        Language::En => (
            CONFIG_TEMPLATE,
            "en",
            [
                "shown in report headers",
                "\"en\" or \"de\": the language of reports and messages",
                "the currency of the amounts in the exports",
            ],
        ),
        Language::De => (
            CONFIG_TEMPLATE_DE,
            "de",
            [
                "erscheint im Kopf der Berichte",
                "\"en\" oder \"de\": die Sprache der Berichte und Meldungen",
                "die Währung der Beträge in den Exporten",
            ],
        ),
    };
    template
        .replace("{{name}}", &with_comment(&format!("name = {}", toml_string(name)), comments[0]))
        .replace("{{language}}", &with_comment(&format!("language = {}", toml_string(code)), comments[1]))
        .replace("{{currency}}", &with_comment(&format!("currency = {}", toml_string(currency)), comments[2]))
}

/// What `kam new` knows of a new account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAccount {
    pub id: String,
    pub name: String,
    pub customer_ids: Vec<String>,
    pub owner: Option<String>,
    pub team: Vec<String>,
    pub segment: Option<String>,
    pub since: Option<NaiveDate>,
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| toml_string(s)).collect::<Vec<_>>().join(", "))
}

/// The text of a new dossier: the template with the given keys set and the others commented out.
pub fn dossier_text(a: &NewAccount, language: Language) -> String {
    let de = language == Language::De;
    let say = |en: &'static str, german: &'static str| if de { german } else { en };
    // key, the value given (as TOML), an example value, the comment
    let rows: [(&str, Option<String>, &str, &str); 5] = [
        (
            "customer_ids",
            (!a.customer_ids.is_empty()).then(|| list(&a.customer_ids)),
            "[\"10042\", \"10043\"]",
            say(
                "customer numbers in the sales exports that belong to this account",
                "Kundennummern der Umsatzexporte, die zu diesem Schlüsselkunden gehören",
            ),
        ),
        (
            "owner",
            a.owner.as_deref().map(toml_string),
            "\"Anna Berg\"",
            say("the responsible key account manager", "der verantwortliche Key Account Manager"),
        ),
        (
            "team",
            (!a.team.is_empty()).then(|| list(&a.team)),
            "[\"Jonas Weber\"]",
            say("juniors working the account", "Nachwuchskräfte, die den Kunden mit betreuen"),
        ),
        (
            "segment",
            a.segment.as_deref().map(toml_string),
            if de { "\"Handel\"" } else { "\"Retail\"" },
            say("the customer's segment or industry", "Segment oder Branche des Kunden"),
        ),
        (
            "since",
            a.since.map(|d| d.format("%Y-%m-%d").to_string()),
            "2019-03-01",
            say("customer since", "Kunde seit"),
        ),
    ];
    let mut keys = format!("name = {}", toml_string(&a.name));
    for (key, given, example, comment) in rows {
        let line = match given {
            Some(value) => format!("{key} = {value}"),
            None => format!("# {key} = {example}"),
        };
        keys.push('\n');
        keys.push_str(&with_comment(&line, comment));
    }
    let template = if de { DOSSIER_TEMPLATE_DE } else { DOSSIER_TEMPLATE };
    template.replace("{{keys}}", &keys).replace("{{id}}", &a.id)
}

/// The example dossier of `kam init`.
pub fn example_account() -> NewAccount {
    NewAccount {
        id: EXAMPLE_ID.to_string(),
        name: "Example Customer GmbH".to_string(),
        ..NewAccount::default()
    }
}

/// What `kam init` did.
#[derive(Debug)]
pub struct Initialized {
    /// The workspace folder.
    pub root: PathBuf,
    /// The files and folders it created, relative to `root`.
    pub created: Vec<String>,
    /// Whether it added lines to an existing `.gitignore`.
    pub gitignore_extended: bool,
    /// Why the example dossier was not written, if it was not.
    pub example_skipped: Option<String>,
}

/// `kam init`: a new workspace in `dir` (made if missing). Refuses a folder that already has a
/// `kam.toml`, and never overwrites a file.
pub fn init(
    dir: &Path,
    name: Option<&str>,
    language: Language,
    currency: &str,
) -> Result<Initialized, String> {
    let shown = display_path(dir);
    let config = dir.join(CONFIG_FILE);
    if config.exists() {
        return Err(crate::msg!(
            "{folder} already is a kam workspace ({file} exists); nothing was changed",
            folder = &shown,
            file = display_path(&config)
        )
        .to_string());
    }
    if dir.exists() && !dir.is_dir() {
        return Err(crate::msg!("{folder} is a file, not a folder", folder = &shown).to_string());
    }
    fs::create_dir_all(dir).map_err(|e| {
        crate::msg!("cannot create the folder {folder}: {e}", folder = &shown, e = e.to_string()).to_string()
    })?;
    let name = match name {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        Some(_) => return Err(crate::msg!("the workspace name must not be empty").to_string()),
        None => fs::canonicalize(dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "My company".to_string()),
    };
    let accounts = dir.join("accounts");
    let example = accounts.join(format!("{EXAMPLE_ID}.toml"));
    let existing = edit::dossier_ids(&accounts);
    let example_skipped = if example.exists() {
        Some(crate::msg!("{file} exists already", file = display_path(&example)).to_string())
    } else if !existing.is_empty() {
        Some(crate::msg!("{folder} has dossiers already", folder = display_path(&accounts)).to_string())
    } else {
        None
    };

    let mut created = Vec::new();
    let io = |what: &Path, e: std::io::Error| {
        crate::msg!("cannot write {file}: {e}", file = display_path(what), e = e.to_string()).to_string()
    };
    crate::fsutil::create_new(&config, config_text(&name, language, currency).as_bytes())
        .map_err(|e| io(&config, e))?;
    created.push(CONFIG_FILE.to_string());
    if !accounts.is_dir() {
        fs::create_dir_all(&accounts).map_err(|e| io(&accounts, e))?;
        created.push("accounts/".to_string());
    }
    if example_skipped.is_none() {
        let text = dossier_text(&example_account(), language);
        crate::fsutil::create_new(&example, text.as_bytes()).map_err(|e| io(&example, e))?;
        created.push(format!("accounts/{EXAMPLE_ID}.toml"));
    }
    let reports = dir.join(REPORTS_DIR);
    if !reports.exists() {
        fs::create_dir_all(&reports).map_err(|e| io(&reports, e))?;
        created.push(format!("{REPORTS_DIR}/"));
    }
    let gitignore = dir.join(".gitignore");
    let gitignore_extended = if gitignore.exists() {
        let old = fs::read_to_string(&gitignore)
            .map_err(|e| format!("cannot read {}: {e}", display_path(&gitignore)))?;
        match gitignore_addition(&old) {
            Some(add) => {
                crate::fsutil::replace_source(&gitignore, format!("{old}{add}").as_bytes())
                    .map_err(|e| io(&gitignore, e))?;
                true
            }
            None => false,
        }
    } else {
        let text = gitignore_addition("").unwrap_or_default();
        crate::fsutil::create_new(&gitignore, text.as_bytes()).map_err(|e| io(&gitignore, e))?;
        created.push(".gitignore".to_string());
        false
    };
    Ok(Initialized { root: dir.to_path_buf(), created, gitignore_extended, example_skipped })
}

/// The text to append to a `.gitignore` holding `old`, if it lacks some of kam's lines.
fn gitignore_addition(old: &str) -> Option<String> {
    let has = |line: &str| old.lines().any(|l| l.trim() == line);
    let missing: Vec<&str> = GITIGNORE_LINES.iter().copied().filter(|l| !has(l)).collect();
    if missing.is_empty() {
        return None;
    }
    let mut add = String::new();
    if !old.is_empty() && !old.ends_with('\n') {
        add.push('\n');
    }
    if !old.trim().is_empty() {
        add.push('\n');
    }
    add.push_str(GITIGNORE_COMMENT);
    add.push('\n');
    for line in missing {
        add.push_str(line);
        add.push('\n');
    }
    Some(add)
}

/// What `kam new` did.
#[derive(Debug)]
pub struct Created {
    pub path: PathBuf,
    /// Dossiers whose customer numbers could not be compared (they cannot be read).
    pub warnings: Vec<String>,
}

/// `kam new`: writes the dossier of a new account into `accounts_dir` (made if missing). Refuses
/// an invalid or existing id, an empty name, and customer numbers another dossier lists.
pub fn new_account(accounts_dir: &Path, a: &NewAccount, language: Language) -> Result<Created, Refusal> {
    let refuse = |message: String| Refusal { diagnostics: Vec::new(), message };
    if !dossier::is_valid_id(&a.id) {
        return Err(refuse(dossier::invalid_id_message(&a.id).to_string()));
    }
    if a.name.trim().is_empty() {
        return Err(refuse(crate::msg!("the name must not be empty").to_string()));
    }
    let mut seen = std::collections::HashSet::new();
    for c in &a.customer_ids {
        if c.trim().is_empty() {
            return Err(refuse(crate::msg!("a customer number must not be empty").to_string()));
        }
        if !seen.insert(c.trim()) {
            return Err(refuse(
                crate::msg!("customer number \"{customer}\" is given twice", customer = c.trim()).to_string(),
            ));
        }
    }
    fs::create_dir_all(accounts_dir).map_err(|e| {
        refuse(
            crate::msg!(
                "cannot create the folder {folder}: {e}",
                folder = display_path(accounts_dir),
                e = e.to_string()
            )
            .to_string(),
        )
    })?;
    let _lock = FolderLock::acquire(accounts_dir).map_err(refuse)?;
    let path = accounts_dir.join(format!("{}.toml", a.id));
    if path.exists() {
        return Err(refuse(
            crate::msg!(
                "account `{id}` exists already ({file}); nothing was written. `kam log {id} …` adds to it",
                id = &a.id,
                file = display_path(&path)
            )
            .to_string(),
        ));
    }
    let mut warnings = Vec::new();
    for other in edit::dossier_ids(accounts_dir) {
        let other_path = accounts_dir.join(format!("{other}.toml"));
        let text = match crate::tomlfile::read_text(&other_path) {
            Ok(t) => t,
            Err(d) => {
                warnings.push(
                    crate::msg!("{problem}; its customer numbers were not compared", problem = d.to_string())
                        .to_string(),
                );
                continue;
            }
        };
        #[derive(Deserialize)]
        struct Ids {
            #[serde(default)]
            customer_ids: Vec<toml::Spanned<toml::Value>>,
        }
        let ids = match toml::from_str::<Ids>(&text) {
            Ok(ids) => ids,
            Err(_) => {
                warnings.push(
                    crate::msg!(
                        "{file} cannot be read (`kam check` says why); its customer numbers were not compared",
                        file = display_path(&other_path)
                    )
                    .to_string(),
                );
                continue;
            }
        };
        for id in &ids.customer_ids {
            let Some(number) = id.get_ref().as_str().map(str::trim) else { continue };
            if a.customer_ids.iter().any(|c| c.trim() == number) {
                let at = text_location(&other_path, &text, id.span().start);
                return Err(refuse(
                    crate::msg!(
                        "customer \"{number}\" already belongs to account `{other}` ({at}); a customer belongs to one account. Nothing was written",
                        number = number,
                        other = &other,
                        at = at.to_string()
                    )
                    .to_string(),
                ));
            }
        }
    }
    let text = dossier_text(a, language);
    let mut diags = Diagnostics::new();
    if dossier::load_text(&path, &text, &mut diags).is_none() || diags.has_errors() {
        return Err(Refusal {
            diagnostics: diags.items().to_vec(),
            message: crate::msg!("the new dossier would not be valid; nothing was written").to_string(),
        });
    }
    crate::fsutil::create_new(&path, text.as_bytes())
        .map_err(|e| refuse(format!("cannot write {}: {e}", display_path(&path))))?;
    Ok(Created { path, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_config_template_holds_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        fs::write(&path, config_text("Muster \"GmbH\"", Language::De, "EUR")).unwrap();
        fs::create_dir(dir.path().join("accounts")).unwrap();
        let mut diags = Diagnostics::new();
        let config = Config::load(&path, "x", &mut diags).expect("valid");
        assert!(diags.is_empty(), "{:?}", diags.items());
        let defaults = Config::defaults("x");
        assert_eq!(config.name, "Muster \"GmbH\"");
        assert_eq!(config.language, Language::De);
        assert_eq!(config.currency, defaults.currency);
        assert_eq!(config.sales, defaults.sales);
        assert!(config.sales_default);
        assert_eq!(config.import.columns, None);
        assert_eq!(config.margin, defaults.margin);
        assert_eq!(config.abc, defaults.abc);
        assert_eq!(config.window_months, defaults.window_months);
        assert!(!CONFIG_TEMPLATE.contains("\t"));
    }

    #[test]
    fn the_dossier_template_reads_with_and_without_keys() {
        let full = NewAccount {
            id: "nordwind".into(),
            name: "Nordwind \"Handels\" GmbH".into(),
            customer_ids: vec!["10042".into(), "10043".into()],
            owner: Some("Anna Berg".into()),
            team: vec!["Jonas Weber".into()],
            segment: Some("Retail".into()),
            since: NaiveDate::from_ymd_opt(2019, 3, 1),
        };
        for (a, language) in [
            (full.clone(), Language::En),
            (full, Language::De),
            (example_account(), Language::En),
            (example_account(), Language::De),
        ] {
            let text = dossier_text(&a, language);
            let mut diags = Diagnostics::new();
            let account = dossier::load_text(Path::new("accounts/x.toml"), &text, &mut diags).expect("valid");
            assert!(diags.is_empty(), "{:?}", diags.items());
            assert_eq!(account.name, a.name);
            assert_eq!(account.customer_ids, a.customer_ids);
            assert_eq!(account.owner, a.owner);
            assert_eq!(account.team, a.team);
            assert!(!text.contains("{{"), "{text}");
        }
    }

    #[test]
    fn gitignore_lines_are_added_once() {
        assert_eq!(
            gitignore_addition("target\n").unwrap(),
            format!("\n{GITIGNORE_COMMENT}\n/reports/\n.kam.lock\n")
        );
        assert_eq!(gitignore_addition("/reports/\n.kam.lock\n"), None);
        assert_eq!(gitignore_addition("/reports/").unwrap(), format!("\n\n{GITIGNORE_COMMENT}\n.kam.lock\n"));
    }
}
