//! IPC commands: one-line delegations to `klikt_api::Klikt`.
//!
//! `async` runs them on Tauri's thread pool instead of the main (UI) thread,
//! since each one reads the database. Adding a command means adding it to
//! `generate_handler!` in `main.rs`, to `COMMANDS` in `build.rs` and to
//! `capabilities/main.json`.

use klikt_api::{EventSummary, IpcError, MediaItem, MediaQuery};
use tauri::State;

use crate::library::Library;

/// The library's events, for the sidebar.
#[tauri::command(async)]
pub fn events(library: State<'_, Library>) -> Result<Vec<EventSummary>, IpcError> {
    Ok(library.get()?.events()?)
}

/// The media of one event (`event` is its id or name), for the grid.
#[tauri::command(async)]
pub fn media(
    library: State<'_, Library>,
    event: String,
    query: Option<MediaQuery>,
) -> Result<Vec<MediaItem>, IpcError> {
    Ok(library.get()?.media(&event, &query.unwrap_or_default())?)
}
