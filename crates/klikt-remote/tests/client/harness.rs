//! Test set-up: a seeded reference server, a token sink that records, and a
//! TCP proxy that counts and can stall the bytes between client and server.

use klikt_remote::{Client, RetryPolicy, TokenSink, Tokens};
use klikt_server::admin::{seed, SeedOptions};
use klikt_server::{ServerConfig, TestServer};
use klikt_wire::{Change, EventId, ItemId, Media, ModerationMode};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const EMAIL: &str = "anna@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// The shared camera corpus (`../shared/corpus` beside the repository).
pub fn corpus(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(folder)
}

/// A running server with one seeded event.
pub struct Fixture {
    pub server: TestServer,
    pub event: EventId,
    pub media: Vec<ItemId>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    /// A server whose event holds the photos of `folder` (under the corpus).
    pub fn start(folder: &str) -> Fixture {
        Self::start_with(folder, |_| {})
    }

    pub fn start_with(folder: &str, configure: impl FnOnce(&mut ServerConfig)) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("server");
        let report = seed(
            &data,
            &SeedOptions {
                email: EMAIL.to_owned(),
                password: PASSWORD.to_owned(),
                event: "Anna & Tom".to_owned(),
                from: corpus(folder),
                moderation: ModerationMode::Post,
                expires_in_days: 30,
            },
        )
        .expect("seeding the server");
        assert!(!report.media.is_empty(), "{folder} holds photos to seed");
        let mut config = ServerConfig::new(&data);
        configure(&mut config);
        let server = TestServer::start(config).expect("starting the server");
        Fixture {
            server,
            event: report.event_id,
            media: report.media,
            _dir: dir,
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.server.data_dir()
    }

    pub async fn sign_in(&self) -> (Client, Tokens) {
        Client::sign_in(
            self.server.url(),
            EMAIL,
            PASSWORD,
            RetryPolicy::fast_for_tests(),
        )
        .await
        .expect("signing in")
    }

    pub async fn client(&self) -> Client {
        self.sign_in().await.0
    }

    /// A scratch directory for downloads.
    pub fn scratch(&self) -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }
}

/// Every live media item of the event, read from the feed's beginning.
pub async fn all_media(client: &Client, event: &EventId) -> Vec<Media> {
    let mut cursor = None;
    let mut media = Vec::new();
    loop {
        let page = client
            .changes(event, cursor.as_ref(), 1000)
            .await
            .expect("reading the feed");
        for change in page.changes {
            if let Change::Media(m) = change {
                media.retain(|old: &Media| old.id != m.id);
                media.push(m);
            }
        }
        cursor = Some(page.next_cursor);
        if !page.has_more {
            return media;
        }
    }
}

/// Records every token pair the client hands over.
#[derive(Default)]
pub struct RecordingSink {
    pub seen: Mutex<Vec<Tokens>>,
}

impl RecordingSink {
    pub fn all(&self) -> Vec<Tokens> {
        self.seen.lock().expect("sink lock").clone()
    }
}

impl TokenSink for RecordingSink {
    fn tokens_changed(&self, tokens: &Tokens) {
        self.seen.lock().expect("sink lock").push(tokens.clone());
    }
}

/// A TCP proxy in front of the server that records what the client sends,
/// counts what the server sends back, and can stall the first connection.
pub struct Proxy {
    pub url: String,
    pub upstream_text: Arc<Mutex<Vec<u8>>>,
    pub downstream_bytes: Arc<AtomicU64>,
    connections: Arc<AtomicUsize>,
}

impl Proxy {
    /// Forwards to `server` (`http://host:port`). With `stall_first_after`,
    /// the first connection stops forwarding the server's bytes after that
    /// many (it stays open, silent).
    pub async fn start(server: &str, stall_first_after: Option<u64>) -> Proxy {
        let target = server.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy addr"));
        let upstream_text = Arc::new(Mutex::new(Vec::new()));
        let downstream_bytes = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let proxy = Proxy {
            url,
            upstream_text: upstream_text.clone(),
            downstream_bytes: downstream_bytes.clone(),
            connections: connections.clone(),
        };
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let number = connections.fetch_add(1, Ordering::SeqCst);
                let stall = if number == 0 { stall_first_after } else { None };
                let Ok(server) = TcpStream::connect(&target).await else {
                    continue;
                };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let text = upstream_text.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = client_read.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        text.lock()
                            .expect("proxy lock")
                            .extend_from_slice(&buf[..n]);
                        if server_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
                let counted = downstream_bytes.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut sent = 0u64;
                    while let Ok(n) = server_read.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        let mut n = n as u64;
                        if let Some(limit) = stall {
                            n = n.min(limit.saturating_sub(sent));
                        }
                        let end = usize::try_from(n).expect("fits");
                        if client_write.write_all(&buf[..end]).await.is_err() {
                            break;
                        }
                        sent += n;
                        counted.fetch_add(n, Ordering::SeqCst);
                        if stall.is_some_and(|limit| sent >= limit) {
                            // Silent but open: the client must notice the stall.
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                        }
                    }
                });
            }
        });
        proxy
    }

    /// What the client sent so far, as text (headers are ASCII).
    pub fn requests(&self) -> String {
        String::from_utf8_lossy(&self.upstream_text.lock().expect("proxy lock")).to_lowercase()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}
