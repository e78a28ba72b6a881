//! [`FaultProxy`]: a TCP proxy on a loopback port between a client and a
//! server, misbehaving the way networks and the machines in front of
//! servers do: added latency, connections reset mid-body, 5xx and 429
//! answers given by the proxy itself (with `Retry-After`), and connections
//! that stall mid-body without closing.
//!
//! Unlike [`crate::Faults`], which the server injects in its own handlers,
//! the proxy knows nothing of the protocol: it works on connections, so a
//! reset can land after the server applied a request and before its answer
//! arrived, and a stall leaves the client with an open socket and silence.
//! Faults follow a cycle, one entry per new connection, so every kind in it
//! happens as soon as that many connections were opened; where a reset or
//! stall cuts a response is drawn from the seed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::ServerError;

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyFault {
    /// Forwarded untouched.
    Pass,
    /// Forwarded after waiting this many milliseconds.
    Delay(u64),
    /// Forwarded until the cut, then reset (RST) in the middle of the bytes.
    Reset,
    /// The request reaches the server, which acts on it; its answer is
    /// lost (the connection is reset before the first byte of it).
    LoseAnswer,
    /// Answered by the proxy with this 5xx status and `Retry-After`
    /// seconds when set; the request never reaches the server.
    Error {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Answered by the proxy with 429 and `Retry-After` seconds.
    RateLimited { retry_after: u64 },
    /// Forwarded until the cut, then silent with both sockets open.
    Stall,
}

/// The faults in force: `cycle[n % len]` for the n-th connection since they
/// were set (an empty cycle passes everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyFaults {
    pub cycle: Vec<ProxyFault>,
    /// Decides after how many response bytes a reset or a stall strikes.
    pub seed: u64,
}

impl ProxyFaults {
    /// Everything passes.
    pub fn none() -> ProxyFaults {
        ProxyFaults::default()
    }

    /// Every connection gets `fault`.
    pub fn always(fault: ProxyFault) -> ProxyFaults {
        ProxyFaults {
            cycle: vec![fault],
            seed: 0,
        }
    }

    /// Every kind within the first five connections (a client keeps its
    /// connections alive, so a job may open only a handful), then clean
    /// connections between more of them.
    pub fn every_kind(seed: u64) -> ProxyFaults {
        use ProxyFault::*;
        ProxyFaults {
            cycle: vec![
                Reset,
                Delay(40),
                Stall,
                Error {
                    status: 503,
                    retry_after: None,
                },
                RateLimited { retry_after: 1 },
                Pass,
                Error {
                    status: 502,
                    retry_after: Some(1),
                },
                LoseAnswer,
                Reset,
            ],
            seed,
        }
    }

    /// Parses a comma-separated cycle for the command line: `pass`,
    /// `delay:MS`, `reset`, `lose-answer`, `error:STATUS`, `error:STATUS:RETRY_AFTER`,
    /// `429:RETRY_AFTER`, `stall`.
    pub fn parse_cycle(text: &str, seed: u64) -> Result<ProxyFaults, String> {
        let number = |s: &str| {
            s.parse::<u64>()
                .map_err(|_| format!("{s:?} is not a number"))
        };
        let mut cycle = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let parts: Vec<&str> = entry.split(':').collect();
            let fault = match parts.as_slice() {
                ["pass"] => ProxyFault::Pass,
                ["delay", ms] => ProxyFault::Delay(number(ms)?),
                ["reset"] => ProxyFault::Reset,
                ["lose-answer"] => ProxyFault::LoseAnswer,
                ["stall"] => ProxyFault::Stall,
                ["429", secs] => ProxyFault::RateLimited {
                    retry_after: number(secs)?,
                },
                ["error", status, rest @ ..] if rest.len() <= 1 => {
                    let status = u16::try_from(number(status)?)
                        .ok()
                        .filter(|s| (500..600).contains(s))
                        .ok_or_else(|| format!("{entry:?}: the status must be 5xx"))?;
                    let retry_after = rest.first().map(|s| number(s)).transpose()?;
                    ProxyFault::Error {
                        status,
                        retry_after,
                    }
                }
                _ => return Err(format!("unknown fault {entry:?}")),
            };
            cycle.push(fault);
        }
        Ok(ProxyFaults { cycle, seed })
    }
}

/// How many faults the proxy injected since it started (and connections
/// it saw), for tests and for docs/reliability.md's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProxyStats {
    pub connections: u64,
    pub delayed: u64,
    pub resets: u64,
    pub errors: u64,
    pub rate_limited: u64,
    pub stalls: u64,
}

impl ProxyStats {
    /// Faults of every kind together.
    pub fn injected(&self) -> u64 {
        self.delayed + self.resets + self.errors + self.rate_limited + self.stalls
    }
}

#[derive(Debug, Default)]
struct Counters {
    connections: AtomicU64,
    delayed: AtomicU64,
    resets: AtomicU64,
    errors: AtomicU64,
    rate_limited: AtomicU64,
    stalls: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> ProxyStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        ProxyStats {
            connections: get(&self.connections),
            delayed: get(&self.delayed),
            resets: get(&self.resets),
            errors: get(&self.errors),
            rate_limited: get(&self.rate_limited),
            stalls: get(&self.stalls),
        }
    }
}

struct Shared {
    faults: Mutex<(ProxyFaults, u64)>,
    counters: Counters,
    upstream: SocketAddr,
}

impl Shared {
    /// The fault of the next connection and where in its response bytes a
    /// reset or stall strikes.
    fn next(&self) -> (ProxyFault, u64) {
        let Ok(mut inner) = self.faults.lock() else {
            return (ProxyFault::Pass, 0);
        };
        let (faults, count) = &mut *inner;
        let n = *count;
        *count += 1;
        if faults.cycle.is_empty() {
            return (ProxyFault::Pass, 0);
        }
        let len = faults.cycle.len() as u64;
        let fault = faults.cycle[usize::try_from(n % len).unwrap_or(0)];
        // Somewhere in the first 64 KiB: inside a photo's body, or a few
        // JSON answers into a kept-alive connection.
        let cut = 512 + (crate::faults::unit(faults.seed, n, 7) * 65_024.0) as u64;
        (fault, cut)
    }
}

/// A running proxy; dropping it stops it and closes every connection.
pub struct FaultProxy {
    url: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream`
    /// (`http://HOST:PORT`, e.g. a [`crate::TestServer`]'s URL).
    pub fn start(upstream: &str) -> Result<FaultProxy, ServerError> {
        Self::start_on("127.0.0.1:0", upstream, ProxyFaults::none())
    }

    /// [`FaultProxy::start`] on `listen` with `faults` from the first connection.
    pub fn start_on(
        listen: &str,
        upstream: &str,
        faults: ProxyFaults,
    ) -> Result<FaultProxy, ServerError> {
        let upstream = parse_upstream(upstream)?;
        let listener = std::net::TcpListener::bind(listen)
            .map_err(|e| ServerError::io(format!("binding {listen}"), e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| ServerError::io("configuring the listener", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServerError::io("reading the listen address", e))?;
        let shared = Arc::new(Shared {
            faults: Mutex::new((faults, 0)),
            counters: Counters::default(),
            upstream,
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("klikt-fault-proxy")
            .enable_all()
            .build()
            .map_err(|e| ServerError::io("starting the proxy's runtime", e))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let for_loop = shared.clone();
        let thread = std::thread::Builder::new()
            .name("klikt-fault-proxy".into())
            .spawn(move || {
                runtime.block_on(async move {
                    match TcpListener::from_std(listener) {
                        Ok(listener) => {
                            tokio::select! {
                                () = accept_loop(listener, for_loop) => {}
                                _ = stopped => {}
                            }
                        }
                        Err(e) => eprintln!("klikt fault proxy: {e}"),
                    }
                });
                // Stalled connections never end by themselves.
                runtime.shutdown_timeout(Duration::from_millis(200));
            })
            .map_err(|e| ServerError::io("starting the proxy thread", e))?;
        Ok(FaultProxy {
            url: format!("http://{addr}"),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`: give this to the client instead of the server's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Replaces the faults for the connections opened from now on (those
    /// already open keep theirs); the cycle starts again at its first entry.
    pub fn set_faults(&self, faults: ProxyFaults) {
        if let Ok(mut inner) = self.shared.faults.lock() {
            *inner = (faults, 0);
        }
    }

    /// What the proxy did so far.
    pub fn stats(&self) -> ProxyStats {
        self.shared.counters.snapshot()
    }

    /// Serves until the process ends (the `klikt-server proxy` command).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn parse_upstream(upstream: &str) -> Result<SocketAddr, ServerError> {
    let host_port = upstream
        .strip_prefix("http://")
        .unwrap_or(upstream)
        .trim_end_matches('/');
    std::net::ToSocketAddrs::to_socket_addrs(host_port)
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| {
            ServerError::Config(format!(
                "the proxy's upstream {upstream:?} is not http://HOST:PORT"
            ))
        })
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let (fault, cut) = shared.next();
        shared.counters.connections.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(handle(client, fault, cut, shared.clone()));
    }
}

async fn handle(client: TcpStream, fault: ProxyFault, cut: u64, shared: Arc<Shared>) {
    let counters = &shared.counters;
    match fault {
        ProxyFault::Error {
            status,
            retry_after,
        } => {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            answer(client, status, retry_after).await;
        }
        ProxyFault::RateLimited { retry_after } => {
            counters.rate_limited.fetch_add(1, Ordering::Relaxed);
            answer(client, 429, Some(retry_after)).await;
        }
        ProxyFault::Delay(ms) => {
            counters.delayed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            forward(client, None, &shared).await;
        }
        ProxyFault::Pass => forward(client, None, &shared).await,
        ProxyFault::Reset => forward(client, Some((cut, Cut::Reset)), &shared).await,
        ProxyFault::LoseAnswer => forward(client, Some((0, Cut::Reset)), &shared).await,
        ProxyFault::Stall => forward(client, Some((cut, Cut::Stall)), &shared).await,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    Reset,
    Stall,
}

/// Copies bytes both ways; with `cut`, the response side breaks after that
/// many bytes in the way it says.
async fn forward(client: TcpStream, cut: Option<(u64, Cut)>, shared: &Shared) {
    let Ok(server) = TcpStream::connect(shared.upstream).await else {
        // The server is gone: the client sees its connection closed.
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        let _ = server_write.shutdown().await;
    });
    let mut buf = vec![0u8; 16 * 1024];
    let mut sent = 0u64;
    loop {
        let n = match server_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let room = match cut {
            Some((at, _)) => usize::try_from(at.saturating_sub(sent)).unwrap_or(usize::MAX),
            None => usize::MAX,
        };
        let take = n.min(room);
        if take > 0 && client_write.write_all(&buf[..take]).await.is_err() {
            break;
        }
        sent += take as u64;
        if let Some((_, how)) = cut.filter(|_| take < n) {
            let _ = client_write.flush().await;
            match how {
                Cut::Reset => {
                    shared.counters.resets.fetch_add(1, Ordering::Relaxed);
                    upstream.abort();
                    reset(client_write);
                }
                Cut::Stall => {
                    shared.counters.stalls.fetch_add(1, Ordering::Relaxed);
                    // Silent but open until the client gives up and closes.
                    let _ = upstream.await;
                    drop(client_write);
                }
            }
            return;
        }
    }
    let _ = client_write.shutdown().await;
    let _ = upstream.await;
}

/// Closes the client's connection with a TCP reset rather than a clean FIN.
fn reset(write_half: tokio::net::tcp::OwnedWriteHalf) {
    let _ = write_half.as_ref().set_zero_linger();
    drop(write_half);
}

/// Answers one request with `status` (and `Retry-After`) as a
/// problem+json body, without passing it on.
async fn answer(mut client: TcpStream, status: u16, retry_after: Option<u64>) {
    // Read the request's head so the answer is a response to it.
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::sleep(Duration::from_secs(5));
    tokio::pin!(deadline);
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        tokio::select! {
            read = client.read(&mut buf) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            },
            () = &mut deadline => return,
        }
    }
    let reason = match status {
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Server Error",
    };
    let mut problem =
        klikt_wire::Problem::new(status, reason).with_detail("injected by the fault proxy");
    if status == 429 {
        problem = problem.with_code(klikt_wire::codes::RATE_LIMITED);
    }
    let body = serde_json::to_string(&problem).unwrap_or_default();
    let retry = retry_after
        .map(|s| format!("Retry-After: {s}\r\n"))
        .unwrap_or_default();
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{retry}Connection: close\r\n\r\n{body}",
        klikt_wire::CONTENT_TYPE_PROBLEM,
        body.len()
    );
    if client.write_all(response.as_bytes()).await.is_ok() {
        let _ = client.shutdown().await;
        // Read what the client still sends (a request body) so closing
        // does not turn into a reset that hides the answer.
        let drain = async { while matches!(client.read(&mut buf).await, Ok(n) if n > 0) {} };
        let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_is_parsed_from_the_command_line_form() {
        let faults = ProxyFaults::parse_cycle(
            "pass, delay:50,reset,error:503,error:502:2,429:1,stall,lose-answer",
            9,
        )
        .expect("parses");
        assert_eq!(
            faults.cycle,
            vec![
                ProxyFault::Pass,
                ProxyFault::Delay(50),
                ProxyFault::Reset,
                ProxyFault::Error {
                    status: 503,
                    retry_after: None
                },
                ProxyFault::Error {
                    status: 502,
                    retry_after: Some(2)
                },
                ProxyFault::RateLimited { retry_after: 1 },
                ProxyFault::Stall,
                ProxyFault::LoseAnswer,
            ]
        );
        assert_eq!(faults.seed, 9);
        assert!(ProxyFaults::parse_cycle("error:404", 0).is_err());
        assert!(ProxyFaults::parse_cycle("explode", 0).is_err());
        assert!(ProxyFaults::parse_cycle("delay:soon", 0).is_err());
    }
}
