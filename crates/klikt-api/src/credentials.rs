//! Session tokens in the operating system's keyring (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows), and nowhere
//! else: there is deliberately no file fallback. Without a usable keyring,
//! signing in fails with a message saying so.

use klikt_remote::Tokens;

use crate::error::ApiError;

/// The keyring "service" every Klikt entry is filed under.
const SERVICE: &str = "Klikt Desktop";

fn entry(server_url: &str, email: &str) -> Result<keyring::Entry, ApiError> {
    keyring::Entry::new(SERVICE, &format!("{email} on {server_url}")).map_err(keyring_error)
}

fn keyring_error(error: keyring::Error) -> ApiError {
    let why = match &error {
        keyring::Error::NoDefaultStore => {
            "no keyring service is available (on Linux: a Secret Service such as \
             gnome-keyring or KeePassXC in a D-Bus session)"
                .to_owned()
        }
        keyring::Error::NoStorageAccess(e) => {
            format!("the keyring is locked or refused access ({e})")
        }
        keyring::Error::PlatformFailure(e) => format!("the keyring failed ({e})"),
        other => other.to_string(),
    };
    ApiError::Keyring(format!(
        "cannot use the system keyring: {why}. Klikt keeps sign-in tokens only there, \
         never in a file"
    ))
}

/// Stores the session's tokens for `email` on `server_url`, replacing any.
pub(crate) fn save(server_url: &str, email: &str, tokens: &Tokens) -> Result<(), ApiError> {
    let secret = serde_json::to_string(tokens)
        .map_err(|e| ApiError::Keyring(format!("cannot encode the tokens: {e}")))?;
    entry(server_url, email)?
        .set_password(&secret)
        .map_err(keyring_error)
}

/// The stored tokens, or `None` when there are none (signed out).
pub(crate) fn load(server_url: &str, email: &str) -> Result<Option<Tokens>, ApiError> {
    match entry(server_url, email)?.get_password() {
        Ok(secret) => serde_json::from_str(&secret).map(Some).map_err(|_| {
            ApiError::Keyring(
                "the keyring entry of this account is damaged; run `klikt login` again".into(),
            )
        }),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Removes the stored tokens; nothing stored is fine.
pub(crate) fn delete(server_url: &str, email: &str) -> Result<(), ApiError> {
    match entry(server_url, email)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Persists rotated tokens as soon as the client gets them: a refresh token
/// is single use, so the new one must survive a crash right after.
pub(crate) struct KeyringSink {
    pub server_url: String,
    pub email: String,
}

impl klikt_remote::TokenSink for KeyringSink {
    fn tokens_changed(&self, tokens: &Tokens) {
        // A failure here leaves the old (now spent) refresh token stored; the
        // next run will then ask the organizer to sign in again, which is the
        // safe outcome.
        let _ = save(&self.server_url, &self.email, tokens);
    }
}
