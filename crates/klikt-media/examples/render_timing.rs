//! Times `read_metadata` + `render` per file, the media share of an import.
//!
//! `cargo run --release -p klikt-media --example render_timing -- FILE...`

use std::path::PathBuf;
use std::time::Instant;

use klikt_media::{read_metadata, render, sniff, Limits, Source, Tools};

fn main() {
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        eprintln!("usage: render_timing FILE...");
        std::process::exit(2);
    }
    let tools = Tools::detect();
    let limits = Limits::default();
    for path in files {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                continue;
            }
        };
        let Some(format) = sniff(&bytes) else {
            eprintln!("{}: not media", path.display());
            continue;
        };
        // Best of three, so the first run's page faults do not count.
        let mut best = f64::MAX;
        let mut summary = String::new();
        for _ in 0..3 {
            let started = Instant::now();
            let metadata = read_metadata(&bytes);
            let source = Source {
                path: &path,
                bytes: Some(&bytes),
            };
            let result = render(format, &source, metadata.orientation, &limits, &tools);
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
            summary = match result {
                Ok(r) => format!(
                    "{:?}×{:?} thumb {} B display {} B",
                    r.width.unwrap_or(0),
                    r.height.unwrap_or(0),
                    r.thumbnail.map_or(0, |t| t.len()),
                    r.display.map_or(0, |d| d.len())
                ),
                Err(e) => format!("error: {e}"),
            };
        }
        println!("{:8.1} ms  {}  {summary}", best, path.display());
    }
}
