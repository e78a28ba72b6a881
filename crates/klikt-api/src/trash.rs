//! The trash of a local event: deleted items stay restorable until the
//! organizer empties it; emptying purges rows and bytes. (Items of a server
//! event leave the trash when the server confirms their deletion.)

use klikt_library::tables::{events, media};
use klikt_library::Sha256Hex;

use crate::error::ApiError;
use crate::Klikt;

impl Klikt {
    /// Purges the trashed items of a local event. Returns how many.
    pub fn empty_trash(&self, event: &str) -> Result<u64, ApiError> {
        let purge = self.library.write(|tx| {
            let event = events::find(tx, event)?;
            if events::link(tx, event.id)?.is_some() {
                return Err(klikt_library::LibraryError::Invalid(format!(
                    "\"{}\" is on a server: its trash empties when the server confirms the deletions (klikt push)",
                    event.name
                )));
            }
            let mut purge = Vec::new();
            let trashed = media::trashed(tx, event.id)?;
            let count = trashed.len() as u64;
            for row in trashed {
                media::delete(tx, row.id)?;
                if !media::sha_in_use(tx, &row.record.sha256)? {
                    purge.push(row.record.sha256);
                }
            }
            Ok((count, purge))
        })?;
        let (count, shas) = purge;
        for sha in shas {
            // After the commit: a crash here leaves orphans the next sweep removes.
            self.library.store().remove_all(&Sha256Hex::parse(&sha)?)?;
        }
        Ok(count)
    }
}
