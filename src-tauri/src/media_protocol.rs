//! The `klikt-media` URI scheme: rendition files for `<img src>`.
//!
//! URLs are `klikt-media://localhost/{thumbnail|display}/{media_id}` (on
//! Windows the webview spells them `http://klikt-media.localhost/...`; the
//! handler only reads the path). The id is resolved with
//! `Klikt::rendition_file`, never with a path taken from the URL, so a page
//! cannot read arbitrary files through this scheme. `/qr/{event_id}` is the
//! event's share-URL QR code as a PNG, for the slideshow's overlay;
//! `/logo/{event_id}` is the event's slideshow logo (a PNG the library made
//! from the organizer's image, found by the event id alone). Files are read
//! on the blocking pool, off the main thread and the async workers.

use std::path::Path;

use klikt_api::{FileKind, QrFormat};
use tauri::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::library::Library;

/// The scheme name, as the UI's `mediaUrl()` spells it.
pub const SCHEME: &str = "klikt-media";

/// Renditions are immutable for a media id for now; a day keeps scrolling
/// back through a grid free while letting a later re-render show up.
const CACHE_CONTROL: &str = "private, max-age=86400";

/// Which rendition a URL asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rendition {
    Thumbnail,
    Display,
    /// Not a file: the event's QR code (the id is an event's).
    Qr,
    /// The event's slideshow logo (the id is an event's).
    Logo,
}

/// Pixels a side of the QR code PNG: sharp on a venue screen's corner.
const QR_SIZE: u32 = 512;

impl Rendition {
    fn file_kind(self) -> Option<FileKind> {
        match self {
            Rendition::Thumbnail => Some(FileKind::Thumbnail),
            Rendition::Display => Some(FileKind::Display),
            Rendition::Qr | Rendition::Logo => None,
        }
    }
}

/// Reads `/{thumbnail|display}/{media_id}`; anything else is not ours.
fn parse_path(path: &str) -> Option<(Rendition, i64)> {
    let (rendition, id) = path.strip_prefix('/')?.split_once('/')?;
    let rendition = match rendition {
        "thumbnail" => Rendition::Thumbnail,
        "display" => Rendition::Display,
        "qr" => Rendition::Qr,
        "logo" => Rendition::Logo,
        _ => return None,
    };
    Some((rendition, parse_id(id)?))
}

/// A media or event id in a URL: plain digits only (`i64::from_str` would
/// also take a leading `+`).
pub(crate) fn parse_id(id: &str) -> Option<i64> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// The protocol handler given to `register_asynchronous_uri_scheme_protocol`.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    tauri::async_runtime::spawn_blocking(move || {
        let response = match app.try_state::<Library>() {
            Some(library) => respond(&library, &request),
            None => text(StatusCode::SERVICE_UNAVAILABLE, "the library is not ready"),
        };
        responder.respond(response);
    });
}

fn respond(library: &Library, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    if request.method() != Method::GET {
        return text(StatusCode::METHOD_NOT_ALLOWED, "only GET is supported");
    }
    let Some((rendition, media_id)) = parse_path(request.uri().path()) else {
        return text(StatusCode::NOT_FOUND, "not a Klikt media URL");
    };
    let klikt = match library.get() {
        Ok(klikt) => klikt,
        Err(err) => return text(StatusCode::SERVICE_UNAVAILABLE, &err.message),
    };
    if rendition == Rendition::Logo {
        // The URL carries the logo's version (`?v=`), so a new logo is a new
        // URL; the same one may be cached like a rendition.
        return match klikt.slideshow_logo_file(media_id) {
            Some(path) => match std::fs::read(&path) {
                Ok(bytes) => bytes_response(bytes, "image/png", CACHE_CONTROL),
                Err(_) => text(StatusCode::NOT_FOUND, "the event has no logo"),
            },
            None => text(StatusCode::NOT_FOUND, "the event has no logo"),
        };
    }
    let Some(kind) = rendition.file_kind() else {
        return match klikt.share_qr(&media_id.to_string(), QrFormat::Png(QR_SIZE)) {
            Ok(png) => bytes_response(png, "image/png", "no-store"),
            Err(err) => text(StatusCode::NOT_FOUND, &err.to_string()),
        };
    };
    match klikt.rendition_file(media_id, kind) {
        Ok(Some(path)) => file_response(&path),
        Ok(None) => text(StatusCode::NOT_FOUND, "this media has no such rendition"),
        Err(err) => text(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
    }
}

/// A rendition file as a JPEG response (renditions are always JPEG).
fn file_response(path: &Path) -> Response<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => bytes_response(bytes, "image/jpeg", CACHE_CONTROL),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            text(StatusCode::NOT_FOUND, "the rendition file is missing")
        }
        Err(err) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("could not read the rendition file: {err}"),
        ),
    }
}

fn bytes_response(
    bytes: Vec<u8>,
    content_type: &'static str,
    cache: &'static str,
) -> Response<Vec<u8>> {
    let mut response = Response::new(bytes);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

fn text(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(message.as_bytes().to_vec());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_renditions_by_id() {
        assert_eq!(
            parse_path("/thumbnail/42"),
            Some((Rendition::Thumbnail, 42)),
            "thumbnail URL"
        );
        assert_eq!(
            parse_path("/display/7"),
            Some((Rendition::Display, 7)),
            "display URL"
        );
        assert_eq!(
            parse_path("/qr/3"),
            Some((Rendition::Qr, 3)),
            "an event's QR code"
        );
        assert_eq!(
            parse_path("/logo/3"),
            Some((Rendition::Logo, 3)),
            "an event's slideshow logo"
        );
    }

    #[test]
    fn rejects_anything_that_is_not_a_plain_id() {
        for path in [
            "/",
            "/thumbnail",
            "/thumbnail/",
            "/thumbnail/abc",
            "/thumbnail/+1",
            "/thumbnail/-1",
            "/thumbnail/1/extra",
            "/thumbnail/..%2F..%2Fetc%2Fpasswd",
            "/original/1",
            "/logo/../../etc/passwd",
            "/logo/brand.png",
            "/thumbnail/99999999999999999999",
        ] {
            assert_eq!(
                parse_path(path),
                None,
                "{path} must not resolve to a rendition"
            );
        }
    }

    #[test]
    fn serves_a_file_as_cacheable_jpeg() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("thumb.jpg");
        std::fs::write(&path, b"\xff\xd8jpeg").expect("write thumb");

        let response = file_response(&path);

        assert_eq!(
            response.status(),
            StatusCode::OK,
            "an existing file is served"
        );
        assert_eq!(
            response.body(),
            b"\xff\xd8jpeg",
            "the body is the file, unchanged"
        );
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "image/jpeg",
            "img tags need a type"
        );
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            CACHE_CONTROL,
            "grids re-request"
        );
    }

    #[test]
    fn a_missing_file_is_not_found_not_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");

        let response = file_response(&dir.path().join("gone.jpg"));

        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "the UI shows a placeholder"
        );
    }
}
