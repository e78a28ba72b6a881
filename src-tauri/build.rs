//! Generates the Tauri context and one `allow-<command>`/`deny-<command>`
//! permission per app command, so the capability file must name every command
//! a window may call.

/// Every `#[tauri::command]` registered in `main.rs`; keep in step with
/// `generate_handler!` and `capabilities/main.json`.
const COMMANDS: &[&str] = &["events", "media"];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}
