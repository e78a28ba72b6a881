//! The slideshow's window: opened full screen on the monitor the organizer
//! chose (by name), at `slideshow.html?event=ID`. Its capability
//! (`capabilities/slideshow.json`) lets it read the deck and nothing else.

use klikt_api::{IpcError, MonitorInfo};
use tauri::{AppHandle, Manager, Monitor, Runtime, WebviewUrl, WebviewWindowBuilder};

pub const LABEL: &str = "slideshow";

/// The displays, with the one the main window is on marked `current`.
pub fn monitors<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<MonitorInfo>, IpcError> {
    let current = app
        .get_webview_window("main")
        .and_then(|w| w.current_monitor().ok().flatten())
        .and_then(|m| m.name().cloned());
    let list = app.available_monitors().map_err(window_error)?;
    Ok(list.iter().map(|m| info(m, current.as_deref())).collect())
}

fn info(monitor: &Monitor, current: Option<&str>) -> MonitorInfo {
    let name = monitor.name().cloned().unwrap_or_default();
    MonitorInfo {
        current: current == Some(name.as_str()),
        name,
        width: monitor.size().width,
        height: monitor.size().height,
        x: monitor.position().x,
        y: monitor.position().y,
        scale_factor: monitor.scale_factor(),
    }
}

/// Opens (or re-opens, for another event) the slideshow window on `monitor`
/// (the main window's when `None` or not connected), full screen.
pub fn open<R: Runtime>(
    app: &AppHandle<R>,
    event_id: i64,
    monitor: Option<&str>,
) -> Result<(), IpcError> {
    if let Some(existing) = app.get_webview_window(LABEL) {
        existing.close().map_err(window_error)?;
    }
    let target = app
        .available_monitors()
        .map_err(window_error)?
        .into_iter()
        .find(|m| monitor.is_some() && m.name().map(String::as_str) == monitor);
    let url = WebviewUrl::App(format!("slideshow.html?event={event_id}").into());
    let mut builder = WebviewWindowBuilder::new(app, LABEL, url)
        .title("Klikt slideshow")
        .inner_size(1280.0, 720.0)
        .visible(false);
    if let Some(m) = &target {
        let scale = m.scale_factor();
        builder = builder.position(
            f64::from(m.position().x) / scale,
            f64::from(m.position().y) / scale,
        );
    }
    let window = builder.build().map_err(window_error)?;
    // Full screen once placed, so it fills the chosen monitor, not the first.
    window.set_fullscreen(true).map_err(window_error)?;
    window.show().map_err(window_error)?;
    window.set_focus().map_err(window_error)?;
    Ok(())
}

fn window_error(err: tauri::Error) -> IpcError {
    IpcError {
        code: "window".to_owned(),
        message: format!("the slideshow window could not be opened: {err}"),
    }
}
