//! Fault injection for client tests: latency, 5xx answers, 429 bursts with
//! `Retry-After`, and responses cut mid-body with the connection reset.
//! Decisions depend only on the seed and the request's number since the
//! faults were set, so a test sees the same faults on every run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use klikt_wire::{codes, Problem};

use crate::config::Faults;
use crate::problem::ApiError;

/// The faults in force and the number of requests they have seen.
#[derive(Debug)]
pub(crate) struct FaultState {
    inner: Mutex<(Faults, u64)>,
}

/// What happens to one request.
#[derive(Debug, Default, Clone, PartialEq)]
struct Decision {
    latency: Duration,
    answer: Option<Injected>,
    reset: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Injected {
    RateLimited {
        retry_after: u64,
    },
    Error {
        status: u16,
        retry_after: Option<u64>,
    },
}

impl FaultState {
    pub(crate) fn new(faults: Faults) -> FaultState {
        FaultState {
            inner: Mutex::new((faults, 0)),
        }
    }

    /// Replaces the faults and restarts the request count.
    pub(crate) fn set(&self, faults: Faults) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner = (faults, 0);
        }
    }

    fn decide(&self) -> Decision {
        let Ok(mut inner) = self.inner.lock() else {
            return Decision::default();
        };
        let (faults, count) = &mut *inner;
        if !faults.any() {
            return Decision::default();
        }
        *count += 1;
        decide(faults, *count)
    }
}

/// The decision for request number `n` (1-based) under `faults`.
fn decide(faults: &Faults, n: u64) -> Decision {
    let mut decision = Decision {
        latency: Duration::from_millis(faults.latency_ms),
        ..Decision::default()
    };
    let every = faults.rate_limit_every;
    if every > 0 && n >= every && n % every < faults.rate_limit_burst.max(1) {
        decision.answer = Some(Injected::RateLimited {
            retry_after: faults.retry_after,
        });
        return decision;
    }
    if faults.error_rate > 0.0 && unit(faults.seed, n, 1) < faults.error_rate {
        decision.answer = Some(Injected::Error {
            status: faults.error_status,
            retry_after: faults.error_retry_after,
        });
        return decision;
    }
    decision.reset = faults.reset_rate > 0.0 && unit(faults.seed, n, 2) < faults.reset_rate;
    decision
}

/// A uniform value in [0, 1) from (seed, request number, fault kind).
pub(crate) fn unit(seed: u64, n: u64, kind: u64) -> f64 {
    let mut z = seed
        .wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(kind.wrapping_mul(0xD1B5_4A32_D192_ED03));
    // splitmix64 finalizer
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Middleware: applies the faults to every request.
pub(crate) async fn inject(
    State(faults): State<Arc<FaultState>>,
    request: Request,
    next: Next,
) -> Response {
    let decision = faults.decide();
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    match decision.answer {
        Some(Injected::RateLimited { retry_after }) => {
            return ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                "too many requests (injected fault)",
            )
            .with_header(header::RETRY_AFTER, retry_after.to_string())
            .into_response();
        }
        Some(Injected::Error {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let problem = Problem::new(
                status.as_u16(),
                status.canonical_reason().unwrap_or("Server Error"),
            )
            .with_detail("server trouble (injected fault)");
            let mut error = ApiError::from_problem(problem);
            if let Some(secs) = retry_after {
                error = error.with_header(header::RETRY_AFTER, secs.to_string());
            }
            return error.into_response();
        }
        None => {}
    }
    let response = next.run(request).await;
    if decision.reset {
        cut_mid_body(response)
    } else {
        response
    }
}

enum Phase {
    Sending,
    Failing,
    Done,
}

/// How long a cut response waits, after its first half, before failing.
const FLUSH_BEFORE_RESET: Duration = Duration::from_millis(50);

/// Sends the first half of the body, then fails the stream so the
/// connection is dropped (the client sees a short body and a reset).
fn cut_mid_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(len) = declared.or_else(|| body.size_hint().exact()) else {
        return Response::from_parts(parts, body);
    };
    if len == 0 {
        return Response::from_parts(parts, body);
    }
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    let cut = len / 2;
    let stream = futures_util::stream::unfold(
        (body.into_data_stream(), 0u64, Phase::Sending),
        move |(mut inner, sent, phase)| async move {
            match phase {
                Phase::Done => None,
                Phase::Failing => {
                    // hyper drops whatever it still buffers when the body
                    // fails: without this pause the head and the first half
                    // could die with the connection on a busy machine, and
                    // the client would see no response at all instead of a
                    // short body.
                    tokio::time::sleep(FLUSH_BEFORE_RESET).await;
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "connection reset (injected fault)",
                        )),
                        (inner, sent, Phase::Done),
                    ))
                }
                Phase::Sending => match inner.next().await {
                    Some(Ok(chunk)) => {
                        let room = cut - sent;
                        if (chunk.len() as u64) < room {
                            let sent = sent + chunk.len() as u64;
                            Some((Ok(chunk), (inner, sent, Phase::Sending)))
                        } else {
                            // Up to the cut, then fail on the next poll.
                            let part = chunk.slice(..usize::try_from(room).unwrap_or(0));
                            Some((Ok(part), (inner, cut, Phase::Failing)))
                        }
                    }
                    Some(Err(e)) => {
                        Some((Err(std::io::Error::other(e)), (inner, sent, Phase::Done)))
                    }
                    None => Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "connection reset (injected fault)",
                        )),
                        (inner, sent, Phase::Done),
                    )),
                },
            }
        },
    );
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kth_request_starts_a_burst_of_429s() {
        let faults = Faults {
            rate_limit_every: 5,
            rate_limit_burst: 2,
            ..Faults::none()
        };
        let limited: Vec<u64> = (1..=16)
            .filter(|n| decide(&faults, *n).answer.is_some())
            .collect();
        assert_eq!(limited, vec![5, 6, 10, 11, 15, 16]);
    }

    #[test]
    fn error_share_is_close_to_the_rate_and_repeats_for_a_seed() {
        let faults = Faults {
            error_rate: 0.25,
            seed: 7,
            ..Faults::none()
        };
        let errors = (1..=4000)
            .filter(|n| decide(&faults, *n).answer.is_some())
            .count();
        assert!(
            (800..1200).contains(&errors),
            "about a quarter, got {errors}"
        );
        assert_eq!(decide(&faults, 17), decide(&faults, 17), "deterministic");
    }
}
