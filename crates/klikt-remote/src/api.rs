//! The JSON calls of the protocol: events, the change feed, moderation and
//! previews. All are `GET`s (retried) except moderation, which is retried
//! because it carries an `Idempotency-Key`.

use crate::client::{Auth, Client};
use crate::error::RemoteError;
use klikt_wire::{
    codes, headers, limits, paths, Change, ChangesPage, Cursor, Event, EventId, EventList, ItemId,
    ModerationRequest, ModerationResponse,
};
use reqwest::Method;

/// A fresh idempotency key for one moderation batch (a UUID v4, as the
/// protocol recommends). Keep it with the batch: a retry after a lost answer
/// must send the same key and body.
pub fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Checks an `Idempotency-Key`: 1–255 visible ASCII characters.
pub(crate) fn check_idempotency_key(key: &str) -> Result<(), RemoteError> {
    let ok = !key.is_empty()
        && key.len() <= limits::MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(RemoteError::InvalidRequest {
            reason: "an idempotency key is 1 to 255 visible ASCII characters".to_owned(),
        })
    }
}

/// Rejects a page that breaks the feed's rules: a `reset` only ever comes
/// alone on its page.
pub(crate) fn check_page(url: &str, page: &ChangesPage) -> Result<(), RemoteError> {
    let resets = page
        .changes
        .iter()
        .filter(|c| matches!(c, Change::Reset))
        .count();
    if resets > 0 && page.changes.len() != 1 {
        return Err(RemoteError::protocol(
            url,
            format!(
                "a reset came with {} other change(s) on one page; a reset must be alone",
                page.changes.len() - resets
            ),
        ));
    }
    Ok(())
}

impl Client {
    /// The events this organizer owns, newest first.
    pub async fn events(&self) -> Result<Vec<Event>, RemoteError> {
        let list: EventList = self
            .fetch_json(Method::GET, &paths::events(), Auth::Bearer, true, |b| b)
            .await?;
        Ok(list.events)
    }

    /// One event.
    pub async fn event(&self, id: &EventId) -> Result<Event, RemoteError> {
        self.fetch_json(Method::GET, &paths::event(id), Auth::Bearer, true, |b| b)
            .await
    }

    /// One page of an event's change feed, from `cursor` (the beginning when
    /// `None`). `limit` is clamped to 1..=1000. A page with a `reset` beside
    /// other changes is rejected as a protocol error.
    pub async fn changes(
        &self,
        event: &EventId,
        cursor: Option<&Cursor>,
        limit: u32,
    ) -> Result<ChangesPage, RemoteError> {
        let limit = limit.clamp(1, limits::CHANGES_MAX_LIMIT);
        let path = paths::event_changes_query(event, cursor, Some(limit));
        let page: ChangesPage = self
            .fetch_json(Method::GET, &path, Auth::Bearer, true, |b| b)
            .await?;
        check_page(&self.url(&path), &page)?;
        Ok(page)
    }

    /// Sends a moderation batch. Retried automatically (same key, same
    /// body); `409 idempotency_key_in_flight` is waited out like a `5xx`.
    pub async fn moderate(
        &self,
        event: &EventId,
        idempotency_key: &str,
        req: &ModerationRequest,
    ) -> Result<ModerationResponse, RemoteError> {
        check_idempotency_key(idempotency_key)?;
        if req.decisions.len() > limits::MAX_DECISIONS {
            return Err(RemoteError::InvalidRequest {
                reason: format!(
                    "a moderation batch holds at most {} decisions, not {}",
                    limits::MAX_DECISIONS,
                    req.decisions.len()
                ),
            });
        }
        let body = serde_json::to_vec(req).map_err(|e| RemoteError::InvalidRequest {
            reason: e.to_string(),
        })?;
        self.fetch_json(
            Method::POST,
            &paths::event_moderation(event),
            Auth::Bearer,
            true,
            |b| {
                b.header(headers::IDEMPOTENCY_KEY, idempotency_key)
                    .header(reqwest::header::CONTENT_TYPE, klikt_wire::CONTENT_TYPE_JSON)
                    .body(body.clone())
            },
        )
        .await
    }

    /// The JPEG preview of a media item, `None` when the server has none (yet).
    pub async fn preview(&self, media: &ItemId) -> Result<Option<Vec<u8>>, RemoteError> {
        let path = paths::media_preview(media);
        match self
            .fetch(Method::GET, &path, Auth::Bearer, true, |b| b)
            .await
        {
            Ok(body) => Ok(Some(body)),
            Err(RemoteError::NotFound {
                problem: Some(p), ..
            }) if p.code.as_deref() == Some(codes::PREVIEW_UNAVAILABLE) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::parse_json;

    fn parse_changes_page(url: &str, body: &[u8]) -> Result<ChangesPage, RemoteError> {
        let page: ChangesPage = parse_json(url, body)?;
        check_page(url, &page)?;
        Ok(page)
    }

    #[test]
    fn a_reset_alone_on_its_page_is_accepted() {
        let page = parse_changes_page(
            "u",
            br#"{"changes":[{"kind":"reset"}],"next_cursor":"c_A","has_more":true}"#,
        )
        .expect("a lone reset is the protocol");
        assert!(page.is_reset());
    }

    #[test]
    fn a_reset_beside_other_changes_is_rejected() {
        let body = br#"{"changes":[{"kind":"reset"},{"kind":"tombstone","target":"media","id":"med_1","version":2,"reason":"uploader","removed_at":"2026-06-15T08:02:00Z"}],"next_cursor":"c_A","has_more":true}"#;
        let err = parse_changes_page("u", body).expect_err("the client must reject the page");
        assert_eq!(err.code(), "protocol");
        assert!(err.to_string().contains("reset"), "{err}");
    }

    #[test]
    fn an_unknown_change_kind_is_a_protocol_error_naming_it() {
        let body = br#"{"changes":[{"kind":"album"}],"next_cursor":"c_A","has_more":false}"#;
        let err =
            parse_changes_page("http://s/v1/events/e/changes", body).expect_err("closed enum");
        assert_eq!(err.code(), "protocol");
        assert!(
            err.to_string().contains("album"),
            "the message names the value: {err}"
        );
    }

    #[test]
    fn idempotency_keys_are_visible_ascii_of_at_most_255() {
        assert!(check_idempotency_key(&new_idempotency_key()).is_ok());
        assert!(check_idempotency_key("").is_err());
        assert!(check_idempotency_key("has space").is_err());
        assert!(check_idempotency_key(&"k".repeat(256)).is_err());
        assert!(check_idempotency_key(&"k".repeat(255)).is_ok());
    }
}
