//! Set-up shared by the tests: a seeded server, a signed-in client, and
//! paths into the photo corpus.

use std::path::{Path, PathBuf};

use klikt_server::admin::{self, SeedOptions};
use klikt_server::{ServerConfig, TestServer};
use klikt_wire::{paths, ChangesPage, EventId, ItemId, ModerationMode, Problem, Session};
use reqwest::{Response, StatusCode};
use tempfile::TempDir;

pub const EMAIL: &str = "anna@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// The shared photo corpus (`../shared/corpus` next to the repository).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The 16 orientation JPEGs (and a README that seeding skips).
pub fn orientation_dir() -> PathBuf {
    corpus().join("jpg/orientation")
}

/// A running server with one seeded event and a signed-in client.
pub struct Fixture {
    pub server: TestServer,
    pub http: reqwest::Client,
    pub event: EventId,
    pub media: Vec<ItemId>,
    pub session: Session,
    _dir: TempDir,
}

impl Fixture {
    /// Seeds the orientation photos as one event in `mode`.
    pub async fn start(mode: ModerationMode) -> Fixture {
        Fixture::start_with(mode, |_| {}).await
    }

    /// Like [`Fixture::start`], with a chance to change the configuration.
    pub async fn start_with(
        mode: ModerationMode,
        tweak: impl FnOnce(&mut ServerConfig),
    ) -> Fixture {
        let dir = TempDir::new().expect("temp dir");
        let data = dir.path().join("data");
        let report = admin::seed(
            &data,
            &SeedOptions {
                email: EMAIL.into(),
                password: PASSWORD.into(),
                event: "Anna & Tom".into(),
                from: orientation_dir(),
                moderation: mode,
                expires_in_days: 90,
            },
        )
        .expect("seeding the corpus works");
        let mut config = ServerConfig::new(&data);
        tweak(&mut config);
        let server = TestServer::start(config).expect("server starts");
        let http = reqwest::Client::new();
        let session = sign_in(&http, server.url()).await;
        Fixture {
            server,
            http,
            event: report.event_id,
            media: report.media,
            session,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub fn data(&self) -> &Path {
        self.server.data_dir()
    }

    /// A GET with the session's bearer token.
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.session.access_token)
    }

    /// A POST with the session's bearer token.
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(self.url(path))
            .bearer_auth(&self.session.access_token)
    }

    /// One page of the event's feed.
    pub async fn changes(
        &self,
        cursor: Option<&klikt_wire::Cursor>,
        limit: Option<u32>,
    ) -> ChangesPage {
        let response = self
            .get(&paths::event_changes_query(&self.event, cursor, limit))
            .send()
            .await
            .expect("feed request");
        assert_eq!(response.status(), StatusCode::OK, "the feed answers 200");
        response.json().await.expect("a changes page")
    }

    /// The whole feed from `cursor` until `has_more` is false.
    pub async fn drain(
        &self,
        mut cursor: Option<klikt_wire::Cursor>,
    ) -> (Vec<klikt_wire::Change>, klikt_wire::Cursor) {
        let mut all = Vec::new();
        loop {
            let page = self.changes(cursor.as_ref(), Some(7)).await;
            all.extend(page.changes);
            cursor = Some(page.next_cursor.clone());
            if !page.has_more {
                return (all, page.next_cursor);
            }
        }
    }
}

pub async fn sign_in(http: &reqwest::Client, base: &str) -> Session {
    let response = http
        .post(format!("{base}{}", paths::sessions()))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .expect("sign-in request");
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "sign-in answers 201"
    );
    response.json().await.expect("a session")
}

/// Asserts a problem+json answer with `status` and `code`; returns it.
pub async fn expect_problem(response: Response, status: StatusCode, code: &str) -> Problem {
    assert_eq!(response.status(), status, "status of a {code} answer");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        content_type, "application/problem+json",
        "errors are problem+json"
    );
    let problem: Problem = response.json().await.expect("a problem body");
    assert_eq!(problem.code.as_deref(), Some(code), "problem code");
    assert_eq!(
        problem.status,
        status.as_u16(),
        "problem status matches HTTP status"
    );
    problem
}

/// Media ids carried by upserts in `changes`.
pub fn upserted_media(changes: &[klikt_wire::Change]) -> Vec<ItemId> {
    changes
        .iter()
        .filter_map(|c| match c {
            klikt_wire::Change::Media(m) => Some(m.id.clone()),
            _ => None,
        })
        .collect()
}
