//! The admin commands' logic (`seed`, `simulate …`, `inspect`): plain
//! synchronous functions that open the data directory themselves, so they
//! work from the command line while `serve` runs on the same directory
//! (SQLite WAL; every request reads fresh state).

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use klikt_media::Tools;
use klikt_wire::{
    Action, Event, EventId, ItemId, ItemStatus, ItemType, ModerationMode, TombstoneReason,
};
use rusqlite::{params, TransactionBehavior};
use serde::Serialize;

use crate::auth::ensure_account;
use crate::clock;
use crate::error::{Result, ServerError};
use crate::events::{mode_str, recorded_public_url, EventRow};
use crate::feed;
use crate::ids;
use crate::items::{self, find_item, parse_status, MediaRow};
use crate::moderation::remove_unused_originals;
use crate::store::files::HEAD_LEN;
use crate::store::Store;
use crate::uploads::{clean_name, ingest, sniff_staged, Incoming};

/// Guest names `seed` spreads the files over.
pub const SEED_UPLOADERS: [&str; 4] = ["Grandma Rose", "Lena", "Uncle Joe", "Mia"];
/// Captions `seed` puts on some files.
const SEED_CAPTIONS: [&str; 3] = ["First dance!", "Look who's here", "Best day ever"];
/// Plan name of seeded events.
pub const SEED_PLAN: &str = "Wedding";
/// How long after `expires_at` a seeded event's originals are kept.
pub const BACKUP_DAYS: i64 = 30;

/// What `seed` creates.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub email: String,
    pub password: String,
    /// The new event's name.
    pub event: String,
    /// A folder of media, read recursively.
    pub from: PathBuf,
    pub moderation: ModerationMode,
    /// Days from now until the plan expires (`expires_at`).
    pub expires_in_days: u32,
}

/// What `seed` did.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub event_id: EventId,
    /// The created media, in the order of the files (sorted by path).
    pub media: Vec<ItemId>,
    /// Files that are not photos or videos, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Creates the account (if needed), an event, and one media item per photo
/// or video under `opts.from`, spread over a few guest names.
pub fn seed(data_dir: &Path, opts: &SeedOptions) -> Result<SeedReport> {
    let store = Store::open(data_dir)?;
    let account_id = store.with_conn(|conn| ensure_account(conn, &opts.email, &opts.password))?;
    if !opts.from.is_dir() {
        return Err(ServerError::Validation(format!(
            "{} is not a folder",
            opts.from.display()
        )));
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(&opts.from).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            ServerError::io(
                format!("reading {}", opts.from.display()),
                std::io::Error::other(e),
            )
        })?;
        if entry.file_type().is_file() {
            paths.push(entry.into_path());
        }
    }

    let now = clock::now();
    let event_id = ids::event_id();
    let expires_at = now + i64::from(opts.expires_in_days) * 86_400;
    store.with_conn(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO events (id, account_id, name, date, share_token, moderation_mode,
                plan_name, expires_at, backup_until, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                event_id,
                account_id,
                opts.event,
                clock::instant(now).date_naive().to_string(),
                ids::token("s_"),
                mode_str(opts.moderation),
                SEED_PLAN,
                expires_at,
                expires_at + BACKUP_DAYS * 86_400,
                now
            ],
        )?;
        feed::record(&tx, &event_id, "event", &event_id)?;
        tx.commit()?;
        Ok::<_, ServerError>(())
    })?;

    let tools = Tools::detect();
    let mut media = Vec::new();
    let mut skipped = Vec::new();
    for (index, path) in paths.iter().enumerate() {
        let name = display_name(path);
        match sniff_path(path) {
            Ok(Some(_)) => {}
            Ok(None) => {
                skipped.push((path.clone(), "not a supported photo or video".to_owned()));
                continue;
            }
            Err(e) => {
                skipped.push((path.clone(), e.to_string()));
                continue;
            }
        }
        let incoming = stage(&store, path, &name)?;
        let uploader = SEED_UPLOADERS[index % SEED_UPLOADERS.len()];
        let caption = (index % 4 == 1).then(|| SEED_CAPTIONS[(index / 4) % SEED_CAPTIONS.len()]);
        let rows = ingest(
            &store,
            &tools,
            &event_id,
            uploader,
            caption,
            vec![incoming],
            false,
        )?;
        media.extend(rows.into_iter().map(|r| ItemId::new(r.id)));
    }
    Ok(SeedReport {
        event_id: EventId::new(event_id),
        media,
        skipped,
    })
}

fn display_name(path: &Path) -> String {
    clean_name(path.file_name().and_then(|n| n.to_str()), 0, None)
}

/// The format of a file from its first bytes (`None`: not media).
fn sniff_path(path: &Path) -> Result<Option<klikt_media::Format>> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    std::fs::File::open(path)
        .and_then(|f| f.take(HEAD_LEN as u64).read_to_end(&mut head))
        .map_err(|e| ServerError::io(format!("reading {}", path.display()), e))?;
    Ok(klikt_media::sniff(&head))
}

/// Copies a file into `tmp/`, hashed and sniffed.
fn stage(store: &Store, path: &Path, name: &str) -> Result<Incoming> {
    let staged = store.files.stage_copy(path)?;
    match sniff_staged(&staged, name) {
        Ok(format) => Ok(Incoming {
            staged,
            original_name: name.to_owned(),
            format,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&staged.temp);
            Err(e)
        }
    }
}

/// Creates an account; an existing one with the same password is fine.
pub fn create_account(data_dir: &Path, email: &str, password: &str) -> Result<()> {
    let store = Store::open(data_dir)?;
    store.with_conn(|conn| ensure_account(conn, email, password))?;
    Ok(())
}

/// A guest upload through the same core as `POST …/uploads`: all files or
/// none (an unsupported file fails the whole upload). Returns the new ids.
pub fn simulate_upload(
    data_dir: &Path,
    event: &EventId,
    uploader: &str,
    caption: Option<&str>,
    files: &[PathBuf],
) -> Result<Vec<ItemId>> {
    let store = Store::open(data_dir)?;
    if files.is_empty() {
        return Err(ServerError::Validation("no files to upload".into()));
    }
    let mut incoming = Vec::with_capacity(files.len());
    let mut staged_paths = Vec::new();
    let mut outcome = Ok(());
    for path in files {
        match stage(&store, path, &display_name(path)) {
            Ok(file) => {
                staged_paths.push(file.staged.temp.clone());
                incoming.push(file);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    if let Err(e) = outcome {
        for path in staged_paths {
            let _ = std::fs::remove_file(path);
        }
        return Err(e);
    }
    let result = ingest(
        &store,
        &Tools::detect(),
        event.as_str(),
        uploader,
        caption,
        incoming,
        true,
    );
    for path in staged_paths {
        let _ = std::fs::remove_file(path);
    }
    Ok(result?.into_iter().map(|r| ItemId::new(r.id)).collect())
}

/// A guest message, with the event's arrival status.
pub fn simulate_message(
    data_dir: &Path,
    event: &EventId,
    author: &str,
    text: &str,
) -> Result<ItemId> {
    let store = Store::open(data_dir)?;
    let author = author.trim();
    if author.is_empty() || text.trim().is_empty() {
        return Err(ServerError::Validation(
            "a message needs an author and a text".into(),
        ));
    }
    store.with_conn(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = EventRow::load(&tx, event.as_str())?
            .ok_or_else(|| ServerError::NotFound(format!("event {event}")))?;
        row.check_open(clock::now())?;
        let id = ids::message_id();
        tx.execute(
            "INSERT INTO messages (id, event_id, version, author, body, created_at, status)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)",
            params![
                id,
                row.id,
                author,
                text,
                clock::now(),
                items::status_str(row.arrival_status())
            ],
        )?;
        feed::record(&tx, &row.id, "message", &id)?;
        tx.commit()?;
        Ok(ItemId::new(id))
    })
}

/// Server-side deletion of a media item (or message): a tombstone with
/// `reason`, and the original's bytes deleted unless another live item
/// shares them. Deleting a deleted item changes nothing.
pub fn simulate_remove(data_dir: &Path, media: &ItemId, reason: TombstoneReason) -> Result<()> {
    let store = Store::open(data_dir)?;
    let sha = store.with_conn(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let item = find_item(&tx, media.as_str())?;
        items::delete(&tx, &item, reason)?;
        tx.commit()?;
        Ok::<_, ServerError>(item.sha256)
    })?;
    if let Some(sha) = sha {
        remove_unused_originals(&store, &[sha]);
    }
    Ok(())
}

/// Another moderator's decision: the item's status changes (version + 1,
/// a feed change). `status` is `pending`, `approved` or `hidden`.
pub fn simulate_moderate(data_dir: &Path, media: &ItemId, status: ItemStatus) -> Result<()> {
    if status == ItemStatus::Deleted {
        return Err(ServerError::Validation(
            "deleting is `simulate remove`, not a status".into(),
        ));
    }
    let store = Store::open(data_dir)?;
    store.with_conn(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let item = find_item(&tx, media.as_str())?;
        if item.is_deleted() {
            return Err(ServerError::Validation(format!("{media} is deleted")));
        }
        items::set_status(&tx, &item, status)?;
        tx.commit()?;
        Ok(())
    })
}

/// The plan ends now: `expires_at` = now (uploads and moderation answer 410,
/// downloads go on). With `gone`, `backup_until` = now too: every request
/// about the event answers 410. Media are not tombstoned.
pub fn simulate_expire(data_dir: &Path, event: &EventId, gone: bool) -> Result<()> {
    let store = Store::open(data_dir)?;
    store.with_conn(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = clock::now();
        let changed = if gone {
            tx.execute(
                "UPDATE events SET expires_at = MIN(expires_at, ?2), backup_until = ?2 WHERE id = ?1",
                params![event.as_str(), now],
            )?
        } else {
            tx.execute(
                "UPDATE events SET expires_at = ?2, backup_until = MAX(backup_until, ?2)
                 WHERE id = ?1",
                params![event.as_str(), now],
            )?
        };
        if changed == 0 {
            return Err(ServerError::NotFound(format!("event {event}")));
        }
        feed::record(&tx, event.as_str(), "event", event.as_str())?;
        tx.commit()?;
        Ok(())
    })
}

/// One media item as `inspect` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct InspectedMedia {
    pub id: ItemId,
    pub status: ItemStatus,
    pub version: u64,
    pub deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_reason: Option<TombstoneReason>,
    pub sha256: String,
    pub size: u64,
    pub original_name: String,
    pub uploader_name: String,
    pub has_preview: bool,
}

/// One guest message as `inspect` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct InspectedMessage {
    pub id: ItemId,
    pub status: ItemStatus,
    pub version: u64,
    pub deleted: bool,
    pub author: String,
}

/// One applied moderation decision.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedDecision {
    pub idempotency_key: String,
    pub decision_id: String,
    pub target: ItemType,
    pub id: ItemId,
    pub action: Action,
    /// The item's version after the decision.
    pub version: u64,
    pub status: ItemStatus,
    pub applied_at: DateTime<Utc>,
}

/// An event's state on the server, for tests and the `inspect` command.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub event: Event,
    /// Every media item, deleted ones included, in upload order.
    pub media: Vec<InspectedMedia>,
    pub messages: Vec<InspectedMessage>,
    /// Applied moderation decisions, oldest first.
    pub decisions: Vec<AppliedDecision>,
}

fn parse_action(s: &str) -> Action {
    match s {
        "approve" => Action::Approve,
        "hide" => Action::Hide,
        "delete" => Action::Delete,
        _ => Action::Restore,
    }
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The event's media, messages and applied moderation decisions.
pub fn inspect(data_dir: &Path, event: &EventId) -> Result<Inspection> {
    let store = Store::open(data_dir)?;
    store.with_conn(|conn| {
        let row = EventRow::load(conn, event.as_str())?
            .ok_or_else(|| ServerError::NotFound(format!("event {event}")))?;
        let public_url = recorded_public_url(conn)?;
        let wire = row.to_wire(conn, &public_url)?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {} FROM media WHERE event_id = ?1 ORDER BY uploaded_at, rowid",
            items::MEDIA_COLUMNS
        ))?;
        let media = stmt
            .query_map([event.as_str()], items::media_from_row)?
            .collect::<rusqlite::Result<Vec<MediaRow>>>()?
            .into_iter()
            .map(|m| InspectedMedia {
                id: ItemId::new(&m.id),
                status: m.status,
                version: to_u64(m.version),
                deleted: m.deleted_at.is_some(),
                deleted_reason: m.deleted_reason,
                sha256: m.sha256,
                size: to_u64(m.size),
                original_name: m.original_name,
                uploader_name: m.uploader_name,
                has_preview: m.preview_sha256.is_some(),
            })
            .collect();
        let mut stmt = conn.prepare(
            "SELECT id, status, version, deleted_at, author FROM messages
             WHERE event_id = ?1 ORDER BY created_at, rowid",
        )?;
        let messages = stmt
            .query_map([event.as_str()], |r| {
                Ok(InspectedMessage {
                    id: ItemId::new(r.get::<_, String>(0)?),
                    status: parse_status(&r.get::<_, String>(1)?),
                    version: to_u64(r.get(2)?),
                    deleted: r.get::<_, Option<i64>>(3)?.is_some(),
                    author: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = conn.prepare(
            "SELECT idempotency_key, decision_id, target, item_id, action, version, status,
                    applied_at
             FROM moderation_log WHERE event_id = ?1 ORDER BY id",
        )?;
        let decisions = stmt
            .query_map([event.as_str()], |r| {
                let target: String = r.get(2)?;
                Ok(AppliedDecision {
                    idempotency_key: r.get(0)?,
                    decision_id: r.get(1)?,
                    target: if target == "message" {
                        ItemType::Message
                    } else {
                        ItemType::Media
                    },
                    id: ItemId::new(r.get::<_, String>(3)?),
                    action: parse_action(&r.get::<_, String>(4)?),
                    version: to_u64(r.get(5)?),
                    status: parse_status(&r.get::<_, String>(6)?),
                    applied_at: clock::instant(r.get(7)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Inspection {
            event: wire,
            media,
            messages,
            decisions,
        })
    })
}
