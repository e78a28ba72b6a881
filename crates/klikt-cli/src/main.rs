//! `klikt`: the command-line front end. Every command is a thin call into
//! `klikt-api`; this file only parses arguments and prints results.

mod collection;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use klikt_api::{
    Curation, ExportLayout, ExportRequest, ExportSelection, Flag, ImportRequest, Klikt, MediaQuery,
    Moderation, PullOptions, Selection, Selector, Status,
};

/// Klikt Desktop's command line: import, pull, browse and curate event albums.
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
    /// List the library's events with their counts (or, with --remote, the
    /// signed-in account's events on the server, with their expiry).
    Events {
        #[arg(long)]
        remote: bool,
        #[arg(long)]
        json: bool,
    },
    /// Sign in to a Klikt server. The tokens go to the OS keyring, nowhere else.
    Login {
        /// The server's address, e.g. https://klikt.app
        #[arg(long, value_name = "URL")]
        server: String,
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// Read the password from standard input (first line) instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sign out: the server ends the session and the tokens leave the keyring.
    Logout,
    /// Pull an event from the server: everything the first time, then only changes.
    Pull {
        /// Local id, name, or the server's event id.
        event: String,
        /// Concurrent downloads.
        #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=32))]
        jobs: u16,
        /// Print the pull report as JSON on stdout.
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
    /// Moderate media: approve, hide, delete (to the trash) or restore, by id
    /// or by filter. On a server event the decision also goes to the outbox.
    Moderate {
        /// Event id, name, or the server's event id.
        event: String,
        #[command(flatten)]
        action: ModerationArg,
        /// Media ids (see `klikt ls`), or guest message ids with --messages.
        #[arg(value_name = "ID", required_unless_present = "filter")]
        ids: Vec<i64>,
        /// The ids are guest messages (see `klikt messages`), not media.
        #[arg(long, conflicts_with = "filter")]
        messages: bool,
        /// Items matching a filter instead of ids: comma-separated
        /// `status=…`, `uploader=…`, `kind=photo|video`, `flag=…`.
        #[arg(long = "where", value_name = "FILTER", conflicts_with = "ids", value_parser = parse_selector)]
        filter: Option<Selector>,
        #[arg(long)]
        json: bool,
    },
    /// List an event's guest messages (trashed ones left out).
    Messages {
        event: String,
        #[arg(long)]
        json: bool,
    },
    /// Flag a media item picked, rejected, or none.
    Flag {
        media_id: i64,
        #[arg(value_parser = parse_flag)]
        flag: Flag,
    },
    /// Rate a media item, 0 to 5 stars.
    Rate {
        media_id: i64,
        #[arg(value_parser = clap::value_parser!(u8).range(0..=5))]
        stars: u8,
    },
    /// Mark a media item favorite (on) or not (off).
    Favorite {
        media_id: i64,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Undo the event's most recent decision.
    Undo { event: String },
    /// The event's decisions, newest first (the audit log).
    Log {
        event: String,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Send the event's pending moderation decisions to the server.
    Push {
        event: String,
        #[arg(long)]
        json: bool,
    },
    /// Pull, then push.
    Sync {
        event: String,
        #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=32))]
        jobs: u16,
        #[arg(long)]
        json: bool,
    },
    /// Decisions waiting for the server, and dead letters with their reason.
    Outbox {
        event: String,
        #[arg(long)]
        json: bool,
    },
    /// Decisions the server did not take because another change won.
    Conflicts {
        event: String,
        /// Keep the server's state for this media item: its conflict leaves the list.
        #[arg(long, value_name = "MEDIA_ID")]
        keep: Option<i64>,
        /// With --keep: the id is a guest message's.
        #[arg(long, requires = "keep")]
        message: bool,
        #[arg(long)]
        json: bool,
    },
    /// Collections: curated, ordered sets of an event's media (local only).
    Collection {
        #[command(subcommand)]
        command: collection::CollectionCommand,
    },
    /// The event's share-URL QR code for print: SVG or PNG, by FILE's extension.
    Qr {
        event: String,
        /// Where to write it: `*.svg` or `*.png`.
        #[arg(long)]
        out: PathBuf,
        /// Pixels a side of a PNG (at least).
        #[arg(long, default_value_t = 1024)]
        size: u32,
    },
    /// Export an event's originals and guest messages to a folder or a ZIP
    /// file, with manifest.json and SHA256SUMS. Re-running the same export
    /// keeps what is already there with the right hash.
    Export {
        /// Event id or name.
        event: String,
        /// A folder, or a file ending in `.zip`.
        #[arg(long, value_name = "DIR|FILE.zip")]
        to: PathBuf,
        /// Which items: all, approved, picked, favorites or collection:NAME.
        #[arg(long, default_value = "all", value_parser = parse_selection)]
        only: ExportSelection,
        /// File names; placeholders {date} {time} {uploader} {seq} {ext} {original} {id}.
        #[arg(long, default_value = klikt_api::export::DEFAULT_TEMPLATE)]
        template: String,
        /// flat, by-uploader or by-day.
        #[arg(long, default_value = "flat", value_parser = parse_layout)]
        layout: ExportLayout,
        /// Remove GPS tags from JPEG copies (for sharing); originals stay as they are.
        #[arg(long)]
        strip_location: bool,
        /// Add an offline index.html with thumbnails that opens in any browser.
        #[arg(long)]
        gallery: bool,
        /// Print the export report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Re-hash an export (a folder or a .zip) against its manifest and name
    /// every missing or altered file.
    Verify {
        #[arg(value_name = "DIR|FILE.zip")]
        path: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Remove an event from this computer entirely: originals, renditions and
    /// every row (nothing left in the database file or its WAL). The server's
    /// copy is not touched.
    Forget {
        /// Event id or name.
        event: String,
        /// Do it without asking (scripts); otherwise the event's name must be typed.
        #[arg(long)]
        yes: bool,
    },
    /// The trash of a local event.
    Trash {
        #[command(subcommand)]
        command: TrashCommand,
    },
    /// Show one media item.
    Show {
        media_id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
#[group(required = true, multiple = false)]
struct ModerationArg {
    #[arg(long)]
    approve: bool,
    #[arg(long)]
    hide: bool,
    /// To the event's trash (restorable until the server confirms, or until
    /// `klikt trash empty` for a local event).
    #[arg(long)]
    delete: bool,
    /// Out of the trash, or undo a hide.
    #[arg(long)]
    restore: bool,
}

impl ModerationArg {
    fn decision(&self) -> Moderation {
        if self.approve {
            Moderation::Approve
        } else if self.hide {
            Moderation::Hide
        } else if self.delete {
            Moderation::Delete
        } else {
            Moderation::Restore
        }
    }
}

#[derive(Subcommand)]
enum TrashCommand {
    /// Purge the trashed items of a local event for good.
    Empty { event: String },
}

fn parse_flag(text: &str) -> Result<Flag, String> {
    text.parse::<Flag>().map_err(|e| e.to_string())
}

/// `status=pending,uploader=Grandma Rose,kind=photo,flag=picked`
fn parse_selector(text: &str) -> Result<Selector, String> {
    let mut selector = Selector::default();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not key=value"))?;
        let value = value.trim();
        match key.trim() {
            "status" => selector.status = Some(parse_status(value)?),
            "uploader" => selector.uploader = Some(value.to_owned()),
            "kind" => {
                selector.kind = Some(
                    value
                        .parse()
                        .map_err(|e: klikt_api::LibraryError| e.to_string())?,
                )
            }
            "flag" => selector.flag = Some(parse_flag(value)?),
            other => {
                return Err(format!(
                    "unknown filter {other:?}; use status, uploader, kind or flag"
                ))
            }
        }
    }
    Ok(selector)
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

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The password from stdin (`--password-stdin`), else from a prompt on the
/// terminal without echo.
fn read_password(from_stdin: bool) -> Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        rpassword::prompt_password("Password: ")
            .context("cannot prompt for the password (no terminal?); use --password-stdin")?
    };
    if password.is_empty() {
        anyhow::bail!("the password is empty");
    }
    Ok(password)
}

fn pull(klikt: &Klikt, event: &str, jobs: usize) -> Result<klikt_api::PullReport> {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let cancel = AtomicBool::new(false);
    let runtime = runtime()?;
    let options = PullOptions { jobs };
    let observe = |p: &klikt_api::PullProgress| {
        if p.phase == "changes" {
            bar.set_message(format!("{} changes", p.changes));
        } else {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!("{}/{} originals", p.items_done, p.items_total));
        }
    };
    let report = runtime.block_on(async {
        let pulling = klikt.pull(event, &options, &observe, &cancel);
        tokio::pin!(pulling);
        tokio::select! {
            report = &mut pulling => report,
            _ = tokio::signal::ctrl_c() => {
                // Finish cleanly: what is downloaded is committed, partial
                // files stay to be resumed by the next pull.
                bar.println("stopping after the downloads under way…");
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                pulling.await
            }
        }
    });
    bar.finish_and_clear();
    Ok(report?)
}

/// Exports with a progress bar; Ctrl+C stops between files (a folder keeps
/// what was written for the next run, a ZIP is removed).
fn export(klikt: &Klikt, request: &ExportRequest) -> Result<klikt_api::ExportReport> {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let cancel = std::sync::Arc::new(AtomicBool::new(false));
    let on_signal = cancel.clone();
    let _ = ctrlc_once(move || on_signal.store(true, std::sync::atomic::Ordering::Relaxed));
    let report = klikt.export(
        request,
        &mut |p| {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!("{}/{} files", p.done, p.total));
        },
        &cancel,
    );
    bar.finish_and_clear();
    Ok(report?)
}

/// Runs `on_interrupt` on the first Ctrl+C (from a small runtime thread).
fn ctrlc_once(on_interrupt: impl FnOnce() + Send + 'static) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the signal handler")?;
    std::thread::spawn(move || {
        runtime.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("stopping after the file under way…");
                on_interrupt();
            }
        });
    });
    Ok(())
}

/// Asks for the event's name on the terminal; true when it was typed exactly.
fn confirm_by_name(name: &str) -> Result<bool> {
    eprint!("Type the event's name ({name}) to remove it from this computer: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the confirmation from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']) == name)
}

fn parse_selection(text: &str) -> Result<ExportSelection, String> {
    match text {
        "all" => Ok(ExportSelection::All),
        "approved" => Ok(ExportSelection::Approved),
        "picked" => Ok(ExportSelection::Picked),
        "favorites" => Ok(ExportSelection::Favorites),
        _ => match text.strip_prefix("collection:") {
            Some(name) if !name.is_empty() => Ok(ExportSelection::Collection(name.to_owned())),
            _ => Err("expected all, approved, picked, favorites or collection:NAME".to_owned()),
        },
    }
}

fn parse_layout(text: &str) -> Result<ExportLayout, String> {
    match text {
        "flat" => Ok(ExportLayout::Flat),
        "by-uploader" => Ok(ExportLayout::ByUploader),
        "by-day" => Ok(ExportLayout::ByDay),
        _ => Err("expected flat, by-uploader or by-day".to_owned()),
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let klikt = open(cli.library)?;
    match cli.command {
        Command::Events { remote: true, json } => {
            let events = runtime()?.block_on(klikt.remote_events())?;
            if json {
                output::json(&events)?;
            } else {
                output::remote_events_table(&mut std::io::stdout().lock(), &events)?;
            }
        }
        Command::Login {
            server,
            email,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let account = runtime()?.block_on(klikt.login(&server, &email, &password))?;
            eprintln!(
                "Signed in to {} as {} (tokens are in the system keyring).",
                account.server_url, account.email
            );
        }
        Command::Logout => match runtime()?.block_on(klikt.logout())? {
            Some(account) => eprintln!("Signed out of {} ({}).", account.server_url, account.email),
            None => eprintln!("Not signed in."),
        },
        Command::Pull { event, jobs, json } => {
            let report = pull(&klikt, &event, usize::from(jobs))?;
            if json {
                output::json(&report)?;
            }
            output::pull_summary(&report);
            if report.cancelled || !report.failed.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Events {
            remote: false,
            json,
        } => {
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
            let items = klikt.media(
                &event,
                &MediaQuery {
                    status,
                    ..MediaQuery::default()
                },
            )?;
            if json {
                output::json(&items)?;
            } else {
                output::media_table(&mut std::io::stdout().lock(), &items)?;
            }
        }
        Command::Moderate {
            event,
            action,
            ids,
            messages,
            filter,
            json,
        } => {
            let selection = match filter {
                Some(selector) => Selection::Where(selector),
                None if messages => Selection::Messages(ids),
                None => Selection::Ids(ids),
            };
            let report = klikt.moderate(&event, &selection, action.decision())?;
            return output::decision_outcome(&report, json);
        }
        Command::Messages { event, json } => {
            let list = klikt.messages(&event)?;
            if json {
                output::json(&list)?;
            } else {
                output::messages_table(&mut std::io::stdout().lock(), &list)?;
            }
        }
        Command::Flag { media_id, flag } => {
            output::decision_summary(&klikt.curate(media_id, Curation::Flag(flag))?);
        }
        Command::Rate { media_id, stars } => {
            output::decision_summary(&klikt.curate(media_id, Curation::Rating(stars))?);
        }
        Command::Favorite { media_id, state } => {
            let on = state == "on";
            output::decision_summary(&klikt.curate(media_id, Curation::Favorite(on))?);
        }
        Command::Undo { event } => {
            let undone = klikt.undo(&event)?;
            for entry in &undone {
                let what = match entry.target.as_str() {
                    "collection" => "collection",
                    "message" => "guest message",
                    _ => "media item",
                };
                eprintln!(
                    "Undid {} of {what} {} ({} → {}).",
                    entry.action,
                    entry.item_id,
                    output::printable(&entry.before),
                    output::printable(&entry.after)
                )
            }
            if undone.is_empty() {
                eprintln!("Nothing to undo.");
            }
        }
        Command::Log { event, limit, json } => {
            let log = klikt.decision_log(&event, limit)?;
            if json {
                output::json(&log)?;
            } else {
                output::log_table(&mut std::io::stdout().lock(), &log)?;
            }
        }
        Command::Push { event, json } => {
            let report = runtime()?.block_on(klikt.push(&event))?;
            if json {
                output::json(&report)?;
            }
            output::push_summary(&report);
        }
        Command::Sync { event, jobs, json } => {
            let runtime = runtime()?;
            let cancel = AtomicBool::new(false);
            let options = PullOptions {
                jobs: usize::from(jobs),
            };
            let (pulled, pushed) =
                runtime.block_on(klikt.sync(&event, &options, &|_| {}, &cancel))?;
            if json {
                output::json(&serde_json::json!({ "pull": pulled, "push": pushed }))?;
            }
            output::pull_summary(&pulled);
            output::push_summary(&pushed);
            if !pulled.failed.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Outbox { event, json } => {
            let entries = klikt.outbox(&event)?;
            if json {
                output::json(&entries)?;
            } else {
                output::outbox_table(&mut std::io::stdout().lock(), &entries)?;
            }
        }
        Command::Conflicts {
            event,
            keep: Some(item),
            message,
            ..
        } => {
            let target = if message { "message" } else { "media" };
            match klikt.keep_server_state(&event, target, item)? {
                0 => anyhow::bail!("{target} {item} has no open conflict in {event:?}"),
                _ => eprintln!("Kept the server's state for {target} {item}."),
            }
        }
        Command::Conflicts {
            event,
            json,
            keep: None,
            ..
        } => {
            let list = klikt.conflicts(&event)?;
            if json {
                output::json(&list)?;
            } else {
                output::conflicts_table(&mut std::io::stdout().lock(), &list)?;
            }
        }
        Command::Collection { command } => return collection::run(&klikt, command),
        Command::Qr { event, out, size } => {
            klikt.save_share_qr(&event, &out, size)?;
            eprintln!("Wrote the QR code of {event:?} to {}.", out.display());
        }
        Command::Export {
            event,
            to,
            only,
            template,
            layout,
            strip_location,
            gallery,
            json,
        } => {
            let request = ExportRequest {
                event,
                to,
                only,
                template: Some(template),
                layout,
                strip_location,
                gallery,
            };
            let report = export(&klikt, &request)?;
            if json {
                output::json(&report)?;
            }
            output::export_summary(&report);
            if report.cancelled || !report.failed.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Verify { path, json } => {
            let report = klikt.verify_export(&path)?;
            if json {
                output::json(&report)?;
            }
            output::verify_summary(&report);
            if !report.ok() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Forget { event, yes } => {
            let preview = klikt.forget_preview(&event)?;
            output::forget_warning(&preview);
            if !yes && !confirm_by_name(&preview.event_name)? {
                eprintln!("Nothing was removed.");
                return Ok(ExitCode::FAILURE);
            }
            let report = klikt.forget(&event)?;
            eprintln!(
                "Forgot {:?}: {} item(s), {} message(s), {} freed.",
                report.event_name,
                report.media_removed,
                report.messages_removed,
                output::human_bytes(report.bytes_freed)
            );
        }
        Command::Trash {
            command: TrashCommand::Empty { event },
        } => {
            let purged = klikt.empty_trash(&event)?;
            eprintln!("Purged {purged} item(s) from the trash.");
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
