//! The data directory: `klikt-server.db` (SQLite in WAL mode, so admin
//! commands can write while `serve` runs) and the files beside it
//! ([`files`]). Every request reads state from the database; nothing that
//! an admin command could change is cached in memory.

pub(crate) mod files;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Result, ServerError};
pub(crate) use files::Files;

/// Name of the database file in the data directory.
pub const DB_FILE: &str = "klikt-server.db";
/// Idle connections kept for reuse.
const POOL_SIZE: usize = 8;
/// How long a writer waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// An open data directory.
pub(crate) struct Store {
    db_path: PathBuf,
    pool: Mutex<Vec<Connection>>,
    pub(crate) files: Files,
}

impl Store {
    /// Opens (creating if needed) the data directory and migrates its database.
    pub(crate) fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            ServerError::io(format!("creating data directory {}", data_dir.display()), e)
        })?;
        let files = Files::open(data_dir)?;
        let db_path = data_dir.join(DB_FILE);
        let mut conn = connect(&db_path)?;
        schema::migrate(&mut conn, &db_path)?;
        if Store::meta(&conn, crate::feed::META_CURSOR_SALT)?.is_none() {
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
                [crate::feed::META_CURSOR_SALT, &crate::ids::base62(24)],
            )?;
        }
        Ok(Store {
            db_path,
            pool: Mutex::new(vec![conn]),
            files,
        })
    }

    /// Runs `f` with a connection of the pool (blocking: call it from a
    /// blocking thread in async code).
    pub(crate) fn with_conn<T, E: From<ServerError>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let pooled = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        let mut conn = match pooled {
            Some(conn) => conn,
            None => connect(&self.db_path).map_err(E::from)?,
        };
        let result = f(&mut conn);
        if let Ok(mut pool) = self.pool.lock() {
            if pool.len() < POOL_SIZE && conn.is_autocommit() {
                pool.push(conn);
            }
        }
        result
    }

    /// A value of the `meta` table.
    pub(crate) fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a value of the `meta` table.
    pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}
