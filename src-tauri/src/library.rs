//! The library the window shows, opened once at startup.

use std::sync::Arc;

use klikt_api::{IpcError, Klikt};

/// Managed state: the open library, or why it could not be opened.
///
/// Opening can fail (unreadable directory, a database from a newer Klikt…);
/// the window still starts and every command answers with the same error, so
/// the UI can say what went wrong instead of showing nothing.
pub struct Library(Result<Arc<Klikt>, IpcError>);

impl Library {
    /// Opens the library at `klikt_api::default_library_dir()`, which honours
    /// `KLIKT_LIBRARY`.
    pub fn open_default() -> Self {
        let opened = klikt_api::default_library_dir()
            .and_then(Klikt::open)
            .map(Arc::new)
            .map_err(IpcError::from);
        if let Err(err) = &opened {
            eprintln!(
                "klikt-desktop: library not opened ({}): {}",
                err.code, err.message
            );
        }
        Self(opened)
    }

    /// The open library, or the error that kept it closed.
    pub fn get(&self) -> Result<&Klikt, IpcError> {
        self.0.as_deref().map_err(Clone::clone)
    }

    /// The open library for work that outlives the command (jobs).
    pub fn shared(&self) -> Result<Arc<Klikt>, IpcError> {
        self.0.clone()
    }
}
