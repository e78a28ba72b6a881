//! Opening `library.db` and bringing its schema up to date.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{LibraryError, Result};

/// Embedded, append-only migrations. The schema version is the index + 1 and is
/// kept in `PRAGMA user_version`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_sync.sql"),
    include_str!("../migrations/0003_decisions.sql"),
    include_str!("../migrations/0004_browse.sql"),
    include_str!("../migrations/0005_slideshow.sql"),
    include_str!("../migrations/0006_exports.sql"),
    include_str!("../migrations/0007_export_coverage.sql"),
    include_str!("../migrations/0008_original_blake3.sql"),
];

/// The newest schema version this build understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Opens a connection with the settings every Klikt connection needs.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Another process (the app beside the CLI) may hold the write lock for a moment.
    conn.busy_timeout(Duration::from_secs(15))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // NORMAL is durable across application crashes in WAL mode; only an OS crash
    // may lose the last transactions, never corrupt the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Deleted guest content must not linger in free pages.
    conn.pragma_update(None, "secure_delete", true)?;
    Ok(conn)
}

/// Applies every pending migration in one IMMEDIATE transaction: either the
/// database ends at [`SCHEMA_VERSION`] or it is left exactly as it was.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(LibraryError::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // IMMEDIATE takes the write lock up front, so a concurrent opener waits on
    // the busy timeout instead of failing with SQLITE_BUSY on lock upgrade.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Re-read under the lock: another process may have migrated meanwhile.
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(LibraryError::NewerSchema {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i64 + 1;
        tx.execute_batch(sql)
            .map_err(|source| LibraryError::Migration { version, source })?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(|source| LibraryError::Migration {
            version: SCHEMA_VERSION,
            source,
        })?;
    tx.commit().map_err(|source| LibraryError::Migration {
        version: SCHEMA_VERSION,
        source,
    })?;
    Ok(())
}
