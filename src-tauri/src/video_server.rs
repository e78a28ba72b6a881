//! Videos for the slideshow's `<video>`, over HTTP on the loopback interface.
//!
//! Why not the `klikt-media` scheme: WebKitGTK gives a media element's URL
//! to GStreamer, which has no source for custom URI schemes (WebKit bug
//! 146351), so a video there fails with "source not supported". A real HTTP
//! URL plays, streamed in byte ranges by tower-http's `ServeFile` (the player
//! seeks; a whole video is never read into memory).
//!
//! The server starts on first use (no socket unless a show asks for a
//! video), listens on 127.0.0.1 only, and answers only
//! `/{secret}/{media_id}` for videos in the library: the secret is 128 random
//! bits made per run and handed to the webview through IPC, so another local
//! process cannot list or read the library through it. A request whose
//! `Host` is not the server's own address is refused (DNS rebinding).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use klikt_api::{IpcError, Klikt};
use rand::RngExt;
use tokio::sync::OnceCell;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::media_protocol::parse_id;

/// Managed state: the server's base URL once started.
#[derive(Default)]
pub struct VideoServer {
    base: OnceCell<String>,
}

impl VideoServer {
    /// `http://127.0.0.1:PORT/SECRET`; a video is at `{base}/{media_id}`.
    /// Starts the server the first time.
    pub async fn base_url(&self, klikt: Arc<Klikt>) -> Result<String, IpcError> {
        self.base.get_or_try_init(|| start(klikt)).await.cloned()
    }
}

struct Shared {
    klikt: Arc<Klikt>,
    secret: String,
    host: String,
}

async fn start(klikt: Arc<Klikt>) -> Result<String, IpcError> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(|err| {
            server_error(&format!(
                "could not listen on the loopback interface: {err}"
            ))
        })?;
    let addr: SocketAddr = listener
        .local_addr()
        .map_err(|err| server_error(&err.to_string()))?;
    let secret = new_secret();
    let base = format!("http://{addr}/{secret}");
    let shared = Arc::new(Shared {
        klikt,
        secret,
        host: addr.to_string(),
    });
    let app = Router::new()
        .route("/{secret}/{id}", get(serve_video))
        .with_state(shared);
    tauri::async_runtime::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            eprintln!("klikt-desktop: the video server stopped: {err}");
        }
    });
    Ok(base)
}

/// 32 hex digits from the thread-local CSPRNG.
fn new_secret() -> String {
    let mut rng = rand::rng();
    (0..16)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

async fn serve_video(
    State(shared): State<Arc<Shared>>,
    Path((secret, id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let host_ok = request
        .headers()
        .get(header::HOST)
        .is_some_and(|host| host.as_bytes() == shared.host.as_bytes());
    if !host_ok || !same_secret(&secret, &shared.secret) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(media_id) = parse_id(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let klikt = shared.klikt.clone();
    let found = tokio::task::spawn_blocking(move || klikt.video_file(media_id)).await;
    let (path, mime) = match found {
        Ok(Ok(Some(video))) => video,
        Ok(Ok(None)) => return (StatusCode::NOT_FOUND, "no video with this id").into_response(),
        Ok(Err(err)) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response()
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let mime: mime::Mime = mime.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    match ServeFile::new_with_mime(path, &mime).oneshot(request).await {
        Ok(response) => {
            let mut response = response.into_response();
            // Only this app's pages may read it, and nothing caches guest media.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

/// Compares without stopping at the first differing byte, so response time
/// does not tell a local attacker how much of a guess was right.
fn same_secret(given: &str, secret: &str) -> bool {
    given.len() == secret.len()
        && given
            .bytes()
            .zip(secret.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

fn server_error(message: &str) -> IpcError {
    IpcError {
        code: "io".to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_and_differ_between_runs() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn only_the_exact_secret_matches() {
        assert!(same_secret("abcd", "abcd"));
        assert!(!same_secret("abce", "abcd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "abcd"));
    }

    /// A library holding one video (made with ffmpeg, what CI installs) and one photo.
    fn library_with_a_video(dir: &std::path::Path) -> (Arc<Klikt>, i64, i64, Vec<u8>) {
        let clip = dir.join("toast.mp4");
        let made = std::process::Command::new("ffmpeg")
            .args(["-loglevel", "error", "-f", "lavfi", "-i"])
            .arg("testsrc=duration=1:size=320x240:rate=25")
            .args(["-c:v", "libx264", "-pix_fmt", "yuv420p"])
            .arg(&clip)
            .status()
            .expect("ffmpeg runs (apt install ffmpeg)");
        assert!(made.success(), "ffmpeg made the test video");
        let photo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/corpus/jpg/orientation/landscape_1.jpg");
        let klikt = Klikt::open(dir.join("library")).expect("library");
        let request = klikt_api::ImportRequest {
            event_name: "Party".into(),
            paths: vec![clip.clone(), photo],
            status: klikt_api::Status::Approved,
        };
        klikt
            .import(
                &request,
                &mut |_| {},
                &std::sync::atomic::AtomicBool::new(false),
            )
            .expect("import");
        let items = klikt
            .media("Party", &klikt_api::MediaQuery::default())
            .expect("media");
        let id_of = |kind: klikt_api::MediaKind| {
            items
                .iter()
                .find(|item| item.kind == kind)
                .map(|item| item.id)
                .expect("imported")
        };
        let (video, photo) = (
            id_of(klikt_api::MediaKind::Video),
            id_of(klikt_api::MediaKind::Photo),
        );
        let bytes = std::fs::read(&clip).expect("clip");
        (Arc::new(klikt), video, photo, bytes)
    }

    #[test]
    fn serves_a_video_in_ranges_only_with_the_secret_and_never_a_photo() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (klikt, video, photo, bytes) = library_with_a_video(dir.path());
        tauri::async_runtime::block_on(async move {
            let server = VideoServer::default();
            let base = server.base_url(klikt.clone()).await.expect("started");
            assert!(base.starts_with("http://127.0.0.1:"), "{base}");
            assert_eq!(
                server.base_url(klikt).await.expect("again"),
                base,
                "one server per run"
            );
            let http = reqwest::Client::new();

            let part = http
                .get(format!("{base}/{video}"))
                .header("Range", "bytes=100-199")
                .send()
                .await
                .expect("range request");
            assert_eq!(part.status(), 206);
            assert_eq!(part.headers()["content-type"], "video/mp4");
            assert_eq!(
                part.headers()["content-range"],
                format!("bytes 100-199/{}", bytes.len()).as_str()
            );
            assert_eq!(part.bytes().await.expect("body").as_ref(), &bytes[100..200]);

            let whole = http
                .get(format!("{base}/{video}"))
                .send()
                .await
                .expect("get");
            assert_eq!(whole.status(), 200);
            assert_eq!(
                whole.bytes().await.expect("body").as_ref(),
                bytes.as_slice()
            );

            let (origin, _) = base.rsplit_once('/').expect("secret in the base");
            for url in [
                format!("{origin}/{}/{video}", "0".repeat(32)),
                format!("{origin}/{video}"),
                format!("{base}/{photo}"),
                format!("{base}/999999"),
                format!("{base}/..%2F{video}"),
            ] {
                let response = http.get(&url).send().await.expect("get");
                assert_eq!(response.status(), 404, "{url}");
            }
            let rebound = http
                .get(format!("{base}/{video}"))
                .header("Host", "attacker.example")
                .send()
                .await
                .expect("get");
            assert_eq!(
                rebound.status(),
                404,
                "a page on another host name gets nothing"
            );
        });
    }
}
