//! The slideshow's window: opened full screen on the monitor the organizer
//! chose (by name), at `slideshow.html?event=ID`. Its capability
//! (`capabilities/slideshow.json`) lets it read the deck and nothing else.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use klikt_api::{IpcError, Klikt, LiveStatus, MonitorInfo, SlideDeck};
use tauri::{
    AppHandle, Emitter, Manager, Monitor, Runtime, WebviewUrl, WebviewWindowBuilder, WindowEvent,
};

pub const LABEL: &str = "slideshow";

/// The event the main window's status chip listens to.
pub const LIVE_EVENT: &str = "live-status";

/// The live-mode loop of the running show, if any: its stop switch.
#[derive(Default)]
pub struct LiveShow(Mutex<Option<Arc<AtomicBool>>>);

impl LiveShow {
    /// Stops the running loop (a new show, or the window closed).
    pub fn stop(&self) {
        if let Some(stop) = self.lock().take() {
            stop.store(true, Ordering::SeqCst);
        }
    }

    fn start(&self) -> Arc<AtomicBool> {
        self.stop();
        let stop = Arc::new(AtomicBool::new(false));
        *self.lock() = Some(stop.clone());
        stop
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<AtomicBool>>> {
        // Only a whole value is stored under this lock.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

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

/// Opens (or re-opens, for another event) the show of `deck`'s event full
/// screen on its settings' monitor (the main window's when absent or not
/// connected), and in live mode pulls the event every few seconds while the
/// window is open, reporting `live-status` to every window.
pub fn open<R: Runtime>(
    app: &AppHandle<R>,
    klikt: Arc<Klikt>,
    deck: &SlideDeck,
) -> Result<(), IpcError> {
    let live = app.state::<LiveShow>();
    live.stop();
    let event_id = deck.event_id;
    let monitor = deck.settings.monitor.as_deref();
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
    let live_app = app.clone();
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) {
            live_app.state::<LiveShow>().stop();
            let _ = live_app.emit(LIVE_EVENT, Option::<LiveStatus>::None);
        }
    });
    // Pull only what the server has: a local event has nothing to go live with.
    if deck.settings.live && deck.share_url.is_some() {
        let stop = live.start();
        let every = Duration::from_secs(u64::from(deck.settings.live_interval_seconds));
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let report = |status: &LiveStatus| {
                let _ = app.emit(LIVE_EVENT, Some(status));
            };
            klikt
                .run_live(&event_id.to_string(), every, &stop, &report)
                .await;
        });
    }
    Ok(())
}

fn window_error(err: tauri::Error) -> IpcError {
    IpcError {
        code: "window".to_owned(),
        message: format!("the slideshow window could not be opened: {err}"),
    }
}
