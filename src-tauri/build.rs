//! Generates the Tauri context and one `allow-<command>`/`deny-<command>`
//! permission per app command, so the capability file must name every command
//! a window may call.

/// Every `#[tauri::command]` registered in `main.rs`; keep in step with
/// `generate_handler!` and `capabilities/main.json`.
const COMMANDS: &[&str] = &[
    "account",
    "login",
    "logout",
    "remote_events",
    "start_demo",
    "os_locale",
    "events",
    "media",
    "media_ids",
    "media_item",
    "uploaders",
    "messages",
    "moderate",
    "moderate_messages",
    "curate",
    "undo",
    "decision_log",
    "collections",
    "create_collection",
    "rename_collection",
    "delete_collection",
    "add_to_collection",
    "remove_from_collection",
    "move_in_collection",
    "sync_status",
    "keep_server_state",
    "slideshow_settings",
    "set_slideshow_settings",
    "slide_deck",
    "video_base_url",
    "monitors",
    "open_slideshow",
    "slideshow_logo",
    "set_slideshow_logo",
    "remove_slideshow_logo",
    "share_qr_svg",
    "save_share_qr",
    "push",
    "start_pull",
    "start_sync",
    "start_import",
    "start_export",
    "start_archive",
    "verify_export",
    "forget_preview",
    "forget_event",
    "archive_settings",
    "set_archive_settings",
    "cancel_job",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}
