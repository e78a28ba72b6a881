//! The database schema: append-only migrations applied in one IMMEDIATE
//! transaction; `PRAGMA user_version` is the schema version and a newer
//! database is refused. Never edit a migration that shipped; add one.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Result, ServerError};

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Tokens are stored as the SHA-256 of the token (hex), never in clear.
CREATE TABLE access_tokens (
    token_hash    TEXT PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    expires_at_ms INTEGER NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    used_at    INTEGER
);

CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    name            TEXT NOT NULL,
    date            TEXT NOT NULL,
    share_token     TEXT NOT NULL UNIQUE,
    moderation_mode TEXT NOT NULL CHECK (moderation_mode IN ('pre', 'post')),
    plan_name       TEXT NOT NULL,
    expires_at      INTEGER NOT NULL,
    backup_until    INTEGER NOT NULL,
    deleted_at      INTEGER,
    created_at      INTEGER NOT NULL
);

CREATE TABLE media (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL REFERENCES events(id),
    version        INTEGER NOT NULL,
    media_kind     TEXT NOT NULL CHECK (media_kind IN ('photo', 'video')),
    mime           TEXT NOT NULL,
    original_name  TEXT NOT NULL,
    uploader_name  TEXT NOT NULL,
    caption        TEXT,
    uploaded_at    INTEGER NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'hidden', 'deleted')),
    deleted_reason TEXT,
    deleted_at     INTEGER,
    preview_sha256 TEXT,
    preview_size   INTEGER
);
CREATE INDEX media_event ON media(event_id);
CREATE INDEX media_sha256 ON media(sha256);

CREATE TABLE messages (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL REFERENCES events(id),
    version        INTEGER NOT NULL,
    author         TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'hidden', 'deleted')),
    deleted_reason TEXT,
    deleted_at     INTEGER
);
CREATE INDEX messages_event ON messages(event_id);

-- The change feed: one row per (event, item), moved to a new `seq` each
-- time the item changes, so the feed read from its start is a snapshot.
-- AUTOINCREMENT: a seq is never reused, across all events.
CREATE TABLE changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    target   TEXT NOT NULL CHECK (target IN ('media', 'message', 'event')),
    item_id  TEXT NOT NULL,
    UNIQUE (event_id, target, item_id)
);
CREATE INDEX changes_event_seq ON changes(event_id, seq);

CREATE TABLE idempotency_keys (
    account_id  INTEGER NOT NULL,
    event_id    TEXT NOT NULL,
    key         TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    status      INTEGER,
    response    TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, event_id, key)
);

-- One row per applied moderation decision (for `inspect`).
CREATE TABLE moderation_log (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    decision_id     TEXT NOT NULL,
    target          TEXT NOT NULL,
    item_id         TEXT NOT NULL,
    action          TEXT NOT NULL,
    version         INTEGER NOT NULL,
    status          TEXT NOT NULL,
    applied_at      INTEGER NOT NULL
);
CREATE INDEX moderation_log_event ON moderation_log(event_id);
"#];

/// Brings the database to the current schema, or refuses a newer one.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(ServerError::NewerSchema(path.to_path_buf(), version));
    }
    for sql in &MIGRATIONS[version as usize..] {
        tx.execute_batch(sql)?;
    }
    if version < known {
        tx.pragma_update(None, "user_version", known)?;
    }
    tx.commit()?;
    Ok(())
}
