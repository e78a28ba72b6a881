//! Builds a library for the window benchmark (bench/app_grid.sh): one server
//! event of N items (default 10,000) whose thumbnail and display renditions
//! are the given JPEGs (hard-linked into the store, one file per item), and a
//! small second event to switch from.
//!
//!   cargo run --release -p klikt-api --example synth_library -- DIR [N] THUMB.jpg DISPLAY.jpg

use std::path::PathBuf;

use klikt_library::tables::{events, media};
use klikt_library::{FileKind, Library, Sha256Hex};

#[path = "common/synth.rs"]
mod synth;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: synth_library DIR N THUMB.jpg DISPLAY.jpg";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let n: i64 = args.next().ok_or(usage)?.parse()?;
    let thumb = PathBuf::from(args.next().ok_or(usage)?);
    let display = PathBuf::from(args.next().ok_or(usage)?);

    let event_id = synth::populate(&dir, n)?;
    let library = Library::open(&dir)?;
    let rows = library.read(|conn| media::list(conn, event_id, &media::MediaFilter::default()))?;
    for row in &rows {
        let sha = Sha256Hex::parse(&row.record.sha256)?;
        for (kind, source) in [(FileKind::Thumbnail, &thumb), (FileKind::Display, &display)] {
            let path = library.store().path(&sha, kind);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if !path.exists() {
                std::fs::hard_link(source, &path)
                    .or_else(|_| std::fs::copy(source, &path).map(drop))?;
            }
        }
    }
    library.write(|tx| {
        events::find_or_create_local(tx, "Small event", "2026-11-23T10:00:00Z")?;
        Ok(())
    })?;
    println!("{event_id}");
    Ok(())
}
