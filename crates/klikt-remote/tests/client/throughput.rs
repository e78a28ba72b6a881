//! Download speed: 6 × 100 MB pulled over 6 concurrent downloads, against
//! `curl --parallel` on the same server. Ignored by default (it moves
//! 1.2 GB); run with
//! `cargo test --release -p klikt-remote --test client -- --ignored throughput --nocapture`.

use crate::harness::{EMAIL, PASSWORD};
use klikt_remote::{Client, RetryPolicy};
use klikt_server::admin::{seed, SeedOptions};
use klikt_server::{ServerConfig, TestServer};
use klikt_wire::ModerationMode;
use std::io::Write;
use std::time::Instant;

const FILES: usize = 6;
const SIZE: usize = 100 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "moves 1.2 GB; a measurement, not a check"]
async fn throughput_of_six_concurrent_downloads_against_curl() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("source");
    std::fs::create_dir_all(&source).expect("source dir");
    let mut block = vec![0u8; 1024 * 1024];
    for i in 0..FILES {
        // A JPEG start marker and noise: the server sniffs only the magic.
        let mut file = std::fs::File::create(source.join(format!("big{i}.jpg"))).expect("create");
        let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ i as u64;
        for chunk in 0..SIZE / block.len() {
            for word in block.chunks_mut(8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                word.copy_from_slice(&state.to_le_bytes()[..word.len()]);
            }
            if chunk == 0 {
                block[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
            }
            file.write_all(&block).expect("write");
        }
    }
    let data = dir.path().join("server");
    let report = seed(
        &data,
        &SeedOptions {
            email: EMAIL.to_owned(),
            password: PASSWORD.to_owned(),
            event: "Big".to_owned(),
            from: source.clone(),
            moderation: ModerationMode::Post,
            expires_in_days: 30,
        },
    )
    .expect("seed");
    assert_eq!(report.media.len(), FILES, "skipped: {:?}", report.skipped);
    let server = TestServer::start(ServerConfig::new(&data)).expect("server");
    let (client, tokens) = Client::sign_in(server.url(), EMAIL, PASSWORD, RetryPolicy::standard())
        .await
        .expect("sign in");
    let media = crate::harness::all_media(&client, &report.event_id).await;
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("out dir");

    let rounds = 5;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for entry in std::fs::read_dir(&out).expect("out") {
            std::fs::remove_file(entry.expect("entry").path()).expect("clean");
        }
        let start = Instant::now();
        let tasks: Vec<_> = media
            .iter()
            .cloned()
            .map(|m| {
                let client = client.clone();
                let path = out.join(m.id.as_str());
                tokio::spawn(async move {
                    client
                        .download_original(&m.id, &m.sha256, m.size, &path, &|_| {})
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task").expect("download");
        }
        let klikt = start.elapsed();

        for entry in std::fs::read_dir(&out).expect("out") {
            std::fs::remove_file(entry.expect("entry").path()).expect("clean");
        }
        let mut curl = std::process::Command::new("curl");
        curl.args(["--parallel", "--parallel-max", "6", "-s", "-S", "-f"])
            .arg("-H")
            .arg(format!("Authorization: Bearer {}", tokens.access_token));
        for m in &media {
            curl.arg("-o").arg(out.join(m.id.as_str())).arg(format!(
                "{}/v1/media/{}/original",
                server.url(),
                m.id
            ));
        }
        let start = Instant::now();
        let status = curl.status().expect("curl");
        let curl_time = start.elapsed();
        assert!(status.success());
        ours.push(klikt.as_secs_f64());
        theirs.push(curl_time.as_secs_f64());
        let mb = (FILES * SIZE) as f64 / 1e6;
        println!(
            "round {round}: klikt-remote {:.2} s ({:.0} MB/s, hashed, fsynced), curl --parallel {:.2} s ({:.0} MB/s), ratio {:.2}",
            klikt.as_secs_f64(),
            mb / klikt.as_secs_f64(),
            curl_time.as_secs_f64(),
            mb / curl_time.as_secs_f64(),
            klikt.as_secs_f64() / curl_time.as_secs_f64()
        );
    }
    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);
    println!(
        "median of {rounds}: klikt-remote {:.2} s, curl --parallel {:.2} s, ratio {:.2}",
        ours[rounds / 2],
        theirs[rounds / 2],
        ours[rounds / 2] / theirs[rounds / 2]
    );
}
