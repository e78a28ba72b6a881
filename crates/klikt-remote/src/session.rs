//! The organizer's session: sign-in, refresh and sign-out.
//!
//! Refresh tokens are single use, so refreshes are serialized: the token
//! state sits behind one async mutex with a generation counter. A request
//! that got `401` with generation `g` refreshes only if the state is still at
//! `g`; if another request refreshed meanwhile, it just retries with the new
//! token. Every new pair goes to the [`TokenSink`] before it is used, so a
//! crash never loses the only valid refresh token.

use crate::client::{parse_json, Auth, Client};
use crate::error::RemoteError;
use crate::retry::{Failure, RetryPolicy};
use chrono::{DateTime, Utc};
use klikt_wire::{paths, RefreshRequest, Session, SignInRequest};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Refresh proactively when the access token has less than this left.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// The tokens of a session. `Debug` does not print the tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token runs out (computed from `expires_in`).
    pub access_expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field("access_expires_at", &self.access_expires_at)
            .finish()
    }
}

impl Tokens {
    /// The tokens of a sign-in or refresh answer received at `now`.
    pub fn from_session(session: Session, now: DateTime<Utc>) -> Self {
        let lifetime =
            chrono::Duration::seconds(i64::try_from(session.expires_in).unwrap_or(i64::MAX / 1000));
        Self {
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            access_expires_at: now
                .checked_add_signed(lifetime)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }
}

/// Told about every new token pair (after each refresh), before the client
/// uses it: persist it (e.g. in the OS keyring) so the rotated refresh token
/// survives a crash.
pub trait TokenSink: Send + Sync {
    fn tokens_changed(&self, tokens: &Tokens);
}

/// The token state of a client.
pub(crate) struct SessionState {
    tokens: tokio::sync::Mutex<TokenState>,
    sink: Mutex<Option<Arc<dyn TokenSink>>>,
}

struct TokenState {
    /// `None` when not signed in, signed out, or the session ended.
    tokens: Option<Tokens>,
    /// Why `tokens` is `None`.
    ended: &'static str,
    /// Increases with every new access token.
    generation: u64,
    /// Lifetime of the access token as the server last granted it (unknown
    /// for tokens restored from the keyring).
    lifetime: Option<Duration>,
}

impl SessionState {
    pub(crate) fn new(tokens: Option<Tokens>) -> Self {
        Self {
            tokens: tokio::sync::Mutex::new(TokenState {
                tokens,
                ended: "not signed in",
                generation: 1,
                lifetime: None,
            }),
            sink: Mutex::new(None),
        }
    }

    pub(crate) fn set_sink(&self, sink: Arc<dyn TokenSink>) {
        *self.sink.lock().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    }

    fn sink(&self) -> Option<Arc<dyn TokenSink>> {
        self.sink.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Forgets the tokens: every later request answers `session_expired`.
    pub(crate) async fn end(&self, why: &'static str) {
        let mut state = self.tokens.lock().await;
        state.tokens = None;
        state.ended = why;
    }
}

/// How long before expiry to refresh: 30 s, or a quarter of a shorter
/// lifetime (so a server with very short tokens is not refreshed on every
/// request).
fn refresh_margin(lifetime: Option<Duration>) -> Duration {
    match lifetime {
        Some(lifetime) => REFRESH_MARGIN.min(lifetime / 4),
        None => REFRESH_MARGIN,
    }
}

/// Whether a token expiring at `expires_at` should be refreshed at `now`.
pub(crate) fn needs_refresh(
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    lifetime: Option<Duration>,
) -> bool {
    let margin =
        chrono::Duration::from_std(refresh_margin(lifetime)).unwrap_or(chrono::Duration::MAX);
    expires_at.signed_duration_since(now) <= margin
}

impl Client {
    /// Signs in with email and password (not retried: `POST`). Returns the
    /// client and its first tokens; call [`Client::set_token_sink`] to be told
    /// about rotated ones.
    pub async fn sign_in(
        server: &str,
        email: &str,
        password: &str,
        policy: RetryPolicy,
    ) -> Result<(Client, Tokens), RemoteError> {
        let client = Client::new(server, policy, None)?;
        let body = SignInRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        let session: Session = client
            .fetch_json(Method::POST, &paths::sessions(), Auth::None, false, |b| {
                b.json(&body)
            })
            .await?;
        let tokens = Tokens::from_session(session.clone(), Utc::now());
        {
            let mut state = client.inner.session.tokens.lock().await;
            state.tokens = Some(tokens.clone());
            state.lifetime = Some(Duration::from_secs(session.expires_in));
            state.generation += 1;
        }
        Ok((client, tokens))
    }

    /// Signs out: the server revokes this session's tokens, and this client
    /// forgets them. Signing out an already ended session succeeds.
    pub async fn sign_out(&self) -> Result<(), RemoteError> {
        let result = self
            .fetch(
                Method::DELETE,
                &paths::current_session(),
                Auth::Bearer,
                true,
                |b| b,
            )
            .await;
        match result {
            Ok(_) | Err(RemoteError::SessionExpired { .. }) => {
                self.inner.session.end("signed out").await;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// The current tokens (`None` when not signed in or the session ended).
    pub async fn tokens(&self) -> Option<Tokens> {
        self.inner.session.tokens.lock().await.tokens.clone()
    }

    /// The access token to send and its generation, refreshed first when it
    /// is about to run out.
    pub(crate) async fn access_token(&self) -> Result<(String, u64), RemoteError> {
        let mut state = self.inner.session.tokens.lock().await;
        let Some(tokens) = &state.tokens else {
            return Err(RemoteError::SessionExpired {
                reason: state.ended.to_owned(),
            });
        };
        if needs_refresh(tokens.access_expires_at, Utc::now(), state.lifetime) {
            Box::pin(self.refresh_locked(&mut state)).await?;
        }
        match &state.tokens {
            Some(tokens) => Ok((tokens.access_token.clone(), state.generation)),
            None => Err(RemoteError::SessionExpired {
                reason: state.ended.to_owned(),
            }),
        }
    }

    /// After a `401` to a request sent with the token of `generation`:
    /// refresh, unless another request already did.
    pub(crate) async fn refresh_after_unauthorized(
        &self,
        generation: u64,
    ) -> Result<(), RemoteError> {
        let mut state = self.inner.session.tokens.lock().await;
        if state.tokens.is_none() {
            return Err(RemoteError::SessionExpired {
                reason: state.ended.to_owned(),
            });
        }
        if state.generation != generation {
            return Ok(());
        }
        Box::pin(self.refresh_locked(&mut state)).await
    }

    /// Exchanges the refresh token for a new pair, with the state locked so
    /// no other refresh runs. Sent once: a refresh token is single use, so a
    /// lost answer cannot be repeated safely. Only `429` (the server did not
    /// look at the token) is waited out and retried.
    async fn refresh_locked(&self, state: &mut TokenState) -> Result<(), RemoteError> {
        let Some(current) = &state.tokens else {
            return Err(RemoteError::SessionExpired {
                reason: state.ended.to_owned(),
            });
        };
        let body = RefreshRequest {
            refresh_token: current.refresh_token.clone(),
        };
        let path = paths::session_refresh();
        let url = self.url(&path);
        let mut rate_limited = 0;
        let response = loop {
            let builder = self
                .inner
                .http
                .post(&url)
                .timeout(self.inner.policy.request_timeout)
                .json(&body);
            match self.send_once(builder, &url, &Auth::None, None).await {
                Ok(response) => break response,
                Err(Failure::Transient {
                    error: error @ RemoteError::RateLimited { .. },
                    retry_after,
                }) => {
                    rate_limited += 1;
                    if rate_limited >= self.inner.policy.max_attempts {
                        return Err(error);
                    }
                    if retry_after.is_none() {
                        tokio::time::sleep(self.inner.policy.backoff(rate_limited - 1)).await;
                    }
                }
                Err(Failure::Transient { error, .. }) | Err(Failure::Fatal(error)) => {
                    if let RemoteError::SessionExpired { .. } = error {
                        state.tokens = None;
                        state.ended = "the server refused to renew the session";
                        return Err(RemoteError::SessionExpired {
                            reason: state.ended.to_owned(),
                        });
                    }
                    return Err(error);
                }
                Err(Failure::Unauthorized { .. }) => {
                    // Not produced for a request without a bearer token.
                    return Err(RemoteError::protocol(&url, "unexpected 401 to a refresh"));
                }
            }
        };
        if response.status() != StatusCode::OK {
            return Err(RemoteError::protocol(
                &url,
                format!("expected 200 OK, got {}", response.status()),
            ));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| crate::client::transport_error(&url, &e))?;
        let session: Session = parse_json(&url, &bytes)?;
        let tokens = Tokens::from_session(session.clone(), Utc::now());
        if let Some(sink) = self.inner.session.sink() {
            sink.tokens_changed(&tokens);
        }
        state.tokens = Some(tokens);
        state.lifetime = Some(Duration::from_secs(session.expires_in));
        state.generation += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn tokens_debug_output_hides_the_tokens() {
        let tokens = Tokens {
            access_token: "at_secret".into(),
            refresh_token: "rt_secret".into(),
            access_expires_at: at(0),
        };
        let printed = format!("{tokens:?}");
        assert!(
            !printed.contains("secret"),
            "tokens must never reach logs: {printed}"
        );
    }

    #[test]
    fn tokens_round_trip_through_json_for_the_keyring() {
        let tokens = Tokens {
            access_token: "at_1".into(),
            refresh_token: "rt_1".into(),
            access_expires_at: at(5),
        };
        let json = serde_json::to_string(&tokens).expect("serialize");
        let back: Tokens = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, tokens);
    }

    #[test]
    fn access_token_is_refreshed_within_30_seconds_of_expiry() {
        let lifetime = Some(Duration::from_secs(900));
        assert!(
            !needs_refresh(at(31), at(0), lifetime),
            "31 s left: still fine"
        );
        assert!(
            needs_refresh(at(30), at(0), lifetime),
            "30 s left: refresh first"
        );
        assert!(
            needs_refresh(at(-5), at(0), lifetime),
            "expired: refresh first"
        );
        assert!(
            needs_refresh(at(20), at(0), None),
            "unknown lifetime: the 30 s margin"
        );
    }

    #[test]
    fn very_short_lived_tokens_are_not_refreshed_on_every_request() {
        let lifetime = Some(Duration::from_secs(4));
        assert!(
            !needs_refresh(at(2), at(0), lifetime),
            "2 of 4 s left: a quarter is the margin"
        );
        assert!(needs_refresh(at(1), at(0), lifetime));
    }

    #[test]
    fn expiry_is_computed_from_expires_in() {
        let session = Session {
            access_token: "a".into(),
            refresh_token: "r".into(),
            expires_in: 900,
        };
        assert_eq!(
            Tokens::from_session(session, at(0)).access_expires_at,
            at(900)
        );
    }
}
