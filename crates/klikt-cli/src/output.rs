//! How the CLI prints things: JSON for tools, aligned text for people.
//! Guest-controlled text is passed through [`printable`] so a hostile file
//! name cannot send escape sequences to the terminal.

use std::io::Write;

use anyhow::Result;
use klikt_api::{
    ConflictItem, DecisionReport, EventSummary, ExportReport, ForgetPreview, ImportReport,
    LogEntry, MediaItem, MessageItem, OutboxItem, PullReport, PushReport, Rejection,
    RemoteEventSummary, VerifyReport,
};
use serde::Serialize;

pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Replaces control characters (ESC, CR, bidi overrides...) with U+FFFD.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

pub use klikt_api::human_bytes;

pub fn events_table(out: &mut dyn Write, events: &[EventSummary]) -> std::io::Result<()> {
    if events.is_empty() {
        writeln!(
            out,
            "No events yet. Import photos with: klikt import PATH... --event NAME"
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>5}  {:>6}  {:>7}  {:>9}  {:<22}  NAME",
        "ID", "MEDIA", "PENDING", "SIZE", "SERVER"
    )?;
    for event in events {
        let server = match (event.remote_id.as_deref(), event.server_state.as_str()) {
            (None, _) => "local".to_owned(),
            (Some(_), "expired") => "plan ended (kept here)".to_owned(),
            (Some(_), "gone") => "gone (kept here)".to_owned(),
            (Some(remote), _) => printable(remote),
        };
        writeln!(
            out,
            "{:>5}  {:>6}  {:>7}  {:>9}  {:<22}  {}",
            event.id,
            event.media_count,
            event.pending_count,
            human_bytes(event.total_bytes),
            server,
            printable(&event.name)
        )?;
    }
    Ok(())
}

pub fn media_table(out: &mut dyn Write, items: &[MediaItem]) -> std::io::Result<()> {
    if items.is_empty() {
        writeln!(out, "No media.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>6}  {:<5}  {:<8}  {:<8}  {:<6}  {:<25}  {:>11}  NAME",
        "ID", "KIND", "STATUS", "FLAG", "RATING", "CAPTURED", "SIZE (px)"
    )?;
    for item in items {
        let dims = match (item.width, item.height) {
            (Some(w), Some(h)) => format!("{w}×{h}"),
            _ => "-".into(),
        };
        writeln!(
            out,
            "{:>6}  {:<5}  {:<8}  {:<8}  {:<6}  {:<25}  {:>11}  {}",
            item.id,
            item.kind.as_str(),
            item.status.as_str(),
            item.flag.as_str(),
            "★".repeat(usize::from(item.rating)),
            item.captured_at.as_deref().unwrap_or("-"),
            dims,
            printable(&item.original_name)
        )?;
    }
    Ok(())
}

pub fn media_details(out: &mut dyn Write, item: &MediaItem) -> std::io::Result<()> {
    let opt = |v: &Option<String>| v.as_deref().map(printable).unwrap_or_else(|| "-".into());
    let rows: Vec<(&str, String)> = vec![
        ("id", item.id.to_string()),
        ("event", item.event_id.to_string()),
        ("name", printable(&item.original_name)),
        ("kind", format!("{} ({})", item.kind.as_str(), item.mime)),
        ("status", item.status.as_str().into()),
        ("flag", item.flag.as_str().into()),
        ("rating", item.rating.to_string()),
        ("favorite", if item.favorite { "yes" } else { "no" }.into()),
        ("captured", opt(&item.captured_at)),
        ("imported", item.imported_at.clone()),
        ("uploader", opt(&item.uploader)),
        ("caption", opt(&item.caption)),
        (
            "size",
            match (item.width, item.height) {
                (Some(w), Some(h)) => format!("{w}×{h} px, {}", human_bytes(item.size)),
                _ => human_bytes(item.size),
            },
        ),
        ("orientation", item.orientation.to_string()),
        (
            "camera",
            match (&item.camera_make, &item.camera_model) {
                (None, None) => "-".into(),
                (make, model) => printable(
                    format!(
                        "{} {}",
                        make.as_deref().unwrap_or(""),
                        model.as_deref().unwrap_or("")
                    )
                    .trim(),
                ),
            },
        ),
        (
            "location",
            match (item.gps_lat, item.gps_lon) {
                (Some(lat), Some(lon)) => format!("{lat:.6}, {lon:.6}"),
                _ => "-".into(),
            },
        ),
        ("sha256", item.sha256.clone()),
        ("preview", item.preview.as_str().into()),
        ("original", item.original_path.clone()),
        ("thumbnail", opt(&item.thumbnail_path)),
        ("display", opt(&item.display_path)),
    ];
    for (key, value) in rows {
        writeln!(out, "{key:>11}  {value}")?;
    }
    Ok(())
}

pub fn import_summary(report: &ImportReport) {
    let mut line = format!(
        "Imported {} new item{} into \"{}\" (event {})",
        report.imported,
        if report.imported == 1 { "" } else { "s" },
        printable(&report.event_name),
        report.event_id
    );
    if report.duplicates > 0 {
        line.push_str(&format!("; {} already there", report.duplicates));
    }
    if report.without_preview > 0 {
        line.push_str(&format!(
            "; {} kept without preview (install libheif-examples / ffmpeg for previews)",
            report.without_preview
        ));
    }
    if report.cancelled {
        line.push_str("; cancelled before the end");
    }
    eprintln!("{line}.");
    rejections("file(s) not imported", &report.rejected);
}

/// Lists items that did not make it, one line each with the reason.
fn rejections(what: &str, list: &[Rejection]) {
    if list.is_empty() {
        return;
    }
    eprintln!("{} {what}:", list.len());
    for rejection in list {
        eprintln!(
            "  {}: {}",
            printable(&rejection.name),
            printable(&rejection.reason)
        );
    }
}

pub fn remote_events_table(
    out: &mut dyn Write,
    events: &[RemoteEventSummary],
) -> std::io::Result<()> {
    if events.is_empty() {
        writeln!(out, "This account has no events on the server.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<14}  {:>6}  {:>9}  {:<10}  {:<20}  {:>5}  NAME",
        "REMOTE ID", "MEDIA", "SIZE", "DATE", "EXPIRES", "LOCAL"
    )?;
    for event in events {
        writeln!(
            out,
            "{:<14}  {:>6}  {:>9}  {:<10}  {:<20}  {:>5}  {}",
            printable(&event.remote_id),
            event.media_count,
            human_bytes(event.total_bytes),
            event.date.as_deref().map(printable).unwrap_or_default(),
            printable(&event.expires_at),
            event
                .local_id
                .map(|id| id.to_string())
                .unwrap_or_else(|| "-".into()),
            printable(&event.name),
        )?;
    }
    Ok(())
}

pub fn pull_summary(report: &PullReport) {
    let mut line = format!(
        "Pulled \"{}\" (event {}, {} on the server): {} change{}, {} original{} downloaded ({})",
        printable(&report.event_name),
        report.event_id,
        printable(&report.remote_id),
        report.changes,
        if report.changes == 1 { "" } else { "s" },
        report.downloaded,
        if report.downloaded == 1 { "" } else { "s" },
        human_bytes(report.bytes_downloaded as i64),
    );
    if report.reused > 0 {
        line.push_str(&format!("; {} already in the library", report.reused));
    }
    if report.purged > 0 {
        line.push_str(&format!(
            "; {} deleted on the server and purged here",
            report.purged
        ));
    }
    if report.cancelled {
        line.push_str("; stopped before the end (pull again to resume)");
    }
    eprintln!("{line}.");
    match report.server_state.as_str() {
        "expired" => eprintln!(
            "The plan of this event has ended on the server; your local copies stay fully usable."
        ),
        "gone" => eprintln!(
            "The server no longer has this event; your local copies stay, and it is no longer synced."
        ),
        _ => {}
    }
    rejections(
        "item(s) not pulled this time (pull again to retry)",
        &report.failed,
    );
}

pub fn decision_summary(report: &DecisionReport) {
    let mut line = format!("{} changed", report.changed);
    if report.unchanged > 0 {
        line.push_str(&format!(", {} already so", report.unchanged));
    }
    if report.pending_sync > 0 {
        line.push_str(&format!(
            "; {} waiting to be pushed to the server",
            report.pending_sync
        ));
    }
    eprintln!("{line}.");
    rejections("item(s) skipped", &report.skipped);
}

/// Reports a bulk decision (JSON on stdout when asked, a summary on stderr)
/// and gives the exit status: failure when some item was skipped.
pub fn decision_outcome(report: &DecisionReport, as_json: bool) -> Result<std::process::ExitCode> {
    if as_json {
        json(report)?;
    }
    decision_summary(report);
    Ok(if report.skipped.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

pub fn push_summary(report: &PushReport) {
    eprintln!(
        "Pushed {} decision(s): {} applied, {} conflict(s), {} gone{}.",
        report.sent,
        report.applied,
        report.conflicts,
        report.gone,
        if report.dead > 0 {
            format!(", {} dead (see klikt outbox)", report.dead)
        } else {
            String::new()
        }
    );
    if report.conflicts > 0 {
        eprintln!("Another change won for some items; see `klikt conflicts` and decide again.");
    }
}

pub fn log_table(out: &mut dyn Write, log: &[LogEntry]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>6}  {:<20}  {:>6}  {:<9}  {:<21}  SYNC",
        "#", "WHEN", "ITEM", "ACTION", "BEFORE → AFTER"
    )?;
    for entry in log {
        let action = if entry.undoes.is_some() {
            format!("undo {}", entry.action)
        } else {
            entry.action.clone()
        };
        writeln!(
            out,
            "{:>6}  {:<20}  {:>6}  {:<9}  {:<21}  {}",
            entry.id,
            entry.decided_at,
            entry.item_id,
            action,
            format!("{} → {}", entry.before, entry.after),
            entry.sync_state
        )?;
    }
    Ok(())
}

pub fn outbox_table(out: &mut dyn Write, entries: &[OutboxItem]) -> std::io::Result<()> {
    if entries.is_empty() {
        writeln!(out, "The outbox is empty: the server has every decision.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>6}  {:<16}  {:<8}  {:<8}  {:>8}  NOTE",
        "ITEM", "REMOTE ID", "ACTION", "STATE", "ATTEMPTS"
    )?;
    for entry in entries {
        let note = entry
            .dead_reason
            .as_deref()
            .or(entry.last_error.as_deref())
            .unwrap_or(if entry.sent {
                "sent, awaiting the answer"
            } else {
                ""
            });
        writeln!(
            out,
            "{:>6}  {:<16}  {:<8}  {:<8}  {:>8}  {}",
            entry.item_id,
            printable(&entry.remote_id),
            entry.action,
            entry.state,
            entry.attempts,
            printable(note)
        )?;
    }
    Ok(())
}

pub fn conflicts_table(out: &mut dyn Write, list: &[ConflictItem]) -> std::io::Result<()> {
    if list.is_empty() {
        writeln!(out, "No conflicts.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>6}  {:<16}  {:<8}  {:<14}  WHEN",
        "ITEM", "REMOTE ID", "WANTED", "SERVER HAS"
    )?;
    for c in list {
        writeln!(
            out,
            "{:>6}  {:<16}  {:<8}  {:<14}  {}",
            c.item_id,
            printable(&c.remote_id),
            c.wanted,
            c.server_status.as_deref().unwrap_or("?"),
            c.recorded_at
        )?;
    }
    Ok(())
}

pub fn messages_table(out: &mut dyn Write, list: &[MessageItem]) -> std::io::Result<()> {
    if list.is_empty() {
        writeln!(out, "No guest messages.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>6}  {:<9}  {:<20}  {:<20}  MESSAGE",
        "ID", "STATUS", "WHEN", "FROM"
    )?;
    for m in list {
        writeln!(
            out,
            "{:>6}  {:<9}  {:<20}  {:<20}  {}",
            m.id,
            m.status.as_str(),
            m.created_at,
            printable(m.author.as_deref().unwrap_or("")),
            printable(&m.body)
        )?;
    }
    Ok(())
}

pub fn export_summary(report: &ExportReport) {
    let mut line = format!(
        "Exported {} file(s), {}, of \"{}\" to {}",
        report.files,
        human_bytes(report.bytes as i64),
        printable(&report.event_name),
        report.destination.display()
    );
    if report.skipped > 0 {
        line.push_str(&format!("; {} already there", report.skipped));
    }
    if report.messages > 0 {
        line.push_str(&format!("; {} guest message(s)", report.messages));
    }
    if report.cancelled {
        line.push_str("; stopped before the end (run the same export again to finish it)");
    }
    eprintln!("{line}.");
    for failure in &report.failed {
        eprintln!(
            "  not exported: {} (item {}): {}",
            printable(&failure.original_name),
            failure.media_id,
            failure.reason
        );
    }
}

pub fn verify_summary(report: &VerifyReport) {
    if report.ok() {
        eprintln!(
            "OK: all {} file(s) of \"{}\" in {} match their SHA-256.",
            report.checked,
            printable(&report.event_name),
            report.path.display()
        );
        return;
    }
    for path in &report.missing {
        eprintln!("missing: {}", printable(path));
    }
    for path in &report.altered {
        eprintln!("altered: {}", printable(path));
    }
    eprintln!(
        "FAILED: {} missing and {} altered of {} file(s) in {}.",
        report.missing.len(),
        report.altered.len(),
        report.checked,
        report.path.display()
    );
}

pub fn forget_warning(preview: &ForgetPreview) {
    eprintln!(
        "Forgetting \"{}\" removes from this computer {} photo(s) and video(s), {} guest message(s) and {}.",
        printable(&preview.event_name),
        preview.media_count,
        preview.message_count,
        human_bytes(preview.bytes)
    );
    if preview.unsent_decisions > 0 {
        eprintln!(
            "{} decision(s) not yet sent to the server will be lost.",
            preview.unsent_decisions
        );
    }
    match &preview.verified_export {
        Some(export) => eprintln!(
            "A verified export of the whole event exists: {} ({} files, verified {}).",
            export.destination.display(),
            export.files,
            export.verified_at.as_deref().unwrap_or("")
        ),
        None => eprintln!(
            "There is NO verified export of this whole event: run `klikt export EVENT --to DIR` (every item, no --only or --strip-location) then `klikt verify DIR` first to keep a copy."
        ),
    }
}
