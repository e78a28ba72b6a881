//! `klikt`: the command-line front end. Every command is a thin call into
//! `klikt-api`; this file only parses arguments and prints results.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use klikt_api::{ImportRequest, Klikt, MediaQuery, Status};

/// Klikt Desktop's command line: import, browse and (later) sync event albums.
#[derive(Parser)]
#[command(name = "klikt", version, about, long_about = None)]
struct Cli {
    /// Library folder (default: $KLIKT_LIBRARY, else ~/.local/share/klikt).
    #[arg(long, global = true, env = "KLIKT_LIBRARY", value_name = "DIR")]
    library: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the library's events with their counts.
    Events {
        #[arg(long)]
        json: bool,
    },
    /// Import photos and videos (files, folders, ZIP archives) into an event.
    Import {
        /// Files, folders (searched recursively) and ZIP archives.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The local event to import into; created if it does not exist.
        #[arg(long, value_name = "NAME")]
        event: String,
        /// Moderation status given to the new items.
        #[arg(long, default_value = "pending", value_parser = parse_status)]
        status: Status,
        /// Print the import report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// List an event's media in capture order.
    Ls {
        /// Event id or name.
        event: String,
        /// Only items with this moderation status (pending, approved, hidden, deleted).
        #[arg(long, value_parser = parse_status)]
        status: Option<Status>,
        #[arg(long)]
        json: bool,
    },
    /// Show one media item.
    Show {
        media_id: i64,
        #[arg(long)]
        json: bool,
    },
}

fn parse_status(text: &str) -> Result<Status, String> {
    text.parse::<Status>().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `klikt ls | head` closing the pipe early is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("klikt: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn open(library: Option<PathBuf>) -> Result<Klikt> {
    let dir = match library {
        Some(dir) => dir,
        None => klikt_api::default_library_dir()?,
    };
    Klikt::open(&dir).with_context(|| format!("cannot open the library at {}", dir.display()))
}

fn run(cli: Cli) -> Result<ExitCode> {
    let klikt = open(cli.library)?;
    match cli.command {
        Command::Events { json } => {
            let events = klikt.events()?;
            if json {
                output::json(&events)?;
            } else {
                output::events_table(&mut std::io::stdout().lock(), &events)?;
            }
        }
        Command::Import {
            paths,
            event,
            status,
            json,
        } => {
            let request = ImportRequest {
                event_name: event,
                paths,
                status,
            };
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template(
                    "{spinner} {pos}/{len} files [{bar:30}] {binary_bytes_per_sec} eta {eta} {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            let cancel = AtomicBool::new(false);
            let report = klikt.import(
                &request,
                &mut |p| {
                    bar.set_length(p.total);
                    bar.set_position(p.done);
                    bar.set_message(output::printable(&p.current));
                },
                &cancel,
            )?;
            bar.finish_and_clear();
            if json {
                output::json(&report)?;
            }
            output::import_summary(&report);
            if !report.rejected.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Ls {
            event,
            status,
            json,
        } => {
            let items = klikt.media(&event, &MediaQuery { status })?;
            if json {
                output::json(&items)?;
            } else {
                output::media_table(&mut std::io::stdout().lock(), &items)?;
            }
        }
        Command::Show { media_id, json } => {
            let item = klikt.media_item(media_id)?;
            if json {
                output::json(&item)?;
            } else {
                output::media_details(&mut std::io::stdout().lock(), &item)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
