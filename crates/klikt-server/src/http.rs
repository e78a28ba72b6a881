//! The HTTP server: shared state, the `/v1` router, and helpers every
//! handler uses (database access off the async threads, JSON bodies,
//! queries).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{delete, get, post};
use axum::Router;
use rusqlite::Connection;
use serde::de::DeserializeOwned;

use crate::config::ServerConfig;
use crate::error::{Result, ServerError};
use crate::faults::FaultState;
use crate::problem::ApiError;
use crate::store::Store;
use crate::{auth, events, feed, moderation, originals, uploads};

/// What every handler shares. Holds no state an admin command could change:
/// that is read from the database on every request.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) store: Arc<Store>,
    /// Base of share URLs.
    pub(crate) public_url: Arc<str>,
    pub(crate) access_ttl: Duration,
    pub(crate) max_upload_bytes: u64,
    pub(crate) faults: Arc<FaultState>,
    pub(crate) tools: Arc<klikt_media::Tools>,
}

impl AppState {
    /// Opens the data dir and records the public URL share links use.
    pub(crate) fn new(config: &ServerConfig, local_addr: SocketAddr) -> Result<AppState> {
        let store = Store::open(&config.data_dir)?;
        store.files.sweep_stale_temps();
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local_addr}"))
            .trim_end_matches('/')
            .to_owned();
        store
            .with_conn(|conn| Store::set_meta(conn, crate::events::META_PUBLIC_URL, &public_url))?;
        Ok(AppState {
            store: Arc::new(store),
            public_url: public_url.into(),
            access_ttl: config.access_ttl,
            max_upload_bytes: config.max_upload_bytes,
            faults: Arc::new(FaultState::new(config.faults.clone())),
            tools: Arc::new(klikt_media::Tools::detect()),
        })
    }

    pub(crate) fn access_ttl_ms(&self) -> i64 {
        i64::try_from(self.access_ttl.as_millis()).unwrap_or(i64::MAX)
    }

    /// Runs `f` with a database connection on a blocking thread.
    pub(crate) async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.with_conn(f))
            .await
            .map_err(|e| ApiError::internal(format!("database task failed: {e}")))?
    }
}

/// Parses a JSON request body; a bad one is a 400 problem.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::validation(format!("request body is not valid: {e}")))
}

/// The `key=value` pairs of a query string, percent-decoded.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    fn hex_value(b: u8) -> Option<u8> {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex_value(hi).zip(hex_value(lo)),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some((hi, lo)), _) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

/// The `/v1` routes with fault injection in front.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/sessions", post(auth::sign_in))
        .route("/v1/sessions/refresh", post(auth::refresh))
        .route("/v1/sessions/current", delete(auth::sign_out))
        .route("/v1/events", get(events::list_events))
        .route("/v1/events/{id}", get(events::get_event))
        .route("/v1/events/{id}/changes", get(feed::changes))
        .route("/v1/events/{id}/moderation", post(moderation::moderate))
        .route(
            "/v1/events/{id}/uploads",
            // Bodies are streamed to disk with our own limit (videos are big).
            post(uploads::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/v1/media/{id}/original", get(originals::original))
        .route("/v1/media/{id}/preview", get(originals::preview))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.faults.clone(),
            crate::faults::inject,
        ))
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` completes, then lets
/// running requests finish.
pub(crate) async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        // Small JSON answers go out at once rather than waiting for Nagle.
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| ServerError::io("serving", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_percent_decoded() {
        assert_eq!(
            query_pairs("cursor=c_1%5Fab&limit=5"),
            vec![
                ("cursor".to_owned(), "c_1_ab".to_owned()),
                ("limit".to_owned(), "5".to_owned())
            ]
        );
        assert_eq!(
            query_pairs("a=%zz%"),
            vec![("a".to_owned(), "%zz%".to_owned())]
        );
    }
}
