//! The venue slideshow's data: its settings (kept per event), the deck of
//! slides it may show (approved items only, from the chosen source), and the
//! event's QR code for guests (SVG or PNG, by the `qrcode` crate). The
//! event's logo file is `logo.rs`'s; the deck only says whether there is one.
//!
//! What the slideshow window does with the deck (order, shuffle without
//! repeats, new uploads jumping the queue, transitions) is the window's; the
//! rule that only approved items ever appear is enforced here, on every read.

use klikt_library::tables::{collections, events, media, messages, slideshow};
use klikt_library::{LibraryError, Status};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Klikt};

/// Which items the show draws from (always only approved ones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SlideSource {
    #[default]
    Approved,
    Picks,
    Favorites,
    /// `SlideshowSettings::collection`.
    Collection,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SlideOrder {
    #[default]
    Chronological,
    /// A shuffled deck: no repeat before the deck ends.
    Shuffle,
    /// The collection's manual order.
    Manual,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Transition {
    Cut,
    #[default]
    Crossfade,
    /// A slow pan and zoom.
    KenBurns,
}

/// Which corner of the screen the logo sits in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LogoCorner {
    TopLeft,
    /// Clear of the caption (bottom left) and the QR code (bottom right).
    #[default]
    TopRight,
    BottomLeft,
    BottomRight,
}

/// How an event's slideshow runs; kept per event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SlideshowSettings {
    pub source: SlideSource,
    pub collection: Option<i64>,
    pub order: SlideOrder,
    /// How long each photo stays, in seconds (1–600).
    pub interval_seconds: u32,
    pub transition: Transition,
    /// The uploader's name and caption over the photo.
    pub show_caption: bool,
    /// The event's QR code with a short call to upload.
    pub show_qr: bool,
    /// The event's logo (when one was chosen), in `logo_corner`.
    pub show_logo: bool,
    pub logo_corner: LogoCorner,
    /// Approved guest messages as cards between photos.
    pub show_messages: bool,
    /// A message card after every this many photos.
    pub message_every: u32,
    pub videos_muted: bool,
    /// Videos longer than this are cut, in seconds.
    pub video_max_seconds: u32,
    /// Pull the event every `live_interval_seconds` while the show runs.
    pub live: bool,
    pub live_interval_seconds: u32,
    /// The monitor to open on, by name; the window's own when absent.
    pub monitor: Option<String>,
}

impl Default for SlideshowSettings {
    fn default() -> Self {
        SlideshowSettings {
            source: SlideSource::Approved,
            collection: None,
            order: SlideOrder::Chronological,
            interval_seconds: 6,
            transition: Transition::Crossfade,
            show_caption: true,
            show_qr: true,
            show_logo: true,
            logo_corner: LogoCorner::TopRight,
            show_messages: true,
            message_every: 5,
            videos_muted: true,
            video_max_seconds: 60,
            live: true,
            live_interval_seconds: 15,
            monitor: None,
        }
    }
}

impl SlideshowSettings {
    fn check(&self) -> Result<(), ApiError> {
        let invalid = |what: String| Err(ApiError::InvalidInput(what));
        if !(1..=600).contains(&self.interval_seconds) {
            return invalid(format!(
                "a slide stays 1 to 600 seconds, not {}",
                self.interval_seconds
            ));
        }
        if !(5..=3600).contains(&self.live_interval_seconds) {
            return invalid(format!(
                "live mode pulls every 5 to 3600 seconds, not {}",
                self.live_interval_seconds
            ));
        }
        if self.message_every == 0 {
            return invalid("a message card comes after at least one photo".into());
        }
        if self.source == SlideSource::Collection && self.collection.is_none() {
            return invalid("choose the collection to show".into());
        }
        if self.order == SlideOrder::Manual && self.source != SlideSource::Collection {
            return invalid("the manual order is a collection's; choose a collection".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SlideKind {
    Photo,
    Video,
    Message,
}

/// One thing the show can put on screen. Guest strings are text, never markup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Slide {
    pub kind: SlideKind,
    /// The media id (photo, video) or the message id.
    pub id: i64,
    /// The uploader, or a message's author.
    pub name: Option<String>,
    /// A photo's caption, or a message's text.
    pub text: Option<String>,
    pub taken_at: Option<String>,
    /// Upload (or import) time; messages: when written.
    pub arrived_at: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// False for a photo without a display rendition (the show skips it).
    pub showable: bool,
}

/// What the show may put on screen now, in the settings' base order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlideDeck {
    pub event_id: i64,
    pub event_name: String,
    /// What guests scan to upload (linked events).
    pub share_url: Option<String>,
    /// The version of the event's logo when it has one (it changes with the
    /// logo; the window puts it in the logo's URL), else `None`.
    pub logo: Option<String>,
    pub settings: SlideshowSettings,
    pub slides: Vec<Slide>,
    pub messages: Vec<Slide>,
}

impl Klikt {
    /// The event's slideshow settings (the defaults until saved).
    pub fn slideshow_settings(&self, event: &str) -> Result<SlideshowSettings, ApiError> {
        let stored = self.library.read(|conn| {
            let event = events::find(conn, event)?;
            slideshow::get(conn, event.id)
        })?;
        Ok(match stored {
            // A document from an older build may lack newer fields: defaults fill them.
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => SlideshowSettings::default(),
        })
    }

    /// Saves the event's slideshow settings.
    pub fn set_slideshow_settings(
        &self,
        event: &str,
        settings: &SlideshowSettings,
    ) -> Result<SlideshowSettings, ApiError> {
        settings.check()?;
        let json = serde_json::to_string(settings)
            .map_err(|e| ApiError::Internal(format!("encoding the settings: {e}")))?;
        self.library.write(|tx| {
            let event = events::find(tx, event)?;
            if let Some(id) = settings.collection {
                if collections::get(tx, id)?.is_none_or(|c| c.event_id != event.id) {
                    return Err(LibraryError::NotFound(format!(
                        "no collection {id} in event {:?}",
                        event.name
                    )));
                }
            }
            slideshow::put(tx, event.id, &json)
        })?;
        Ok(settings.clone())
    }

    /// The deck for the event's show: approved items of the settings' source,
    /// and approved guest messages.
    pub fn slide_deck(&self, event: &str) -> Result<SlideDeck, ApiError> {
        let settings = self.slideshow_settings(event)?;
        let (row, share_url, items, notes) = self.library.read(|conn| {
            let row = events::find(conn, event)?;
            let share_url = events::share_url(conn, row.id)?;
            let filter = media::MediaFilter {
                status: Some(Status::Approved),
                flag: (settings.source == SlideSource::Picks)
                    .then_some(klikt_library::Flag::Picked),
                favorite: (settings.source == SlideSource::Favorites).then_some(true),
                collection: match settings.source {
                    SlideSource::Collection => settings.collection,
                    _ => None,
                },
                order: match settings.order {
                    SlideOrder::Manual => media::MediaOrder::Manual,
                    _ => media::MediaOrder::Captured,
                },
                ..media::MediaFilter::default()
            };
            let items = media::list(conn, row.id, &filter)?;
            let notes = if settings.show_messages {
                messages::list(conn, row.id)?
            } else {
                Vec::new()
            };
            Ok((row, share_url, items, notes))
        })?;
        let slides = items
            .into_iter()
            .map(|m| Slide {
                kind: match m.record.kind {
                    klikt_library::MediaKind::Video => SlideKind::Video,
                    klikt_library::MediaKind::Photo => SlideKind::Photo,
                },
                id: m.id,
                name: m.record.uploader,
                text: m.record.caption.filter(|c| !c.trim().is_empty()),
                taken_at: m.record.captured_at,
                arrived_at: m.record.uploaded_at.or(Some(m.record.imported_at)),
                width: m.record.width,
                height: m.record.height,
                // A video plays from its original (the poster is optional);
                // a photo needs its display rendition.
                showable: m.record.kind == klikt_library::MediaKind::Video || m.record.has_display,
            })
            .collect();
        let messages = notes
            .into_iter()
            .filter(|n| n.status == Status::Approved)
            .map(|n| Slide {
                kind: SlideKind::Message,
                id: n.id,
                name: n.author,
                text: Some(n.body),
                taken_at: None,
                arrived_at: Some(n.created_at),
                width: None,
                height: None,
                showable: true,
            })
            .collect();
        Ok(SlideDeck {
            logo: crate::logo::logo_version(&self.logo_path(row.id)),
            event_id: row.id,
            event_name: row.name,
            share_url,
            settings,
            slides,
            messages,
        })
    }

    /// The event's share URL as a QR code: SVG text or PNG bytes.
    pub fn share_qr(&self, event: &str, format: QrFormat) -> Result<Vec<u8>, ApiError> {
        let (name, url) = self.library.read(|conn| {
            let row = events::find(conn, event)?;
            Ok((row.name.clone(), events::share_url(conn, row.id)?))
        })?;
        let url = url.ok_or_else(|| {
            ApiError::InvalidInput(format!(
                "\"{name}\" is a local event: it has no share URL for guests (only events from a Klikt server do)"
            ))
        })?;
        qr_code(&url, format)
    }
}

impl Klikt {
    /// Writes the event's QR code to `path` for print: SVG or PNG by the
    /// file's extension, through a temporary file beside it (a print dialog
    /// never sees half a file).
    pub fn save_share_qr(
        &self,
        event: &str,
        path: &std::path::Path,
        png_size: u32,
    ) -> Result<(), ApiError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match ext.as_deref() {
            Some("svg") => QrFormat::Svg,
            Some("png") => QrFormat::Png(png_size.clamp(64, 8192)),
            _ => {
                return Err(ApiError::InvalidInput(format!(
                "{}: say .svg or .png at the end of the file name, so Klikt knows which to write",
                path.display()
            )))
            }
        };
        let bytes = self.share_qr(event, format)?;
        write_atomically(path, &bytes)
            .map_err(|e| ApiError::InvalidInput(format!("could not write {}: {e}", path.display())))
    }
}

fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The two forms a QR code is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFormat {
    Svg,
    /// A PNG of at least this many pixels a side.
    Png(u32),
}

/// `text` as a QR code, with the quiet zone, dark on white.
pub fn qr_code(text: &str, format: QrFormat) -> Result<Vec<u8>, ApiError> {
    use qrcode::render::svg;
    use qrcode::{EcLevel, QrCode};
    // Level M survives a printed code being a little scuffed or a screen glare.
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        ApiError::InvalidInput(format!("the share URL does not fit a QR code: {e}"))
    })?;
    match format {
        QrFormat::Svg => Ok(code
            .render::<svg::Color<'_>>()
            .min_dimensions(256, 256)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
            .into_bytes()),
        QrFormat::Png(size) => {
            let image = code
                .render::<image::Luma<u8>>()
                .min_dimensions(size, size)
                .build();
            let mut png = Vec::new();
            image::DynamicImage::ImageLuma8(image)
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .map_err(|e| ApiError::Internal(format!("encoding the QR code as PNG: {e}")))?;
            Ok(png)
        }
    }
}
