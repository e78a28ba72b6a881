//! Signing in to a Klikt server and out again, and the client every remote
//! operation uses. The account (server and email) is in the library; its
//! tokens are in the OS keyring ([`crate::credentials`]).

use std::sync::Arc;

use klikt_library::tables::{accounts, events};
use klikt_remote::{Client, RetryPolicy};

use crate::credentials::{self, KeyringSink};
use crate::dto::{AccountInfo, RemoteEventSummary};
use crate::error::ApiError;
use crate::{now_iso, Klikt};

impl From<accounts::Account> for AccountInfo {
    fn from(account: accounts::Account) -> Self {
        AccountInfo {
            server_url: account.server_url,
            email: account.email,
            signed_in_at: account.signed_in_at,
        }
    }
}

impl Klikt {
    /// Signs in to `server` and keeps the tokens in the OS keyring. The
    /// keyring is checked first, so a machine without one fails before any
    /// password is sent.
    pub async fn login(
        &self,
        server: &str,
        email: &str,
        password: &str,
    ) -> Result<AccountInfo, ApiError> {
        let email = email.trim();
        if email.is_empty() {
            return Err(ApiError::InvalidInput("an email address is needed".into()));
        }
        let (client, tokens) = Client::sign_in(server, email, password, self.retry.clone()).await?;
        let server_url = client.server().to_owned();
        if let Err(error) = credentials::save(&server_url, email, &tokens) {
            // Do not leave a live session behind that nothing remembers.
            let _ = client.sign_out().await;
            return Err(error);
        }
        let account = accounts::Account {
            server_url,
            email: email.to_owned(),
            signed_in_at: now_iso(),
        };
        self.library.write(|tx| accounts::sign_in(tx, &account))?;
        Ok(account.into())
    }

    /// Signs out of the current account: the server revokes the session and
    /// the tokens leave the keyring. Returns the account, or `None` when none
    /// was signed in.
    pub async fn logout(&self) -> Result<Option<AccountInfo>, ApiError> {
        let Some(account) = self.library.read(accounts::current)? else {
            return Ok(None);
        };
        if let Some(tokens) = credentials::load(&account.server_url, &account.email)? {
            let client = Client::with_tokens(
                &account.server_url,
                tokens,
                Arc::new(NoSink),
                self.retry.clone(),
            )?;
            // Unreachable server: the tokens still leave this machine; they
            // expire on the server by themselves.
            let _ = client.sign_out().await;
        }
        credentials::delete(&account.server_url, &account.email)?;
        self.library
            .write(|tx| accounts::remove(tx, &account.server_url))?;
        Ok(Some(account.into()))
    }

    /// The account signed in to, if any.
    pub fn account(&self) -> Result<Option<AccountInfo>, ApiError> {
        Ok(self.library.read(accounts::current)?.map(Into::into))
    }

    /// A client of the current account's server, with its stored tokens.
    pub(crate) fn connect(&self) -> Result<Client, ApiError> {
        let account = self
            .library
            .read(accounts::current)?
            .ok_or(ApiError::NotSignedIn)?;
        let tokens =
            credentials::load(&account.server_url, &account.email)?.ok_or(ApiError::NotSignedIn)?;
        let sink = KeyringSink {
            server_url: account.server_url.clone(),
            email: account.email,
        };
        Ok(Client::with_tokens(
            &account.server_url,
            tokens,
            Arc::new(sink),
            self.retry.clone(),
        )?)
    }

    /// The signed-in account's events, as the server lists them.
    pub async fn remote_events(&self) -> Result<Vec<RemoteEventSummary>, ApiError> {
        let client = self.connect()?;
        let listed = client.events().await?;
        let server = client.server().to_owned();
        let mut summaries = Vec::with_capacity(listed.len());
        for event in listed {
            let local_id = self
                .library
                .read(|conn| events::find_linked(conn, &server, event.id.as_str()))?
                .map(|row| row.id);
            let remote = crate::pull::remote_event(&event);
            summaries.push(RemoteEventSummary {
                remote_id: remote.remote_id,
                name: remote.name,
                date: remote.event_date,
                share_url: remote.share_url,
                moderation_mode: remote.moderation_mode,
                plan_name: remote.plan_name,
                expires_at: remote.expires_at,
                backup_until: remote.backup_until,
                media_count: remote.media_count,
                total_bytes: remote.total_bytes,
                local_id,
            });
        }
        Ok(summaries)
    }

    /// How remote calls retry (the protocol's standard unless changed, e.g.
    /// by tests that inject faults and want quick retries).
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// The same library, its remote calls retrying by `policy`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Klikt {
        Klikt {
            library: self.library.clone(),
            tools: self.tools.clone(),
            retry: policy,
        }
    }
}

/// Signing out needs no rotated tokens kept.
struct NoSink;

impl klikt_remote::TokenSink for NoSink {
    fn tokens_changed(&self, _: &klikt_remote::Tokens) {}
}
