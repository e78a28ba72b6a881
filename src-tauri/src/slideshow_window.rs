//! The slideshow's window: opened full screen on the monitor the organizer
//! chose (by name), at `slideshow.html?event=ID`. Its capability
//! (`capabilities/slideshow.json`) lets it read the deck and nothing else;
//! it hears `deck-changed` when a decision or a pull may have changed the
//! deck, and re-reads it at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use klikt_api::{IpcError, Klikt, LiveStatus, MonitorInfo, SlideDeck};
use tauri::{
    AppHandle, Emitter, Manager, Monitor, Runtime, WebviewUrl, WebviewWindowBuilder, WindowEvent,
};

pub const LABEL: &str = "slideshow";

/// The event the main window's status chip listens to.
pub const LIVE_EVENT: &str = "live-status";

/// The event the slideshow window listens to: a decision, an undo or a
/// pull changed what the deck may hold, so the show re-reads it at once
/// (an item hidden a moment before its turn must not come up).
pub const DECK_CHANGED_EVENT: &str = "deck-changed";

/// Tells the slideshow window, if one is open, to re-read its deck now.
/// Returns `value`, so a command can wrap its result in it.
pub fn deck_changed<R: Runtime, T>(app: &AppHandle<R>, value: T) -> T {
    // Only the show needs it; with no show open this reaches nobody.
    if let Err(err) = app.emit_to(LABEL, DECK_CHANGED_EVENT, ()) {
        eprintln!("klikt-desktop: could not tell the slideshow to re-read its deck: {err}");
    }
    value
}

/// The running show: which one it is (each opening is a new generation) and
/// its live-mode loop's stop switch. Each window stops only its own loop, so
/// the old window's late `Destroyed` cannot stop the show that replaced it.
#[derive(Default)]
pub struct LiveShow(Mutex<Running>);

#[derive(Default)]
struct Running {
    generation: u64,
    stop: Option<Arc<AtomicBool>>,
}

impl LiveShow {
    /// A new show begins: the previous one's loop stops; returns the new
    /// show's generation and its loop's stop switch.
    fn begin(&self) -> (u64, Arc<AtomicBool>) {
        let mut running = self.lock();
        if let Some(stop) = running.stop.take() {
            stop.store(true, Ordering::SeqCst);
        }
        running.generation += 1;
        let stop = Arc::new(AtomicBool::new(false));
        running.stop = Some(stop.clone());
        (running.generation, stop)
    }

    /// Show `generation` ended (its window is gone): stops its loop and
    /// returns true, unless a newer show runs by now (then nothing changes).
    fn end(&self, generation: u64) -> bool {
        let mut running = self.lock();
        if running.generation != generation {
            return false;
        }
        if let Some(stop) = running.stop.take() {
            stop.store(true, Ordering::SeqCst);
        }
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Running> {
        // Only whole values are stored under this lock.
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
    // From here on, the old show's window and loop are the old generation's.
    let (generation, stop) = live.begin();
    let event_id = deck.event_id;
    let monitor = deck.settings.monitor.as_deref();
    close_existing(app)?;
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
        if matches!(event, WindowEvent::Destroyed) && live_app.state::<LiveShow>().end(generation) {
            let _ = live_app.emit(LIVE_EVENT, Option::<LiveStatus>::None);
        }
    });
    // Pull only what the server has: a local event has nothing to go live with.
    if deck.settings.live && deck.share_url.is_some() {
        let every = Duration::from_secs(u64::from(deck.settings.live_interval_seconds));
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let report = |status: &LiveStatus| {
                // The organizer's chip only while this show is the running one.
                if !stop.load(Ordering::SeqCst) {
                    let _ = app.emit(LIVE_EVENT, Some(status));
                }
                // New items may have arrived approved, or the server hid some.
                if status.changes > 0 {
                    deck_changed(&app, ());
                }
            };
            klikt
                .run_live(&event_id.to_string(), every, &stop, &report)
                .await;
        });
    } else {
        // No live mode: the chip of a show this one replaced goes.
        let _ = app.emit(LIVE_EVENT, Option::<LiveStatus>::None);
    }
    Ok(())
}

/// Closes the open show's window, if any, and waits until it is gone:
/// `close()` only queues the close, and building a window with the same
/// label meanwhile fails (`WindowLabelAlreadyExists`). `destroy()` skips the
/// close request the page could otherwise veto; the event loop runs on the
/// main thread, which this (async) command is not on, so waiting does not
/// block it.
fn close_existing<R: Runtime>(app: &AppHandle<R>) -> Result<(), IpcError> {
    let Some(existing) = app.get_webview_window(LABEL) else {
        return Ok(());
    };
    existing.destroy().map_err(window_error)?;
    drop(existing);
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.get_webview_window(LABEL).is_some() {
        if Instant::now() > deadline {
            return Err(IpcError {
                code: "window".to_owned(),
                message: "the slideshow window that was open did not close; close it and try again"
                    .to_owned(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

fn window_error(err: tauri::Error) -> IpcError {
    IpcError {
        code: "window".to_owned(),
        message: format!("the slideshow window could not be opened: {err}"),
    }
}
