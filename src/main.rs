//! The `kam` command line: clap definitions only; the work is done by the `kam` library.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Key account management from plain-text files: account dossiers in TOML, ERP sales exports in
/// CSV, reports in Markdown.
#[derive(Debug, Parser)]
#[command(name = "kam", version, about, long_about = None)]
struct Cli {
    /// Run in DIR instead of finding kam.toml upwards from the current folder.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    dir: Option<PathBuf>,

    /// Read these sales exports instead of those named in kam.toml (paths or globs).
    #[arg(long, value_name = "FILE", num_args = 1.., global = true)]
    sales: Vec<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate kam.toml, the account dossiers and the sales exports; list every problem.
    ///
    /// Errors name the file, the line and the column (TOML) or the column header (CSV).
    /// Exit code 0 when there are only warnings, 1 when there are errors.
    ///
    /// Example: kam check
    #[command(
        after_help = "Example:\n  kam check\n  kam -C examples/english check\n  kam check --sales exports/2026-*.csv"
    )]
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = kam::workspace::Options { dir: cli.dir, sales: cli.sales };
    match cli.command {
        Command::Check => {
            let today = match kam::today() {
                Ok(d) => d,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return ExitCode::from(2);
                }
            };
            let report = kam::check::check(&options, today);
            for d in report.diagnostics.items() {
                eprintln!("{d}");
            }
            eprintln!("{}", report.summary());
            if report.diagnostics.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
    }
}
