//! The workspace: the folder holding `kam.toml`, found like git finds `.git`, with its settings,
//! its account dossiers and its sales exports resolved to files.

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostics, Location, display_path};
use crate::dossier::{self, Account};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A loaded workspace: settings, dossiers and the export files to read.
#[derive(Debug)]
pub struct Workspace {
    /// The workspace folder, as the user would write it (`.`, `..`, or the `-C` argument).
    pub root: PathBuf,
    /// `kam.toml`, if the workspace has one.
    pub config_path: Option<PathBuf>,
    pub config: Config,
    /// Dossiers sorted by id.
    pub accounts: Vec<Account>,
    /// Dossier files that could not be loaded (their errors are in the diagnostics).
    pub broken_dossiers: usize,
    /// Customer number (trimmed) → index into `accounts`.
    pub customer_account: HashMap<String, usize>,
    /// The sales exports, in the order they are read.
    pub sales_files: Vec<PathBuf>,
}

/// Where to find the workspace and which exports to read: the resolved global flags.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-C DIR`
    pub dir: Option<PathBuf>,
    /// `--sales FILE…`: replaces `[workspace] sales`; relative to the current folder.
    pub sales: Vec<String>,
}

/// Finds the workspace folder: `-C DIR`, else the nearest folder upwards from the current one
/// that holds `kam.toml`, else the current folder (every setting at its default).
pub fn find_root(dir: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = dir {
        if !dir.is_dir() {
            return Err(crate::msg!(
                "{dir}: no such folder (given with -C)",
                dir = dir.display().to_string()
            )
            .to_string());
        }
        return Ok(dir.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let mut relative = PathBuf::from(".");
    for ancestor in cwd.ancestors() {
        if ancestor.join(CONFIG_FILE).is_file() {
            return Ok(relative);
        }
        relative = if relative == Path::new(".") { PathBuf::from("..") } else { relative.join("..") };
    }
    Ok(PathBuf::from("."))
}

fn folder_name(root: &Path) -> String {
    std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "workspace".to_string())
}

impl Workspace {
    /// Loads the workspace; every problem found goes to `diags`. Returns `None` only when the
    /// settings themselves cannot be read.
    pub fn load(options: &Options, diags: &mut Diagnostics) -> Option<Workspace> {
        let root = match find_root(options.dir.as_deref()) {
            Ok(root) => root,
            Err(msg) => {
                diags.error(Location::None, msg);
                return None;
            }
        };
        let name = folder_name(&root);
        let config_path = root.join(CONFIG_FILE);
        let (config, config_path) = if config_path.is_file() {
            let Some(config) = Config::load_partial(&config_path, &name, diags).0 else {
                // The dossiers are still checked, so that one run lists every problem.
                let accounts = load_accounts(&root.join(accounts_dir_of_broken(&config_path)), diags);
                map_customers(&accounts, diags);
                return None;
            };
            // With errors outside [import], the rest is still loaded and checked; the errors in
            // `diags` keep every command but `kam check` from using it.
            (config, Some(config_path))
        } else {
            (Config::defaults(&name), None)
        };
        let accounts_dir = root.join(&config.accounts_dir);
        if let Some(at) = &config.accounts_dir_at
            && !accounts_dir.is_dir()
        {
            // A folder named on purpose that is not there: a typo, not an empty workspace.
            diags.error(
                at.clone(),
                if accounts_dir.exists() {
                    crate::msg!(
                        "the accounts folder \"{dir}\" is not a folder; create it (kam new does) or correct accounts_dir",
                        dir = &config.accounts_dir
                    )
                } else {
                    crate::msg!(
                        "the accounts folder \"{dir}\" does not exist; create it (kam new does) or correct accounts_dir",
                        dir = &config.accounts_dir
                    )
                },
            );
        }
        let accounts = load_accounts(&accounts_dir, diags);
        let customer_account = map_customers(&accounts, diags);
        let sales_files = if options.sales.is_empty() && config.sales_default {
            // Nobody asked for these files: finding none is no error (`kam check` warns).
            resolve(&root, &config.sales, "the default sales", false, diags)
        } else if options.sales.is_empty() {
            resolve_patterns(&root, &config.sales, "[workspace] sales in kam.toml", diags)
        } else {
            resolve_patterns(Path::new("."), &options.sales, "--sales", diags)
        };
        let broken_dossiers = dossier_files(&accounts_dir).saturating_sub(accounts.len());
        Some(Workspace {
            root,
            config_path,
            config,
            accounts,
            broken_dossiers,
            customer_account,
            sales_files,
        })
    }

    /// The account a customer number belongs to.
    pub fn account_of(&self, customer: &str) -> Option<&Account> {
        self.customer_account.get(customer.trim()).map(|&i| &self.accounts[i])
    }

    /// The files a command run with `options` reads, as far as they can be found whatever
    /// problems the workspace has: `kam.toml`, every `*.toml` of the accounts folder (also a
    /// dossier that does not load) and every export the patterns name. An output must be none of
    /// them.
    pub fn inputs_of(options: &Options) -> crate::fsutil::Inputs {
        let mut inputs = crate::fsutil::Inputs::new();
        let Ok(root) = find_root(options.dir.as_deref()) else { return inputs };
        let config = root.join(CONFIG_FILE);
        inputs.add(&config);
        let table: toml::Table =
            std::fs::read_to_string(&config).ok().and_then(|t| toml::from_str(&t).ok()).unwrap_or_default();
        let workspace = table.get("workspace");
        let dir =
            workspace.and_then(|w| w.get("accounts_dir")).and_then(|d| d.as_str()).unwrap_or("accounts");
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for entry in entries.flatten() {
                if entry.path().extension().is_some_and(|e| e == "toml") {
                    inputs.add(&entry.path());
                }
            }
        }
        let mut ignored = Diagnostics::new();
        let files = if options.sales.is_empty() {
            let patterns: Vec<String> =
                match workspace.and_then(|w| w.get("sales")).and_then(|s| s.as_array()) {
                    Some(list) => list.iter().filter_map(|p| p.as_str().map(str::to_string)).collect(),
                    None => crate::config::DEFAULT_SALES.iter().map(|s| s.to_string()).collect(),
                };
            resolve(&root, &patterns, "", false, &mut ignored)
        } else {
            resolve(Path::new("."), &options.sales, "", false, &mut ignored)
        };
        for file in &files {
            inputs.add(file);
        }
        inputs
    }

    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

/// The accounts folder named by a kam.toml that has errors, as far as it can be read.
fn accounts_dir_of_broken(config_path: &Path) -> String {
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let dir = table.get("workspace").and_then(|w| w.get("accounts_dir")).and_then(|d| d.as_str());
    dir.unwrap_or("accounts").to_string()
}

/// Reads every `*.toml` in the accounts folder, sorted by file name.
fn load_accounts(dir: &Path, diags: &mut Diagnostics) -> Vec<Account> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diags.error(
                Location::File(dir.to_path_buf()),
                crate::msg!("cannot read the accounts folder: {e}", e = e.to_string()),
            );
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| dossier::load(p, diags)).collect()
}

/// The number of dossier files in the accounts folder, loaded or not.
fn dossier_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .filter(|e| e.path().is_file() && e.path().extension().is_some_and(|x| x == "toml"))
            .count()
    })
}

/// Maps each customer number to its account; one customer in two accounts is an error.
fn map_customers(accounts: &[Account], diags: &mut Diagnostics) -> HashMap<String, usize> {
    let mut map: HashMap<String, usize> = HashMap::new();
    for (i, account) in accounts.iter().enumerate() {
        for (j, id) in account.customer_ids.iter().enumerate() {
            let id = id.trim();
            if id.is_empty() {
                continue;
            }
            match map.get(id) {
                Some(&other) if other != i => {
                    let first = &accounts[other];
                    let first_loc = first
                        .customer_ids
                        .iter()
                        .position(|c| c.trim() == id)
                        .and_then(|k| first.customer_id_lines.get(k))
                        .map_or_else(|| display_path(&first.path), |l| l.to_string());
                    let loc = account
                        .customer_id_lines
                        .get(j)
                        .cloned()
                        .unwrap_or(Location::File(account.path.clone()));
                    diags.error(
                        loc,
                        crate::msg!(
                            "customer \"{id}\" is already listed in account `{account}` ({at}); a customer belongs to one account",
                            id = id,
                            account = &first.id,
                            at = first_loc
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    map.insert(id.to_string(), i);
                }
            }
        }
    }
    map
}

/// Why a path matched or named as an export cannot be read as a file, or `None` when it can.
fn unreadable(path: &Path) -> Option<crate::messages::Message> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(m) if m.is_dir() => Some(crate::msg!("is a folder, not an export")),
        Ok(_) => Some(crate::msg!("is not a regular file (a device or a pipe)")),
        Err(e) => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            Some(if e.raw_os_error() == Some(40) {
                crate::msg!("is a symbolic link in a loop (it leads back to itself)")
            } else if link && e.kind() == std::io::ErrorKind::NotFound {
                match std::fs::read_link(path) {
                    Ok(t) => crate::msg!(
                        "is a symbolic link to {target} whose file does not exist",
                        target = t.display().to_string()
                    ),
                    Err(_) => crate::msg!("is a symbolic link whose file does not exist"),
                }
            } else if e.kind() == std::io::ErrorKind::NotFound {
                crate::msg!("no such file")
            } else {
                crate::msg!("cannot be read: {e}", e = e.to_string())
            })
        }
    }
}

/// Where a list of sales patterns comes from, in words.
fn origin_message(origin: &str) -> crate::messages::Message {
    match origin {
        "the default sales" => crate::msg!("the default sales"),
        "[workspace] sales in kam.toml" => crate::msg!("[workspace] sales in kam.toml"),
        other => crate::messages::Message::raw(other),
    }
}

/// Expands sales patterns (globs or plain paths, relative to `base`) to files. A pattern that
/// matches nothing is an error, and so is every matched path that cannot be read as a file (a
/// dangling symbolic link, a loop, a folder it cannot look into). A file named twice (by two
/// patterns, or by two paths to it) is read once, with a warning.
pub fn resolve_patterns(
    base: &Path,
    patterns: &[String],
    origin: &str,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    resolve(base, patterns, origin, true, diags)
}

/// [`resolve_patterns`]; without `required`, a pattern matching nothing is no error.
fn resolve(
    base: &Path,
    patterns: &[String],
    origin: &str,
    required: bool,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let origin = origin_message(origin);
    let mut files: Vec<(PathBuf, &str)> = Vec::new();
    for pattern in patterns {
        let full = if Path::new(pattern).is_absolute() { PathBuf::from(pattern) } else { base.join(pattern) };
        let shown = display_path(&full);
        if pattern.contains(['*', '?', '[']) {
            let text = full.to_string_lossy().into_owned();
            match glob::glob(&text) {
                Ok(paths) => {
                    let mut matched = Vec::new();
                    for entry in paths {
                        match entry {
                            Ok(p) => matched.push(PathBuf::from(display_path(&p))),
                            Err(e) => diags.error(
                                Location::File(e.path().to_path_buf()),
                                crate::msg!(
                                    "cannot look into this folder for `{pattern}` (from {origin}): {e}",
                                    pattern = pattern,
                                    origin = origin.clone(),
                                    e = e.error().to_string()
                                ),
                            ),
                        }
                    }
                    matched.sort();
                    if matched.is_empty() && required {
                        diags.error(
                            Location::None,
                            crate::msg!(
                                "{shown}: the pattern matches no file (from {origin})",
                                shown = &shown,
                                origin = origin.clone()
                            ),
                        );
                    }
                    for p in matched {
                        match unreadable(&p) {
                            // A folder that a pattern happens to match is not meant as an export.
                            Some(_) if p.is_dir() => {}
                            Some(why) => diags.error(
                                Location::File(p.clone()),
                                crate::msg!(
                                    "{why}; matched by `{pattern}` (from {origin})",
                                    why = why,
                                    pattern = pattern,
                                    origin = origin.clone()
                                ),
                            ),
                            None => files.push((p, pattern)),
                        }
                    }
                }
                Err(e) => diags.error(
                    Location::None,
                    crate::msg!(
                        "{shown}: not a valid pattern: {e} (from {origin})",
                        shown = &shown,
                        e = e.to_string(),
                        origin = origin.clone()
                    ),
                ),
            }
        } else {
            match unreadable(&full) {
                Some(why) => diags.error(
                    Location::File(full.clone()),
                    crate::msg!("{why} (from {origin})", why = why, origin = origin.clone()),
                ),
                None => files.push((PathBuf::from(shown), pattern)),
            }
        }
    }
    // Each real file once: compared by its identity (a hard link or a symbolic link to a file
    // named already is that file).
    let mut seen: HashMap<String, (PathBuf, &str)> = HashMap::new();
    let mut unique = Vec::new();
    for (file, pattern) in files {
        let canonical = crate::fsutil::identity(&file);
        match seen.get(&canonical) {
            Some((first, first_pattern)) => {
                if first != &file || first_pattern != &pattern {
                    diags.warning(
                        Location::File(file.clone()),
                        crate::msg!(
                            "`{pattern}` names {file} again (matched by `{first}` already); it is read once (from {origin})",
                            pattern = pattern,
                            file = display_path(first),
                            first = *first_pattern,
                            origin = origin.clone()
                        ),
                    );
                }
            }
            None => {
                seen.insert(canonical, (file.clone(), pattern));
                unique.push(file);
            }
        }
    }
    // `x.csv.gz` beside `x.csv`: a compressed copy is read once; two different files, both.
    let mut copies = Vec::new();
    for file in &unique {
        let name = file.to_string_lossy();
        let Some(plain) = name.strip_suffix(".gz").map(PathBuf::from) else { continue };
        if !unique.contains(&plain) {
            continue;
        }
        match same_content(&plain, file) {
            Some(true) => {
                diags.warning(
                    Location::File(file.clone()),
                    crate::msg!(
                        "is {file} compressed, byte for byte; it is read once (from {origin})",
                        file = display_path(&plain),
                        origin = origin.clone()
                    ),
                );
                copies.push(file.clone());
            }
            _ => diags.warning(
                Location::File(file.clone()),
                crate::msg!(
                    "its name says it is {file} compressed, but the two differ; both are read, so remove the one that is an old copy (from {origin})",
                    file = display_path(&plain),
                    origin = origin.clone()
                ),
            ),
        }
    }
    unique.retain(|f| !copies.contains(f));
    unique
}

/// Whether the plain file holds what the gzip file decompresses to; `None` when either cannot
/// be read (the reading of the exports reports why).
fn same_content(plain: &Path, gz: &Path) -> Option<bool> {
    use std::io::Read;
    let hash = |mut reader: Box<dyn Read>| -> Option<(u128, u64)> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut len = 0u64;
        loop {
            let n = reader.read(&mut buf).ok()?;
            if n == 0 {
                return Some((hasher.digest128(), len));
            }
            len += n as u64;
            hasher.update(&buf[..n]);
        }
    };
    let a = hash(Box::new(std::fs::File::open(plain).ok()?))?;
    let b = hash(Box::new(flate2::read::MultiGzDecoder::new(std::fs::File::open(gz).ok()?)))?;
    Some(a == b)
}
