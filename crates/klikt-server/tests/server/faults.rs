use std::time::{Duration, Instant};

use klikt_server::Faults;
use klikt_wire::{codes, paths, ModerationMode};
use reqwest::StatusCode;

use crate::support::{expect_problem, Fixture};

fn retry_after(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn added_latency_delays_every_request() {
    let f = Fixture::start(ModerationMode::Post).await;
    f.server.set_faults(Faults {
        latency_ms: 150,
        ..Faults::none()
    });
    let started = Instant::now();
    let response = f.get(&paths::events()).send().await.expect("request");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "latency alone changes no answer"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "the request waited"
    );
}

#[tokio::test]
async fn injected_errors_are_503_with_retry_after_or_500_without() {
    let f = Fixture::start(ModerationMode::Post).await;
    f.server.set_faults(Faults {
        error_rate: 1.0,
        error_retry_after: Some(2),
        ..Faults::none()
    });
    let response = f.get(&paths::events()).send().await.expect("request");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(retry_after(&response).as_deref(), Some("2"));

    f.server.set_faults(Faults {
        error_rate: 1.0,
        error_status: 500,
        ..Faults::none()
    });
    let response = f.get(&paths::events()).send().await.expect("request");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        retry_after(&response),
        None,
        "no Retry-After unless configured"
    );

    f.server.set_faults(Faults::none());
    let response = f.get(&paths::events()).send().await.expect("request");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "faults switch off at runtime"
    );
}

#[tokio::test]
async fn every_kth_request_starts_a_burst_of_429_with_retry_after() {
    let f = Fixture::start(ModerationMode::Post).await;
    f.server.set_faults(Faults {
        rate_limit_every: 3,
        rate_limit_burst: 2,
        retry_after: 7,
        ..Faults::none()
    });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = f.get(&paths::events()).send().await.expect("request");
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(
                retry_after(&response).as_deref(),
                Some("7"),
                "429 carries Retry-After seconds"
            );
            expect_problem(response, StatusCode::TOO_MANY_REQUESTS, codes::RATE_LIMITED).await;
        }
    }
    assert_eq!(statuses, vec![200, 200, 429, 429, 200, 429]);
}

#[tokio::test]
async fn a_reset_cuts_the_download_mid_body() {
    let f = Fixture::start(ModerationMode::Post).await;
    f.server.set_faults(Faults {
        reset_rate: 1.0,
        ..Faults::none()
    });
    let response = f
        .get(&paths::media_original(&f.media[0]))
        .send()
        .await
        .expect("the headers arrive");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.bytes().await.is_err(),
        "the body stops short and the connection is reset"
    );
    f.server.set_faults(Faults::none());
    let response = f
        .get(&paths::media_original(&f.media[0]))
        .send()
        .await
        .expect("request");
    assert!(
        response.bytes().await.is_ok(),
        "without the fault the body is whole"
    );
}
