//! A reference server on a loopback port with a seeded event, and a library
//! signed in to it (the real keyring: run in a D-Bus session with an
//! unlocked Secret Service, as `./dev test` does).

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use klikt_server::admin::{self, SeedOptions};
use klikt_server::{ServerConfig, TestServer};
use klikt_wire::{EventId, ItemId, ModerationMode};

use super::{corpus, json, klikt, run};

pub const EMAIL: &str = "anna@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// A reference server with one seeded event, and an empty library signed in to it.
pub struct Fixture {
    pub server: TestServer,
    pub event: EventId,
    pub media: Vec<ItemId>,
    pub library: tempfile::TempDir,
    _data: tempfile::TempDir,
}

pub fn fixture(photos: &Path) -> Fixture {
    fixture_with(photos, ModerationMode::Post, |_| {})
}

pub fn fixture_with(
    photos: &Path,
    moderation: ModerationMode,
    configure: impl FnOnce(&mut ServerConfig),
) -> Fixture {
    let data = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new(data.path());
    configure(&mut config);
    let server = TestServer::start(config).expect("server starts");
    let seeded = admin::seed(
        data.path(),
        &SeedOptions {
            email: EMAIL.into(),
            password: PASSWORD.into(),
            event: "Anna & Tom".into(),
            from: photos.to_path_buf(),
            moderation,
            expires_in_days: 30,
        },
    )
    .expect("seeded");
    let library = tempfile::tempdir().unwrap();
    let fixture = Fixture {
        server,
        event: seeded.event_id,
        media: seeded.media,
        library,
        _data: data,
    };
    let out = login(&fixture);
    assert!(out.status.success(), "login: {}", stderr(&out));
    fixture
}

impl Fixture {
    pub fn lib(&self) -> &Path {
        self.library.path()
    }

    pub fn data(&self) -> &Path {
        self.server.data_dir()
    }

    pub fn pull(&self) -> (Output, serde_json::Value) {
        let out = run(klikt(self.lib()).args(["pull", self.event.as_str(), "--json"]));
        let report = if out.stdout.is_empty() {
            serde_json::Value::Null
        } else {
            json(&out)
        };
        (out, report)
    }

    pub fn items(&self) -> Vec<serde_json::Value> {
        let out = run(klikt(self.lib()).args(["ls", self.event.as_str(), "--json"]));
        assert!(out.status.success(), "ls: {}", stderr(&out));
        json(&out).as_array().cloned().unwrap_or_default()
    }
}

pub fn login(fixture: &Fixture) -> Output {
    let mut child = klikt(fixture.lib())
        .args([
            "login",
            "--server",
            fixture.server.url(),
            "--email",
            EMAIL,
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("klikt starts");
    use std::io::Write;
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{PASSWORD}").unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A folder of a few real phone and camera photos.
pub fn few_photos() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "jpg/Canon_40D.jpg",
        "jpg/Nikon_D70.jpg",
        "jpg/mobile/jolla.jpg",
    ] {
        let from = corpus().join(name);
        std::fs::copy(&from, dir.path().join(from.file_name().unwrap())).unwrap();
    }
    dir
}

/// Every file under `dir`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

pub fn library_contains(library: &Path, needle: &[u8]) -> Vec<PathBuf> {
    files_under(library)
        .into_iter()
        .filter(|path| {
            std::fs::read(path)
                .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
        .collect()
}
