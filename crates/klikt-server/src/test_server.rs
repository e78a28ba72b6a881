//! [`TestServer`]: a real server on `127.0.0.1:0` in a background thread
//! with its own tokio runtime, for tests of this and other crates. It stops
//! when dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::config::{Faults, ServerConfig};
use crate::error::ServerError;
use crate::faults::FaultState;
use crate::http::AppState;

/// A running server; dropping it stops the server.
pub struct TestServer {
    url: String,
    data_dir: PathBuf,
    faults: Arc<FaultState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Opens `config.data_dir` and starts serving on a free loopback port.
    /// Returns once the port accepts connections.
    pub fn start(config: ServerConfig) -> Result<TestServer, ServerError> {
        Self::start_on_port(config, 0)
    }

    /// [`TestServer::start`] on `127.0.0.1:port` (0: any free port), for a
    /// server that should keep its address across runs (the app's demo).
    pub fn start_on_port(config: ServerConfig, port: u16) -> Result<TestServer, ServerError> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .map_err(|e| ServerError::io(format!("binding 127.0.0.1:{port}"), e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| ServerError::io("configuring the listener", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServerError::io("reading the listen address", e))?;
        let state = AppState::new(&config, addr)?;
        let faults = state.faults.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("klikt-test-server")
            .enable_all()
            .build()
            .map_err(|e| ServerError::io("starting the test server's runtime", e))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("klikt-test-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(e) => {
                            eprintln!("klikt-server test server: {e}");
                            return;
                        }
                    };
                    let shutdown = async move {
                        let _ = stopped.await;
                    };
                    if let Err(e) = crate::serve_state(listener, state, shutdown).await {
                        eprintln!("klikt-server test server: {e}");
                    }
                });
                runtime.shutdown_timeout(std::time::Duration::from_secs(1));
            })
            .map_err(|e| ServerError::io("starting the test server thread", e))?;
        Ok(TestServer {
            url: format!("http://{addr}"),
            data_dir: config.data_dir,
            faults,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The data directory the server runs on (for [`crate::admin`] calls).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Replaces the injected faults; the request count restarts at zero.
    pub fn set_faults(&self, faults: Faults) {
        self.faults.set(faults);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
