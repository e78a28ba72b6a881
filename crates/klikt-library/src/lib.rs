//! The local Klikt library: one folder holding `library.db` (SQLite) and the
//! media store (originals by SHA-256, renditions beside them).
//!
//! This crate owns the schema and its migrations, the store's file layout and
//! its crash-safety rules, and the queries over both. It knows nothing of
//! image decoding, the network, or any front end.

pub mod db;
mod error;
pub mod model;
pub mod store;
pub mod tables;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use error::{LibraryError, Result};
pub use model::{Flag, MediaKind, Preview, Status};
pub use store::{FileKind, Sha256Hex, Store, SweepReport};

/// An open library. Cheap to share between threads (`Send + Sync`).
#[derive(Debug)]
pub struct Library {
    dir: PathBuf,
    store: Store,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    sweep: SweepReport,
    // Held (shared) for as long as the library is open, so that a process that
    // opens it alone knows nobody else is writing and may sweep the store.
    _lock: File,
}

impl Library {
    /// Opens (creating if needed) the library in `dir`, upgrades its schema,
    /// and, when no other process has it open, sweeps partial and orphaned
    /// files left by an interrupted write.
    pub fn open(dir: impl AsRef<Path>) -> Result<Library> {
        let dir = dir.as_ref().to_path_buf();
        let folder_err = |source| LibraryError::Folder {
            path: dir.clone(),
            source,
        };
        fs::create_dir_all(&dir).map_err(folder_err)?;
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("library.lock"))
            .map_err(folder_err)?;

        let db_path = dir.join("library.db");
        let mut writer = db::connect(&db_path)?;
        db::migrate(&mut writer)?;
        let reader = db::connect(&db_path)?;
        let store = Store::open(dir.join("store"))?;

        let sweep = match lock.try_lock() {
            Ok(()) => {
                let referenced = tables::media::all_hashes(&writer)?;
                let report = store.sweep(&referenced)?;
                lock.unlock().map_err(folder_err)?;
                report
            }
            Err(_) => SweepReport::default(),
        };
        lock.lock_shared().map_err(folder_err)?;

        Ok(Library {
            dir,
            store,
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            sweep,
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What the sweep at open removed.
    pub fn sweep_report(&self) -> &SweepReport {
        &self.sweep
    }

    /// Runs read-only queries on the reader connection (WAL lets them proceed
    /// while a write is in progress).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&lock(&self.reader))
    }

    /// Runs `f` in one IMMEDIATE transaction and commits it when `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

impl Library {
    /// Copies every committed page from the WAL into the database file and
    /// truncates the WAL to nothing. With `secure_delete` on (always, see
    /// `db::connect`), deleted rows are then in neither file.
    pub fn checkpoint(&self) -> Result<()> {
        let conn = lock(&self.writer);
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
        if busy != 0 {
            return Err(LibraryError::Invalid(
                "the library is in use by another Klikt process: close it and try again".into(),
            ));
        }
        Ok(())
    }
}

fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic in another thread mid-query leaves the connection itself usable;
    // SQLite rolled back any open transaction when the guard was dropped.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
