//! Klikt Desktop: the organizer's window onto the local library.
//!
//! This crate owns only desktop glue, never library logic:
//! - opening the library once at startup ([`library`]), keeping the app
//!   usable — and the error visible — when that fails;
//! - the IPC commands ([`commands`]), each a one-line delegation to
//!   `klikt_api::Klikt` whose errors cross IPC as `{code, message}`;
//! - running long jobs off the UI thread and forwarding their progress as
//!   window events ([`jobs`]);
//! - the `klikt-media://` protocol ([`media_protocol`]) that streams rendition
//!   files to the webview, so no image bytes travel over IPC;
//! - the window's plugins: one running instance, remembered window state,
//!   native file dialogs, notifications.
//!
//! Everything the app knows about events and media lives in `klikt-api`; the
//! demo event's server lives in `klikt-demo`.

// Release builds on Windows must not open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod jobs;
mod library;
mod media_protocol;
mod slideshow_window;
mod video_server;

use klikt_api::Jobs;
use klikt_demo::DemoHost;
use tauri::Manager;

fn main() {
    let library = library::Library::open_from_args(std::env::args_os().skip(1));
    let demo = DemoHost::new();
    if let Ok(klikt) = library.get() {
        // A library signed in to the demo gets its server back at the same address.
        if let Err(err) = demo.resume(klikt) {
            eprintln!("klikt-desktop: the demo server did not come back: {err}");
        }
    }
    let app = tauri::Builder::default()
        // First: a second launch only focuses the running window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(library)
        .manage(Jobs::new())
        .manage(demo)
        .manage(slideshow_window::LiveShow::default())
        .manage(video_server::VideoServer::default())
        .invoke_handler(tauri::generate_handler![
            commands::account,
            commands::login,
            commands::logout,
            commands::remote_events,
            commands::start_demo,
            commands::os_locale,
            commands::events,
            commands::media,
            commands::media_ids,
            commands::media_item,
            commands::uploaders,
            commands::messages,
            commands::moderate,
            commands::moderate_messages,
            commands::curate,
            commands::undo,
            commands::decision_log,
            commands::collections,
            commands::create_collection,
            commands::rename_collection,
            commands::delete_collection,
            commands::add_to_collection,
            commands::remove_from_collection,
            commands::move_in_collection,
            commands::sync_status,
            commands::keep_server_state,
            commands::slideshow_settings,
            commands::set_slideshow_settings,
            commands::slide_deck,
            commands::video_base_url,
            commands::monitors,
            commands::open_slideshow,
            commands::slideshow_logo,
            commands::set_slideshow_logo,
            commands::remove_slideshow_logo,
            commands::share_qr_svg,
            commands::save_share_qr,
            commands::push,
            commands::start_pull,
            commands::start_sync,
            commands::start_import,
            commands::start_export,
            commands::start_archive,
            commands::verify_export,
            commands::forget_preview,
            commands::forget_event,
            commands::archive_settings,
            commands::set_archive_settings,
            commands::cancel_job,
        ])
        .setup(|app| {
            // Automatic archives near a plan's end: first once the window is
            // up and listening for job events, then every few hours for an
            // app left open (an event archived in its window is not due again).
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(10));
                loop {
                    let (Some(library), Some(jobs)) = (
                        handle.try_state::<library::Library>(),
                        handle.try_state::<std::sync::Arc<Jobs>>(),
                    ) else {
                        return;
                    };
                    if let Ok(klikt) = library.shared() {
                        jobs::start_due_archives(&handle, &jobs, klikt);
                    }
                    std::thread::sleep(std::time::Duration::from_secs(6 * 3600));
                }
            });
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol(media_protocol::SCHEME, media_protocol::handle)
        .run(tauri::generate_context!());
    if let Err(err) = app {
        eprintln!("klikt-desktop: could not start the window: {err}");
        std::process::exit(1);
    }
}
