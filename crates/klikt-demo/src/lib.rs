//! The demo event: "Try the demo event" with no account configured starts
//! the reference server (`klikt-server`) on loopback inside the app, seeded
//! with sample photos shipped in this crate, guest captions and messages, and
//! signs the library in to it, so a first run shows a real event end to end —
//! pull, moderation, sync — over real HTTP.
//!
//! The server's data lives in the library folder (`demo/`), and its port and
//! password are remembered there, so after a restart [`DemoHost::resume`]
//! brings the same server back at the same address and the signed-in demo
//! account keeps working.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use klikt_api::{ApiError, DemoInfo, IpcError, Klikt};
use klikt_server::admin::{self, SeedOptions};
use klikt_server::{ServerConfig, ServerError, TestServer};
use klikt_wire::{EventId, ModerationMode};
use serde::{Deserialize, Serialize};

/// The sample photos, made for Klikt (abstract, license-free), embedded so
/// the demo works from an installed app with no files beside it.
const PHOTOS: &[(&str, &[u8])] = &[
    ("demo-01.jpg", include_bytes!("../photos/demo-01.jpg")),
    ("demo-02.jpg", include_bytes!("../photos/demo-02.jpg")),
    ("demo-03.jpg", include_bytes!("../photos/demo-03.jpg")),
    ("demo-04.jpg", include_bytes!("../photos/demo-04.jpg")),
    ("demo-05.jpg", include_bytes!("../photos/demo-05.jpg")),
    ("demo-06.jpg", include_bytes!("../photos/demo-06.jpg")),
    ("demo-07.jpg", include_bytes!("../photos/demo-07.jpg")),
    ("demo-08.jpg", include_bytes!("../photos/demo-08.jpg")),
    ("demo-09.jpg", include_bytes!("../photos/demo-09.jpg")),
    ("demo-10.jpg", include_bytes!("../photos/demo-10.jpg")),
];

/// Uploaded after the seed with a caption each, as guests do.
const CAPTIONED: &[(&str, &str, &[u8])] = &[
    (
        "Camille",
        "Le coucher de soleil sur la terrasse ☀️",
        include_bytes!("../photos/demo-11.jpg"),
    ),
    (
        "Sam",
        "Best night ever — thank you both!",
        include_bytes!("../photos/demo-12.jpg"),
    ),
];

const MESSAGES: &[(&str, &str)] = &[
    ("Grandma Rose", "So proud of you two. Love, Rose"),
    ("Léa", "Merci pour cette soirée magnifique !"),
    ("Tom", "Who took the photo by the lake? Send it to me!"),
];

pub const EVENT_NAME: &str = "Demo: Anna & Marc's wedding";
const EMAIL: &str = "demo@klikt.localhost";
const STATE_FILE: &str = "demo.json";

/// What can go wrong starting the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo server could not start: {0}")]
    Server(#[from] ServerError),
    #[error("the demo's files could not be written in {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the demo's state file {path} is unreadable: {source}")]
    State {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl From<DemoError> for IpcError {
    fn from(error: DemoError) -> Self {
        match error {
            DemoError::Api(api) => IpcError::from(api),
            other => IpcError {
                code: "demo".to_owned(),
                message: other.to_string(),
            },
        }
    }
}

/// Remembered between runs, in `<demo dir>/demo.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DemoState {
    port: u16,
    password: String,
    remote_id: String,
}

/// The embedded demo server, when it runs. Stops when dropped.
#[derive(Default)]
pub struct DemoHost {
    running: Mutex<Option<Running>>,
}

struct Running {
    // Kept for its Drop: the server stops with the host.
    _server: TestServer,
    info: DemoInfo,
}

impl DemoHost {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts the demo server (seeding it the first time), signs `klikt` in
    /// to it and returns the event to pull. Calling it again returns the
    /// running demo.
    pub async fn start(&self, klikt: &Klikt) -> Result<DemoInfo, DemoError> {
        if let Some(info) = self.info() {
            return Ok(info);
        }
        let dir = demo_dir(klikt);
        let (server, state) = open_or_seed(&dir)?;
        let account = klikt.login(server.url(), EMAIL, &state.password).await?;
        let info = DemoInfo {
            account,
            remote_id: state.remote_id.clone(),
            event_name: EVENT_NAME.to_owned(),
        };
        self.set(server, info.clone());
        Ok(info)
    }

    /// At app start: when the library is signed in to the demo server, brings
    /// that server back at its address. Does nothing otherwise.
    pub fn resume(&self, klikt: &Klikt) -> Result<Option<DemoInfo>, DemoError> {
        let dir = demo_dir(klikt);
        let Some(state) = read_state(&dir)? else {
            return Ok(None);
        };
        let Some(account) = klikt.account()? else {
            return Ok(None);
        };
        if account.server_url != demo_url(state.port) || account.email != EMAIL {
            return Ok(None);
        }
        let server = TestServer::start_on_port(config(&dir), state.port)?;
        let info = DemoInfo {
            account,
            remote_id: state.remote_id,
            event_name: EVENT_NAME.to_owned(),
        };
        self.set(server, info.clone());
        Ok(Some(info))
    }

    /// The running demo, if any.
    pub fn info(&self) -> Option<DemoInfo> {
        self.lock().as_ref().map(|r| r.info.clone())
    }

    fn set(&self, server: TestServer, info: DemoInfo) {
        *self.lock() = Some(Running {
            _server: server,
            info,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        // Only whole values are stored under this lock; a poisoned one is consistent.
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn demo_dir(klikt: &Klikt) -> PathBuf {
    klikt.library_dir().join("demo")
}

fn demo_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

fn config(dir: &Path) -> ServerConfig {
    ServerConfig::new(dir.join("server"))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_owned(),
        source,
    }
}

fn read_state(dir: &Path) -> Result<Option<DemoState>, DemoError> {
    let path = dir.join(STATE_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| DemoError::State { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path)(e)),
    }
}

fn write_state(dir: &Path, state: &DemoState) -> Result<(), DemoError> {
    let path = dir.join(STATE_FILE);
    let tmp = dir.join(format!("{STATE_FILE}.tmp"));
    let json = serde_json::to_vec_pretty(state).map_err(|source| DemoError::State {
        path: path.clone(),
        source,
    })?;
    std::fs::write(&tmp, json).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io(&path))
}

/// The running server and its state: the seeded one when `dir` has it (on
/// its old port when free), else a newly seeded one.
fn open_or_seed(dir: &Path) -> Result<(TestServer, DemoState), DemoError> {
    if let Some(mut state) = read_state(dir)? {
        let server = TestServer::start_on_port(config(dir), state.port)
            .or_else(|_| TestServer::start_on_port(config(dir), 0))?;
        let port = server_port(&server);
        if port != state.port {
            state.port = port;
            write_state(dir, &state)?;
        }
        return Ok((server, state));
    }
    // A half-seeded folder from an interrupted first start is redone.
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let password = random_password();
    let remote_id = seed(dir, &password)?;
    let server = TestServer::start_on_port(config(dir), 0)?;
    let state = DemoState {
        port: server_port(&server),
        password,
        remote_id,
    };
    write_state(dir, &state)?;
    Ok((server, state))
}

fn server_port(server: &TestServer) -> u16 {
    server
        .url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

fn random_password() -> String {
    use rand::RngExt;
    let mut rng = rand::rng();
    (0..24)
        .map(|_| char::from(b"abcdefghjkmnpqrstuvwxyz23456789"[rng.random_range(0..31)]))
        .collect()
}

/// Creates the account, the event, its uploads, captions and messages.
fn seed(dir: &Path, password: &str) -> Result<String, DemoError> {
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).map_err(io(&photos))?;
    for (name, bytes) in PHOTOS {
        let path = photos.join(name);
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    let data_dir = dir.join("server");
    let report = admin::seed(
        &data_dir,
        &SeedOptions {
            email: EMAIL.to_owned(),
            password: password.to_owned(),
            event: EVENT_NAME.to_owned(),
            from: photos.clone(),
            moderation: ModerationMode::Pre,
            expires_in_days: 30,
        },
    )?;
    let event: EventId = report.event_id;
    let captioned = dir.join("captioned");
    std::fs::create_dir_all(&captioned).map_err(io(&captioned))?;
    for (i, (guest, caption, bytes)) in CAPTIONED.iter().enumerate() {
        let path = captioned.join(format!("guest-{}.jpg", i + 1));
        std::fs::write(&path, bytes).map_err(io(&path))?;
        admin::simulate_upload(&data_dir, &event, guest, Some(caption), &[path])?;
    }
    for (author, text) in MESSAGES {
        admin::simulate_message(&data_dir, &event, author, text)?;
    }
    // The sources were copied into the server's store; keep only that copy.
    let _ = std::fs::remove_dir_all(&photos);
    let _ = std::fs::remove_dir_all(&captioned);
    Ok(event.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_photo_is_a_jpeg() {
        let captioned = CAPTIONED.iter().map(|(guest, _, bytes)| (*guest, *bytes));
        for (name, bytes) in PHOTOS.iter().copied().chain(captioned) {
            assert!(bytes.starts_with(b"\xff\xd8\xff"), "{name} is not a JPEG");
        }
    }

    #[test]
    fn a_password_is_long_and_unambiguous() {
        let a = random_password();
        assert_eq!(a.len(), 24);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() && !"01ilo".contains(c)));
        assert_ne!(a, random_password(), "each demo gets its own password");
    }
}
