//! A synthetic server event of `n` pulled items, for the benchmarks: rows
//! only (decisions touch no file); `synth_library` adds rendition files.

use klikt_library::tables::{events, media, remote_media};
use klikt_library::{Library, MediaKind, Preview, Status};

/// A server event of `n` pulled items (rows only: decisions touch no file).
pub fn populate(dir: &std::path::Path, n: i64) -> Result<i64, Box<dyn std::error::Error>> {
    let library = Library::open(dir)?;
    let now = "2026-11-23T10:00:00Z";
    let event = library.write(|tx| {
        events::upsert_linked(
            tx,
            "http://127.0.0.1:9",
            &events::RemoteEvent {
                remote_id: "evt_bench".into(),
                name: "Bench".into(),
                event_date: Some("2026-06-14".into()),
                share_url: "http://127.0.0.1:9/e/evt_bench#s".into(),
                moderation_mode: "pre".into(),
                plan_name: "Wedding".into(),
                expires_at: "2027-06-14T00:00:00Z".into(),
                backup_until: "2027-07-14T00:00:00Z".into(),
                media_count: n,
                total_bytes: n * 3_000_000,
            },
            now,
        )
    })?;
    let statuses = [Status::Pending, Status::Approved, Status::Hidden];
    for chunk in (0..n).collect::<Vec<_>>().chunks(10_000) {
        library.write(|tx| {
            for &i in chunk {
                let sha = format!("{i:064x}");
                let remote_id = format!("med_{i:08}");
                let status = statuses[(i % 3) as usize];
                let uploaded_at = format!(
                    "2026-06-14T{:02}:{:02}:{:02}Z",
                    (i / 3600) % 24,
                    (i / 60) % 60,
                    i % 60
                );
                remote_media::upsert(
                    tx,
                    &remote_media::RemoteMedia {
                        event_id: event.id,
                        remote_id: remote_id.clone(),
                        version: 1,
                        kind: MediaKind::Photo,
                        mime: "image/jpeg".into(),
                        original_name: format!("IMG_{i:05}.jpg"),
                        uploader: format!("Guest {}", i % 40),
                        caption: None,
                        uploaded_at: uploaded_at.clone(),
                        size: 3_000_000,
                        sha256: sha.clone(),
                        status,
                    },
                    None,
                )?;
                media::insert_if_new(
                    tx,
                    &media::MediaRecord {
                        event_id: event.id,
                        remote_id: Some(remote_id),
                        remote_version: Some(1),
                        kind: MediaKind::Photo,
                        mime: "image/jpeg".into(),
                        original_name: format!("IMG_{i:05}.jpg"),
                        uploader: Some(format!("Guest {}", i % 40)),
                        caption: None,
                        uploaded_at: Some(uploaded_at.clone()),
                        captured_at: Some(uploaded_at),
                        imported_at: now.into(),
                        width: Some(4000),
                        height: Some(3000),
                        orientation: 1,
                        camera_make: None,
                        camera_model: None,
                        gps_lat: None,
                        gps_lon: None,
                        size: 3_000_000,
                        sha256: sha,
                        blake3: None,
                        status,
                        preview: Preview::Ready,
                        has_thumbnail: true,
                        has_display: true,
                    },
                )?;
            }
            Ok(())
        })?;
    }
    Ok(event.id)
}
