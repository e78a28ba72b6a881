//! Klikt Desktop: the organizer's window onto the local library.
//!
//! This crate owns only desktop glue, never library logic:
//! - opening the library once at startup ([`library`]), keeping the app
//!   usable — and the error visible — when that fails;
//! - the IPC commands ([`commands`]), each a one-line delegation to
//!   `klikt_api::Klikt` whose errors cross IPC as `{code, message}`;
//! - the `klikt-media://` protocol ([`media_protocol`]) that streams rendition
//!   files to the webview, so no image bytes travel over IPC.
//!
//! Everything the app knows about events and media lives in `klikt-api`.

// Release builds on Windows must not open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod library;
mod media_protocol;

fn main() {
    let library = library::Library::open_default();
    let app = tauri::Builder::default()
        .manage(library)
        .invoke_handler(tauri::generate_handler![commands::events, commands::media])
        .register_asynchronous_uri_scheme_protocol(media_protocol::SCHEME, media_protocol::handle)
        .run(tauri::generate_context!());
    if let Err(err) = app {
        eprintln!("klikt-desktop: could not start the window: {err}");
        std::process::exit(1);
    }
}
