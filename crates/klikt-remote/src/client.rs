//! [`Client`]: one server, one connection pool, one session; and the single
//! request loop every call goes through (pause, bearer token, send, classify
//! the answer, refresh once on `401`, retry per policy).

use crate::error::{innermost_reason, RemoteError};
use crate::retry::{parse_retry_after, Attempts, Failure, NextStep, Pause, RetryPolicy};
use crate::session::{SessionState, TokenSink, Tokens};
use klikt_wire::{codes, headers, Problem};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// A client of one Klikt server. Cheap to clone (the clones share the
/// connection pool, the session and the `Retry-After` pause); `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// Normalized base URL, no trailing slash.
    pub(crate) base: String,
    pub(crate) policy: RetryPolicy,
    pub(crate) session: SessionState,
    pub(crate) pause: Pause,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.inner.base)
            .field("policy", &self.inner.policy)
            .finish_non_exhaustive()
    }
}

/// How a request authenticates.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// Sign-in and refresh.
    None,
    /// `Authorization: Bearer <access token>` (refreshed on `401`).
    Bearer,
    /// A guest upload's `Klikt-Share-Token`.
    ShareToken(String),
}

impl Client {
    /// A client for `server` holding `tokens` from an earlier sign-in (e.g.
    /// from the keyring). `sink` is told every rotated token pair.
    pub fn with_tokens(
        server: &str,
        tokens: Tokens,
        sink: Arc<dyn TokenSink>,
        policy: RetryPolicy,
    ) -> Result<Client, RemoteError> {
        let client = Self::new(server, policy, Some(tokens))?;
        client.set_token_sink(sink);
        Ok(client)
    }

    /// A client without a session, for guest uploads with a share token
    /// (every organizer call answers `session_expired`).
    pub fn guest(server: &str, policy: RetryPolicy) -> Result<Client, RemoteError> {
        Self::new(server, policy, None)
    }

    pub(crate) fn new(
        server: &str,
        policy: RetryPolicy,
        tokens: Option<Tokens>,
    ) -> Result<Client, RemoteError> {
        let base = normalize_server(server)?;
        let http = reqwest::Client::builder()
            .user_agent(crate::USER_AGENT)
            // Only the server the organizer named: no proxy from the
            // environment, no redirect to another host.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(policy.request_timeout.min(Duration::from_secs(30)))
            .pool_idle_timeout(Duration::from_secs(60))
            // Over HTTP/2 all downloads share one connection: let the flow
            // control windows grow with the link instead of capping it.
            .http2_adaptive_window(true)
            .build()
            .map_err(|e| RemoteError::BadUrl {
                url: base.clone(),
                reason: innermost_reason(&e),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                policy,
                session: SessionState::new(tokens),
                pause: Pause::default(),
            }),
        })
    }

    /// The normalized server URL (no trailing slash).
    pub fn server(&self) -> &str {
        &self.inner.base
    }

    /// The retry policy this client follows.
    pub fn policy(&self) -> &RetryPolicy {
        &self.inner.policy
    }

    /// Sets (or replaces) who is told about rotated tokens.
    pub fn set_token_sink(&self, sink: Arc<dyn TokenSink>) {
        self.inner.session.set_sink(sink);
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.base, path)
    }

    /// Sends one attempt: waits out any pause, adds the credentials, sends,
    /// and turns a non-success answer into a [`Failure`]. `headers_within`
    /// bounds the wait for the response headers (downloads; JSON calls set a
    /// whole-request timeout on the builder instead).
    pub(crate) async fn send_once(
        &self,
        builder: RequestBuilder,
        url: &str,
        auth: &Auth,
        headers_within: Option<Duration>,
    ) -> Result<Response, Failure> {
        self.inner.pause.wait().await;
        let (builder, generation) = match auth {
            Auth::None => (builder, None),
            Auth::ShareToken(token) => (builder.header(headers::SHARE_TOKEN, token), None),
            Auth::Bearer => {
                let (access, generation) = self.access_token().await?;
                (builder.bearer_auth(access), Some(generation))
            }
        };
        let sent = builder.send();
        let response = match headers_within {
            Some(limit) => match tokio::time::timeout(limit, sent).await {
                Ok(result) => result,
                Err(_) => {
                    return Err(Failure::Transient {
                        error: RemoteError::Timeout {
                            url: url.to_owned(),
                            reason: format!("no answer within {} s", limit.as_secs()),
                        },
                        retry_after: None,
                    })
                }
            },
            None => sent.await,
        };
        let response = response.map_err(|e| transport_failure(url, &e))?;
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(response);
        }
        Err(self
            .failure_from_answer(url, auth, generation, response)
            .await)
    }

    async fn failure_from_answer(
        &self,
        url: &str,
        auth: &Auth,
        generation: Option<u64>,
        response: Response,
    ) -> Failure {
        let status = response.status();
        let retry_after = response
            .headers()
            .get(headers::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        if let Some(wait) = retry_after {
            if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
            {
                self.inner.pause.hold_until(Instant::now() + wait);
            }
        }
        let body = tokio::time::timeout(self.inner.policy.request_timeout, response.bytes()).await;
        let problem = match body {
            Ok(Ok(bytes)) => serde_json::from_slice::<Problem>(&bytes).ok(),
            _ => None,
        };
        let problem_code = problem.as_ref().and_then(|p| p.code.as_deref());
        match (status.as_u16(), auth) {
            (401, Auth::Bearer) => Failure::Unauthorized {
                generation: generation.unwrap_or_default(),
            },
            (401, Auth::ShareToken(_)) => Failure::Fatal(RemoteError::Forbidden {
                url: url.to_owned(),
                problem: problem.map(Box::new),
            }),
            (429, _) => Failure::Transient {
                error: RemoteError::RateLimited {
                    url: url.to_owned(),
                    retry_after,
                    problem: problem.map(Box::new),
                },
                retry_after,
            },
            (409, _) if problem_code == Some(codes::IDEMPOTENCY_KEY_IN_FLIGHT) => {
                Failure::Transient {
                    error: RemoteError::from_status(url, 409, problem),
                    retry_after: None,
                }
            }
            (500..=599, _) => Failure::Transient {
                error: RemoteError::from_status(url, status.as_u16(), problem),
                retry_after: if status == StatusCode::SERVICE_UNAVAILABLE {
                    retry_after
                } else {
                    None
                },
            },
            (code, _) => Failure::Fatal(RemoteError::from_status(url, code, problem)),
        }
    }

    /// Decides what follows a failed attempt: an error, or (after sleeping
    /// or refreshing the session) another attempt.
    pub(crate) async fn after_failure(
        &self,
        attempts: &mut Attempts,
        failure: Failure,
    ) -> Result<(), RemoteError> {
        match failure {
            Failure::Fatal(error) => Err(error),
            Failure::Unauthorized { generation } => {
                if attempts.refreshed {
                    self.inner
                        .session
                        .end("the server refused a freshly refreshed token")
                        .await;
                    return Err(RemoteError::SessionExpired {
                        reason: "the server refused a freshly refreshed token".to_owned(),
                    });
                }
                attempts.refreshed = true;
                self.refresh_after_unauthorized(generation).await
            }
            Failure::Transient { error, retry_after } => {
                match attempts.after_transient(&self.inner.policy, retry_after) {
                    NextStep::GiveUp => Err(error),
                    NextStep::RetryAfterSleep(wait) => {
                        tokio::time::sleep(wait).await;
                        Ok(())
                    }
                }
            }
        }
    }

    /// Sends a request and reads the whole answer, retrying per policy.
    /// `build` makes the request afresh for each attempt.
    pub(crate) async fn fetch(
        &self,
        method: Method,
        path: &str,
        auth: Auth,
        retryable: bool,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Vec<u8>, RemoteError> {
        let url = self.url(path);
        let mut attempts = Attempts::new(retryable);
        loop {
            let builder = build(
                self.inner
                    .http
                    .request(method.clone(), &url)
                    .timeout(self.inner.policy.request_timeout),
            );
            let result = match self.send_once(builder, &url, &auth, None).await {
                Ok(response) => match response.bytes().await {
                    Ok(body) => Ok(body.to_vec()),
                    Err(e) => Err(transport_failure(&url, &e)),
                },
                Err(failure) => Err(failure),
            };
            match result {
                Ok(body) => return Ok(body),
                Err(failure) => self.after_failure(&mut attempts, failure).await?,
            }
        }
    }

    /// [`Client::fetch`] and parse the JSON answer.
    pub(crate) async fn fetch_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        auth: Auth,
        retryable: bool,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<T, RemoteError> {
        let body = self.fetch(method, path, auth, retryable, build).await?;
        parse_json(&self.url(path), &body)
    }
}

/// Parses a JSON answer; a body that does not fit is a protocol error.
pub(crate) fn parse_json<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, RemoteError> {
    serde_json::from_slice(body).map_err(|e| RemoteError::protocol(url, e.to_string()))
}

/// The error of a request that got no (complete) answer.
pub(crate) fn transport_error(url: &str, error: &reqwest::Error) -> RemoteError {
    if error.is_timeout() {
        RemoteError::Timeout {
            url: url.to_owned(),
            reason: "the request timed out".to_owned(),
        }
    } else {
        RemoteError::Network {
            url: url.to_owned(),
            reason: innermost_reason(error),
        }
    }
}

/// A request that got no answer: transient (worth a retry when allowed).
pub(crate) fn transport_failure(url: &str, error: &reqwest::Error) -> Failure {
    Failure::Transient {
        error: transport_error(url, error),
        retry_after: None,
    }
}

/// Checks and normalizes a server address: `http` or `https`, a host, no
/// credentials, query or fragment; no trailing slash.
pub(crate) fn normalize_server(server: &str) -> Result<String, RemoteError> {
    let bad = |reason: &str| RemoteError::BadUrl {
        url: server.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = server.trim();
    let url = reqwest::Url::parse(trimmed).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            "it must start with https:// (or http:// for a local test server)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not contain a query (?) or fragment (#)"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_normalized_without_trailing_slash() {
        assert_eq!(
            normalize_server("https://klikt.app/").unwrap(),
            "https://klikt.app"
        );
        assert_eq!(
            normalize_server(" http://127.0.0.1:8080 ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalize_server("https://example.com/klikt/").unwrap(),
            "https://example.com/klikt"
        );
        assert_eq!(
            normalize_server("HTTPS://Klikt.App").unwrap(),
            "https://klikt.app"
        );
    }

    #[test]
    fn only_plain_http_and_https_server_addresses_are_accepted() {
        for bad in [
            "ftp://klikt.app",
            "klikt.app",
            "file:///etc/passwd",
            "https://user:pw@klikt.app",
            "https://klikt.app/?x=1",
            "https://klikt.app/#frag",
            "",
        ] {
            let err = normalize_server(bad).expect_err(bad);
            assert_eq!(err.code(), "bad_url", "{bad}: {err}");
        }
    }
}
