//! `klikt-server`: run the reference Klikt server (`serve`), fill a data
//! directory with an event (`seed`), act as guests and other moderators
//! (`simulate …`) and look at an event's state (`inspect`). Every command
//! works while `serve` runs on the same data directory.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use klikt_server::admin::{self, SeedOptions};
use klikt_server::{FaultProxy, Faults, ProxyFaults, ServerConfig};
use klikt_wire::{EventId, ItemId, ItemStatus, ModerationMode, TombstoneReason};

#[derive(Parser)]
#[command(name = "klikt-server", version, about = "The reference Klikt server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the protocol until SIGINT or SIGTERM.
    Serve {
        /// Data directory (database and originals); created if missing.
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Base of share URLs; defaults to the listen URL.
        #[arg(long)]
        public_url: Option<String>,
        /// Access-token lifetime in seconds.
        #[arg(long, env = "KLIKT_SERVER_ACCESS_TTL_SECS", default_value_t = 900)]
        access_ttl_secs: u64,
        /// Largest upload request in bytes (sum of its files).
        #[arg(long, default_value_t = klikt_server::config::DEFAULT_MAX_UPLOAD_BYTES)]
        max_upload_bytes: u64,
        /// All faults in one spec, e.g. "latency_ms=50,error_rate=0.1"; the
        /// single fault flags below override its values.
        #[arg(long, env = "KLIKT_FAULTS")]
        faults: Option<String>,
        /// Added latency per request, in milliseconds.
        #[arg(long)]
        latency_ms: Option<u64>,
        /// Share of requests answered with an error (0–1).
        #[arg(long)]
        error_rate: Option<f64>,
        /// Status of injected errors (503 or another 5xx).
        #[arg(long)]
        error_status: Option<u16>,
        /// Retry-After seconds on injected errors.
        #[arg(long)]
        error_retry_after: Option<u64>,
        /// Every Nth request starts a burst of 429 answers.
        #[arg(long)]
        rate_limit_every: Option<u64>,
        /// Length of each 429 burst.
        #[arg(long)]
        rate_limit_burst: Option<u64>,
        /// Retry-After seconds on 429 answers.
        #[arg(long)]
        retry_after: Option<u64>,
        /// Share of responses cut mid-body with a connection reset (0–1).
        #[arg(long)]
        reset_rate: Option<f64>,
        /// Seed of the fault decisions.
        #[arg(long)]
        fault_seed: Option<u64>,
    },
    /// Create an account (if needed) and an event from a folder of media.
    Seed {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// Name of the new event.
        #[arg(long)]
        event: String,
        /// Folder of photos and videos, read recursively.
        #[arg(long)]
        from: PathBuf,
        #[arg(long, value_enum, default_value_t = Mode::Post)]
        moderation: Mode,
        /// Days until the plan expires.
        #[arg(long, default_value_t = 90)]
        expires_in_days: u32,
    },
    /// Act as guests, other moderators, or the service itself.
    #[command(subcommand)]
    Simulate(Simulate),
    /// A fault-injecting TCP proxy in front of a server: point the client
    /// at it to try a pull or push over a bad network.
    Proxy {
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: String,
        /// The server to forward to, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        upstream: String,
        /// Faults, one per new connection in turn: pass, delay:MS, reset,
        /// lose-answer, error:STATUS[:RETRY_AFTER], 429:RETRY_AFTER, stall.
        /// Defaults to one of each kind.
        #[arg(long)]
        cycle: Option<String>,
        /// Decides where resets and stalls cut a connection.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Show an event's media, messages and applied moderation decisions.
    Inspect {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        event: String,
        /// Print JSON (the only format for now).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum Simulate {
    /// A guest uploads files (all or nothing); prints the new media ids.
    Upload {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        event: String,
        #[arg(long)]
        uploader: String,
        #[arg(long)]
        caption: Option<String>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// A guest writes a message; prints its id.
    Message {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        event: String,
        #[arg(long)]
        author: String,
        text: String,
    },
    /// The service deletes an item (tombstone; the original's bytes go).
    Remove {
        #[arg(long)]
        data: PathBuf,
        /// A media id (or a message id).
        #[arg(long)]
        media: String,
        #[arg(long, value_enum)]
        reason: Reason,
    },
    /// Another moderator sets an item's status.
    Moderate {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        media: String,
        #[arg(long, value_enum)]
        status: Status,
    },
    /// The plan ends now: uploads and moderation answer 410.
    Expire {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        event: String,
        /// Also end the backup period: every request about the event answers 410.
        #[arg(long)]
        gone: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Pre,
    Post,
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")] // the protocol's spelling: removal_request
enum Reason {
    RemovalRequest,
    Moderation,
    Uploader,
    Retention,
}

#[derive(Clone, Copy, ValueEnum)]
enum Status {
    Pending,
    Approved,
    Hidden,
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // One readable line with its causes, not a debug dump.
            eprintln!("klikt-server: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Proxy {
            listen,
            upstream,
            cycle,
            seed,
        } => {
            let faults = match cycle {
                Some(text) => ProxyFaults::parse_cycle(&text, seed).map_err(anyhow::Error::msg)?,
                None => ProxyFaults::every_kind(seed),
            };
            let proxy = FaultProxy::start_on(&listen, &upstream, faults)?;
            // The port, for scripts that asked for port 0.
            println!("{}", proxy.url());
            proxy.wait();
            Ok(())
        }
        Command::Serve {
            data,
            listen,
            public_url,
            access_ttl_secs,
            max_upload_bytes,
            faults,
            latency_ms,
            error_rate,
            error_status,
            error_retry_after,
            rate_limit_every,
            rate_limit_burst,
            retry_after,
            reset_rate,
            fault_seed,
        } => {
            let mut f = match faults {
                Some(spec) => {
                    Faults::from_spec(&spec).context("fault spec (--faults / KLIKT_FAULTS)")?
                }
                None => Faults::none(),
            };
            f.latency_ms = latency_ms.unwrap_or(f.latency_ms);
            f.error_rate = error_rate.unwrap_or(f.error_rate);
            f.error_status = error_status.unwrap_or(f.error_status);
            f.error_retry_after = error_retry_after.or(f.error_retry_after);
            f.rate_limit_every = rate_limit_every.unwrap_or(f.rate_limit_every);
            f.rate_limit_burst = rate_limit_burst.unwrap_or(f.rate_limit_burst);
            f.retry_after = retry_after.unwrap_or(f.retry_after);
            f.reset_rate = reset_rate.unwrap_or(f.reset_rate);
            f.seed = fault_seed.unwrap_or(f.seed);
            let mut config = ServerConfig::new(data);
            config.public_url = public_url;
            config.access_ttl = Duration::from_secs(access_ttl_secs);
            config.max_upload_bytes = max_upload_bytes;
            config.faults = f;
            serve(config, &listen)
        }
        Command::Seed {
            data,
            email,
            password,
            event,
            from,
            moderation,
            expires_in_days,
        } => {
            let report = admin::seed(
                &data,
                &SeedOptions {
                    email,
                    password,
                    event,
                    from,
                    moderation: match moderation {
                        Mode::Pre => ModerationMode::Pre,
                        Mode::Post => ModerationMode::Post,
                    },
                    expires_in_days,
                },
            )?;
            for (path, reason) in &report.skipped {
                eprintln!("warning: skipped {}: {reason}", path.display());
            }
            println!("seeded {} media", report.media.len());
            println!("event {}", report.event_id);
            Ok(())
        }
        Command::Simulate(simulate) => run_simulate(simulate),
        Command::Inspect {
            data,
            event,
            json: _,
        } => {
            let inspection = admin::inspect(&data, &EventId::new(event))?;
            println!("{}", serde_json::to_string_pretty(&inspection)?);
            Ok(())
        }
    }
}

fn run_simulate(simulate: Simulate) -> Result<()> {
    match simulate {
        Simulate::Upload {
            data,
            event,
            uploader,
            caption,
            files,
        } => {
            let ids = admin::simulate_upload(
                &data,
                &EventId::new(event),
                &uploader,
                caption.as_deref(),
                &files,
            )?;
            for id in ids {
                println!("{id}");
            }
        }
        Simulate::Message {
            data,
            event,
            author,
            text,
        } => {
            let id = admin::simulate_message(&data, &EventId::new(event), &author, &text)?;
            println!("{id}");
        }
        Simulate::Remove {
            data,
            media,
            reason,
        } => {
            let reason = match reason {
                Reason::RemovalRequest => TombstoneReason::RemovalRequest,
                Reason::Moderation => TombstoneReason::Moderation,
                Reason::Uploader => TombstoneReason::Uploader,
                Reason::Retention => TombstoneReason::Retention,
            };
            admin::simulate_remove(&data, &ItemId::new(media), reason)?;
        }
        Simulate::Moderate {
            data,
            media,
            status,
        } => {
            let status = match status {
                Status::Pending => ItemStatus::Pending,
                Status::Approved => ItemStatus::Approved,
                Status::Hidden => ItemStatus::Hidden,
            };
            admin::simulate_moderate(&data, &ItemId::new(media), status)?;
        }
        Simulate::Expire { data, event, gone } => {
            admin::simulate_expire(&data, &EventId::new(event), gone)?;
        }
    }
    Ok(())
}

fn serve(config: ServerConfig, listen: &str) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let addr = listener.local_addr()?;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on http://{addr}")?;
        stdout.flush()?;
        klikt_server::serve(listener, config, shutdown_signal()).await?;
        Ok(())
    })
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
