//! Forgetting an event: its originals, renditions and every row removed
//! from the library, with nothing of it left in the database file or its
//! WAL. The organizer's local retention ends when they decide.

use std::path::PathBuf;

use klikt_library::tables::{events, exports};
use klikt_library::Sha256Hex;

use crate::export::{ExportRecord, ForgetPreview, ForgetReport};
use crate::{ApiError, Klikt};

impl Klikt {
    /// What forgetting `event` would lose, and whether a verified export
    /// exists: one of the whole event (`--only all`, originals unchanged,
    /// no failed item) that passed `verify` and is still where it was
    /// written. Anything less would let the organizer delete photos the
    /// confirmation said were safe.
    pub fn forget_preview(&self, event: &str) -> Result<ForgetPreview, ApiError> {
        let (row, footprint, candidates) = self.library.read(|conn| {
            let row = events::find(conn, event)?;
            let footprint = events::footprint(conn, row.id)?;
            let candidates = exports::verified_complete(conn, row.id)?;
            Ok((row, footprint, candidates))
        })?;
        // A moved or deleted export protects nothing.
        let verified = candidates
            .into_iter()
            .find(|e| std::path::Path::new(&e.destination).exists());
        Ok(ForgetPreview {
            event_id: row.id,
            event_name: row.name,
            media_count: footprint.media_count,
            message_count: footprint.message_count,
            bytes: footprint.own_bytes,
            unsent_decisions: footprint.unsent_decisions,
            verified_export: verified.map(|e| ExportRecord {
                destination: PathBuf::from(e.destination),
                files: e.files,
                bytes: e.bytes,
                finished_at: e.finished_at,
                verified_at: e.verified_at,
            }),
        })
    }

    /// Removes `event` from the library entirely: its slideshow logo, the
    /// rows (one transaction, zeroed by `secure_delete`), then the files no
    /// other event shares, then a checkpoint that empties the WAL. A crash
    /// between the commit and the file removal leaves files without rows,
    /// which the next open's sweep deletes.
    pub fn forget(&self, event: &str) -> Result<ForgetReport, ApiError> {
        let preview = self.forget_preview(event)?;
        // The slideshow's logo first: the sweep knows nothing of it, so a
        // crash after the rows went would leave it behind for good (and for
        // a later event given the same id).
        self.remove_logo_file(preview.event_id)?;
        let orphaned = self
            .library
            .write(|tx| events::delete_everything(tx, preview.event_id))?;
        for sha in orphaned {
            self.library.store().remove_all(&Sha256Hex::parse(&sha)?)?;
        }
        self.library.checkpoint()?;
        Ok(ForgetReport {
            event_name: preview.event_name,
            media_removed: preview.media_count,
            messages_removed: preview.message_count,
            bytes_freed: preview.bytes,
        })
    }
}
