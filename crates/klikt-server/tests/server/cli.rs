//! The `klikt-server` binary: `serve` in a child process while `seed` and
//! `simulate` write to the same data directory.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use klikt_wire::{paths, ChangesPage, Cursor, EventId};
use reqwest::StatusCode;

use crate::support::{corpus, orientation_dir, sign_in, upserted_media, EMAIL, PASSWORD};

const BIN: &str = env!("CARGO_BIN_EXE_klikt-server");

/// A `serve` child process, killed on drop.
struct Served {
    child: Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, env: &[(&str, &str)]) -> Served {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .env_remove("KLIKT_FAULTS");
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the first line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("serve prints `listening on URL`, got {line:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "the real bound address: {url}"
    );
    Served { child, url }
}

fn run(args: &[&str]) -> String {
    let output = Command::new(BIN).args(args).output().expect("command runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn page(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    event: &EventId,
    cursor: Option<&Cursor>,
) -> ChangesPage {
    let response = http
        .get(format!(
            "{base}{}",
            paths::event_changes_query(event, cursor, Some(1000))
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("feed request");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("page")
}

#[tokio::test]
async fn seed_and_simulate_upload_change_what_a_running_server_serves() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let data = dir.path().join("data");
    let data_arg = data.to_str().expect("utf-8 path");
    let served = serve(&data, &[]);

    let output = run(&[
        "seed",
        "--data",
        data_arg,
        "--email",
        EMAIL,
        "--password",
        PASSWORD,
        "--event",
        "Anna & Tom",
        "--from",
        corpus().join("tiff").to_str().expect("path"),
        "--moderation",
        "pre",
    ]);
    let event = EventId::new(
        output
            .split_whitespace()
            .last()
            .expect("output ends with the id"),
    );
    assert!(
        event.as_str().starts_with("evt_"),
        "the last word is the event id: {output}"
    );

    let http = reqwest::Client::new();
    let session = sign_in(&http, &served.url).await;
    let first = page(&http, &served.url, &session.access_token, &event, None).await;
    let seeded = upserted_media(&first.changes).len();
    assert!(seeded >= 8, "the TIFF folder was seeded, got {seeded}");

    let output = run(&[
        "simulate",
        "upload",
        "--data",
        data_arg,
        "--event",
        event.as_str(),
        "--uploader",
        "Mia",
        orientation_dir()
            .join("portrait_5.jpg")
            .to_str()
            .expect("path"),
    ]);
    let new_id = output.trim().to_owned();
    assert!(
        new_id.starts_with("med_"),
        "prints the new media id: {output}"
    );

    let next = page(
        &http,
        &served.url,
        &session.access_token,
        &event,
        Some(&first.next_cursor),
    )
    .await;
    let new: Vec<String> = upserted_media(&next.changes)
        .into_iter()
        .map(|i| i.0)
        .collect();
    assert_eq!(
        new,
        vec![new_id],
        "the running server sees the CLI's upload at once"
    );

    let output = run(&[
        "inspect",
        "--data",
        data_arg,
        "--event",
        event.as_str(),
        "--json",
    ]);
    let inspection: serde_json::Value = serde_json::from_str(&output).expect("inspect prints JSON");
    assert_eq!(
        inspection["media"].as_array().map(Vec::len),
        Some(seeded + 1)
    );
}

#[tokio::test]
async fn klikt_faults_in_the_environment_configures_serve() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let served = serve(
        &dir.path().join("data"),
        &[("KLIKT_FAULTS", "error_rate=1,error_retry_after=4")],
    );
    let response = reqwest::Client::new()
        .get(format!("{}{}", served.url, paths::events()))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("4")
    );
}
