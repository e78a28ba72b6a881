//! The window's security settings and the command lists, read from the files
//! the build uses: a command registered but not granted (or granted but not
//! registered), a CSP that allows inline scripts, or the global Tauri object
//! turned on fails here rather than in a review.

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

fn json(path: &str) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// The names between `generate_handler![` and `]` in main.rs.
fn registered_commands() -> BTreeSet<String> {
    let main = read("src/main.rs");
    let start = main
        .find("generate_handler![")
        .expect("main.rs registers commands");
    let body = &main[start + "generate_handler![".len()..];
    let end = body.find(']').expect("the handler list ends");
    body[..end]
        .split(',')
        .map(|s| s.trim().trim_start_matches("commands::").to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The quoted names of `COMMANDS` in build.rs.
fn manifest_commands() -> BTreeSet<String> {
    let build = read("build.rs");
    let start = build
        .find("const COMMANDS")
        .expect("build.rs lists COMMANDS");
    let body = &build[start..];
    let end = body.find("];").expect("the list ends");
    body[..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// A capability file's permissions, in order.
fn permissions(file: &str) -> Vec<String> {
    json(file)["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect()
}

/// The app commands a capability grants (`allow-<command>`).
fn granted_commands(file: &str) -> BTreeSet<String> {
    permissions(file)
        .iter()
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

/// Everything else a capability grants (core and plugin permissions).
fn plugin_permissions(file: &str) -> Vec<String> {
    permissions(file)
        .into_iter()
        .filter(|p| !p.starts_with("allow-"))
        .collect()
}

#[test]
fn every_registered_command_is_in_the_build_manifest_and_granted_to_the_main_window() {
    let registered = registered_commands();
    assert!(
        registered.len() > 10,
        "the handler list was read: {registered:?}"
    );
    assert_eq!(
        manifest_commands(),
        registered,
        "build.rs COMMANDS vs generate_handler!"
    );
    assert_eq!(
        granted_commands("capabilities/main.json"),
        registered,
        "capabilities/main.json vs generate_handler!"
    );
}

#[test]
fn the_slideshow_window_may_only_read_its_deck_settings_and_videos() {
    let granted = granted_commands("capabilities/slideshow.json");
    let expected: BTreeSet<String> = ["slide_deck", "slideshow_settings", "video_base_url"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        granted, expected,
        "no decision, sync, import or sign-in from the venue screen"
    );
    let capability = json("capabilities/slideshow.json");
    assert_eq!(capability["windows"], serde_json::json!(["slideshow"]));
    // Listening for `deck-changed` (re-read the deck the moment a decision
    // lands) needs core:event:allow-listen, which core:default already holds;
    // nothing is added for it.
    assert_eq!(
        plugin_permissions("capabilities/slideshow.json"),
        [
            "core:default",
            "core:window:allow-set-fullscreen",
            "core:window:allow-close"
        ]
    );
}

#[test]
fn the_main_window_gets_no_plugin_permission_beyond_file_dialogs_and_notifications() {
    let capability = json("capabilities/main.json");
    assert_eq!(
        plugin_permissions("capabilities/main.json"),
        [
            "core:default",
            "dialog:allow-open",
            "dialog:allow-save",
            "notification:default"
        ]
    );
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
}

#[test]
fn the_csp_forbids_inline_and_foreign_scripts_and_the_global_tauri_object_is_off() {
    let conf = json("tauri.conf.json");
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(
        csp["script-src"], "'self'",
        "no unsafe-inline, no unsafe-eval, no hosts"
    );
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
    let img = csp["img-src"].as_str().expect("img-src");
    for source in img.split_whitespace() {
        assert!(
            [
                "'self'",
                "klikt-media:",
                "http://klikt-media.localhost",
                "data:"
            ]
            .contains(&source),
            "images only from the app and the library's media scheme, not {source}"
        );
    }
    let connect = csp["connect-src"].as_str().expect("connect-src");
    assert!(
        !connect.contains("http:") || connect.split_whitespace().all(|s| s.contains("ipc")),
        "the page talks to nothing but IPC: {connect}"
    );
    assert_eq!(
        csp["media-src"], "http://127.0.0.1:*",
        "videos only from the app's own loopback server (src/video_server.rs)"
    );
}

#[test]
fn no_file_system_scope_is_open_to_the_page() {
    let conf = json("tauri.conf.json");
    // Media reach the page only through klikt-media:// by id and the
    // loopback video server by id; Tauri's asset protocol (file paths in
    // URLs) stays off, so no scope exists to widen.
    let asset = &conf["app"]["security"]["assetProtocol"];
    assert!(
        asset.is_null() || asset["enable"] == false,
        "the asset protocol must stay off: {asset}"
    );
    let manifest = read("Cargo.toml");
    assert!(
        !manifest.contains("protocol-asset"),
        "tauri's protocol-asset feature must stay off"
    );
    for file in ["capabilities/main.json", "capabilities/slideshow.json"] {
        for permission in plugin_permissions(file) {
            assert!(
                !permission.starts_with("fs:") && !permission.starts_with("shell:"),
                "{file} grants {permission}"
            );
        }
    }
}
