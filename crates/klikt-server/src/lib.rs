//! `klikt-server` is the reference server of the Klikt protocol
//! (`docs/protocol.md`): sessions, events, the change feed, originals and
//! previews, batch moderation and guest uploads, over axum, one SQLite
//! database and content-addressed files in a data directory.
//!
//! It exists so Klikt Desktop's client can be tested against a real server:
//! [`TestServer`] runs one on a loopback port for a test, [`Faults`] makes
//! it misbehave on purpose, [`FaultProxy`] stands between a client and it
//! and misbehaves like a network, and [`admin`] changes its state the way guests
//! and other moderators would (also while it serves, from another process).
//!
//! Modules, one concern each: `config` (what a server runs with), `faults`
//! (injection middleware), `store` (database, migrations, files), `auth`,
//! `events`, `items`, `feed`, `originals`, `moderation`, `uploads`,
//! `problem` (errors as problem+json), `http` (router), [`proxy`], [`admin`].

pub mod admin;
mod auth;
mod clock;
pub mod config;
mod error;
mod events;
mod faults;
mod feed;
mod http;
mod ids;
mod items;
mod moderation;
mod originals;
mod problem;
pub mod proxy;
mod store;
mod test_server;
mod uploads;

use std::future::Future;
use std::time::Duration;

pub use config::{Faults, ServerConfig};
pub use error::ServerError;
pub use proxy::{FaultProxy, ProxyFault, ProxyFaults, ProxyStats};
pub use store::DB_FILE;
pub use test_server::TestServer;

/// How long running requests may go on after shutdown was asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves the protocol on `listener` with `config` until `shutdown`
/// completes; running requests then get a few seconds to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let local_addr = listener
        .local_addr()
        .map_err(|e| ServerError::io("reading the listen address", e))?;
    let state = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || http::AppState::new(&config, local_addr))
            .await
            .map_err(|e| ServerError::Internal(format!("opening the data dir: {e}")))??
    };
    serve_state(listener, state, shutdown).await
}

/// [`serve`] with an opened state, capping the shutdown grace period.
pub(crate) async fn serve_state(
    listener: tokio::net::TcpListener,
    state: http::AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    use futures_util::FutureExt;
    let shutdown = shutdown.boxed().shared();
    let grace = {
        let shutdown = shutdown.clone();
        async move {
            shutdown.await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        }
    };
    tokio::select! {
        served = http::run(listener, state, shutdown) => served,
        () = grace => Ok(()),
    }
}
