//! Downloads: `GET /v1/media/{id}/original` (strong ETag = SHA-256, single
//! byte ranges, `If-Range`, `If-None-Match`, 416) and
//! `GET /v1/media/{id}/preview`. Files are streamed from disk in 256 KiB
//! chunks; nothing is hashed per request (the SHA-256 is stored).

use std::io::SeekFrom;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use klikt_wire::{codes, etag_for_sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::auth::require_account;
use crate::error::ServerError;
use crate::events::EventRow;
use crate::http::AppState;
use crate::items::MediaRow;
use crate::problem::ApiError;

/// Read size of file bodies: large enough for loopback line rate.
const CHUNK: usize = 256 * 1024;

/// What a `Range` request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeAnswer {
    /// 200 with the whole file.
    Full,
    /// 206 with bytes `start..=end`.
    Partial { start: u64, end: u64 },
    /// 416.
    Unsatisfiable,
}

/// Decides a `Range` header (with its `If-Range`) against a file of `size`
/// bytes whose ETag is `etag`. Only single `bytes=` ranges are served;
/// several ranges, other units or malformed values get the whole file.
pub(crate) fn decide_range(
    range: Option<&str>,
    if_range: Option<&str>,
    etag: &str,
    size: u64,
) -> RangeAnswer {
    let Some(range) = range else {
        return RangeAnswer::Full;
    };
    if let Some(if_range) = if_range {
        // A strong comparison; a date (or a weak tag) never matches.
        if if_range.trim() != etag {
            return RangeAnswer::Full;
        }
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Full;
    };
    if spec.contains(',') {
        return RangeAnswer::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAnswer::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    let parse = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    match (first.is_empty(), parse(first), parse(last)) {
        // bytes=-n: the last n bytes.
        (true, _, Some(n)) => {
            if n == 0 || size == 0 {
                RangeAnswer::Unsatisfiable
            } else {
                RangeAnswer::Partial {
                    start: size.saturating_sub(n),
                    end: size - 1,
                }
            }
        }
        // bytes=a- and bytes=a-b
        (false, Some(start), end) => {
            if !last.is_empty() && end.is_none() {
                return RangeAnswer::Full;
            }
            if end.is_some_and(|end| end < start) {
                return RangeAnswer::Full;
            }
            if start >= size {
                return RangeAnswer::Unsatisfiable;
            }
            let end = end.map_or(size - 1, |e| e.min(size - 1));
            RangeAnswer::Partial { start, end }
        }
        _ => RangeAnswer::Full,
    }
}

/// Whether an `If-None-Match` value matches `etag` (weak comparison, `*`).
fn none_match(value: Option<&str>, etag: &str) -> bool {
    value.is_some_and(|v| {
        v.split(',').map(str::trim).any(|candidate| {
            candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
        })
    })
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The media item `id` if the request's account owns its event.
async fn load_media(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
) -> Result<MediaRow, ApiError> {
    let headers = headers.clone();
    state
        .db(move |conn| {
            let account = require_account(conn, &headers)?;
            let not_found = || ApiError::not_found(format!("media {id}"));
            let media = MediaRow::load(conn, &id)?.ok_or_else(not_found)?;
            let event = EventRow::load(conn, &media.event_id)?
                .filter(|e| e.account_id == account.id)
                .ok_or_else(not_found)?;
            event.check_not_gone(crate::clock::now())?;
            if media.deleted_at.is_some() {
                return Err(ServerError::MediaDeleted(klikt_wire::ItemId::new(&media.id)).into());
            }
            Ok(media)
        })
        .await
}

fn not_modified(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

async fn open_at(path: &std::path::Path, start: u64) -> Result<tokio::fs::File, ApiError> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| ApiError::internal(format!("opening stored file: {e}")))?;
    if start > 0 {
        file.seek(SeekFrom::Start(start))
            .await
            .map_err(|e| ApiError::internal(format!("seeking stored file: {e}")))?;
    }
    Ok(file)
}

/// `GET /v1/media/{id}/original`.
pub(crate) async fn original(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let media = load_media(&state, id, &headers).await?;
    let etag = etag_for_sha256(&media.sha256);
    if none_match(header_str(&headers, header::IF_NONE_MATCH), &etag) {
        return Ok(not_modified(&etag));
    }
    let size = u64::try_from(media.size).unwrap_or(0);
    let answer = decide_range(
        header_str(&headers, header::RANGE),
        header_str(&headers, header::IF_RANGE),
        &etag,
        size,
    );
    let (status, start, len, content_range) = match answer {
        RangeAnswer::Full => (StatusCode::OK, 0, size, None),
        RangeAnswer::Partial { start, end } => (
            StatusCode::PARTIAL_CONTENT,
            start,
            end - start + 1,
            Some(format!("bytes {start}-{end}/{size}")),
        ),
        RangeAnswer::Unsatisfiable => {
            return Err(ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                codes::RANGE_NOT_SATISFIABLE,
                format!("the original has {size} bytes"),
            )
            .with_header(header::CONTENT_RANGE, format!("bytes */{size}")))
        }
    };
    let file = open_at(&state.store.files.original_path(&media.sha256), start).await?;
    let body = Body::from_stream(ReaderStream::with_capacity(file.take(len), CHUNK));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    for (name, value) in [
        (header::CONTENT_TYPE, Some(media.mime.as_str())),
        (header::ETAG, Some(etag.as_str())),
        (header::CONTENT_RANGE, content_range.as_deref()),
    ] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
            h.insert(name, value);
        }
    }
    Ok(response)
}

/// `GET /v1/media/{id}/preview`: the JPEG made at upload for HEIC and video.
pub(crate) async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let media = load_media(&state, id, &headers).await?;
    let (Some(preview_sha), Some(preview_size)) = (&media.preview_sha256, media.preview_size)
    else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            codes::PREVIEW_UNAVAILABLE,
            format!("media {} has no preview", media.id),
        ));
    };
    let etag = etag_for_sha256(preview_sha);
    if none_match(header_str(&headers, header::IF_NONE_MATCH), &etag) {
        return Ok(not_modified(&etag));
    }
    let len = u64::try_from(preview_size).unwrap_or(0);
    let file = open_at(&state.store.files.preview_path(&media.sha256), 0).await?;
    let body = Body::from_stream(ReaderStream::with_capacity(file.take(len), CHUNK));
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG: &str = "\"abc\"";

    #[test]
    fn single_ranges_of_each_form_are_served() {
        let d = |r: &str| decide_range(Some(r), None, TAG, 100);
        assert_eq!(d("bytes=0-9"), RangeAnswer::Partial { start: 0, end: 9 });
        assert_eq!(d("bytes=90-"), RangeAnswer::Partial { start: 90, end: 99 });
        assert_eq!(d("bytes=-10"), RangeAnswer::Partial { start: 90, end: 99 });
        assert_eq!(d("bytes=-500"), RangeAnswer::Partial { start: 0, end: 99 });
        assert_eq!(
            d("bytes=50-500"),
            RangeAnswer::Partial { start: 50, end: 99 },
            "end clamps"
        );
    }

    #[test]
    fn unsatisfiable_and_odd_ranges() {
        let d = |r: &str| decide_range(Some(r), None, TAG, 100);
        assert_eq!(d("bytes=100-"), RangeAnswer::Unsatisfiable);
        assert_eq!(d("bytes=-0"), RangeAnswer::Unsatisfiable);
        assert_eq!(
            d("bytes=0-1,5-6"),
            RangeAnswer::Full,
            "several ranges: whole file"
        );
        assert_eq!(
            d("bytes=9-3"),
            RangeAnswer::Full,
            "invalid range is ignored"
        );
        assert_eq!(d("items=0-1"), RangeAnswer::Full);
        assert_eq!(
            decide_range(Some("bytes=0-"), None, TAG, 0),
            RangeAnswer::Unsatisfiable
        );
    }

    #[test]
    fn if_range_serves_the_range_only_on_an_exact_etag() {
        let d = |ir: &str| decide_range(Some("bytes=10-"), Some(ir), TAG, 100);
        assert_eq!(d(TAG), RangeAnswer::Partial { start: 10, end: 99 });
        assert_eq!(d("\"other\""), RangeAnswer::Full);
        assert_eq!(
            d("W/\"abc\""),
            RangeAnswer::Full,
            "weak tags never match If-Range"
        );
        assert_eq!(
            d("Sat, 01 Jan 2026 00:00:00 GMT"),
            RangeAnswer::Full,
            "dates never match"
        );
    }
}
