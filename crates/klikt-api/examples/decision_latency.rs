//! Benchmark (moderation issue): on a library of N media items (default
//! 100,000) of one server event, how long one decision takes to commit (the
//! status, its audit-log entry and its outbox entry, in one transaction), one
//! curation decision, and the first page of 200 items filtered by status and
//! sorted by capture time.
//!
//!   cargo run --release -p klikt-api --example decision_latency [N]
//!
//! Figures and how they were taken: docs/benchmarks.md.

use std::time::{Duration, Instant};

use klikt_api::{Curation, Flag, Klikt, MediaQuery, Moderation, Selection, Status};

#[path = "common/synth.rs"]
mod synth;
use synth::populate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: i64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let event_id = populate(dir.path(), n)?;
    eprintln!("library of {n} items built in {:.1?}", started.elapsed());

    let klikt = Klikt::open(dir.path())?;
    let event = event_id.to_string();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next_id = move || {
        // xorshift: a spread of ids without a dependency.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as i64 + 1
    };

    let mut moderation = Vec::new();
    for i in 0..2000 {
        let decision = if i % 2 == 0 {
            Moderation::Hide
        } else {
            Moderation::Approve
        };
        let id = next_id();
        let t = Instant::now();
        klikt.moderate(&event, &Selection::Ids(vec![id]), decision)?;
        moderation.push(t.elapsed());
    }
    let mut curation = Vec::new();
    for i in 0..2000 {
        let id = next_id();
        let change = match i % 3 {
            0 => Curation::Flag(Flag::Picked),
            1 => Curation::Rating((i % 6) as u8),
            _ => Curation::Favorite(i % 2 == 0),
        };
        let t = Instant::now();
        klikt.curate(id, change)?;
        curation.push(t.elapsed());
    }
    let mut pages = Vec::new();
    for status in [Status::Pending, Status::Approved, Status::Hidden]
        .iter()
        .cycle()
        .take(300)
    {
        let t = Instant::now();
        let page = klikt.media(
            &event,
            &MediaQuery {
                status: Some(*status),
                limit: Some(200),
                ..MediaQuery::default()
            },
        )?;
        pages.push(t.elapsed());
        assert!(page.len() <= 200);
    }

    println!("| measure ({n} items) | p50 | p99 | max |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, samples) in [
        (
            "moderation decision committed (status + log + outbox)",
            &mut moderation,
        ),
        ("curation decision committed (value + log)", &mut curation),
        (
            "first page of 200, filtered by status, by capture time",
            &mut pages,
        ),
    ] {
        samples.sort();
        let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
        println!(
            "| {name} | {} | {} | {} |",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(samples[samples.len() - 1])
        );
    }
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
