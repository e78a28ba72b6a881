//! The export's documents for people: guest messages as `messages.csv` and
//! `messages.html`, and the optional offline gallery `index.html`. Guest
//! text is data here: escaped for HTML, neutralized for spreadsheets.

use std::fmt::Write as _;

use klikt_library::tables::messages::MessageRow;

use crate::ApiError;

/// What the gallery shows per item.
pub struct GalleryItem<'a> {
    /// The file in the export (relative, `/`-separated).
    pub path: &'a str,
    /// The thumbnail in the export, if there is one.
    pub thumbnail: Option<&'a str>,
    pub uploader: Option<&'a str>,
    pub caption: Option<&'a str>,
    pub video: bool,
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, and tab
/// or carriage return, which some programs strip first) gets a leading `'`
/// so it shows as the text the guest typed.
pub fn neutralize_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// `messages.csv`: author, message, written at, status; UTF-8 with a BOM so
/// spreadsheet programs read accents right.
pub fn messages_csv(messages: &[MessageRow]) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let failed = |err: csv::Error| ApiError::Internal(format!("writing messages.csv: {err}"));
    out.write_record(["author", "message", "written_at", "status"])
        .map_err(failed)?;
    for message in messages {
        out.write_record([
            neutralize_cell(message.author.as_deref().unwrap_or("")),
            neutralize_cell(&message.body),
            message.created_at.clone(),
            message.status.as_str().to_owned(),
        ])
        .map_err(failed)?;
    }
    out.into_inner()
        .map_err(|err| ApiError::Internal(format!("writing messages.csv: {err}")))
}

fn text(value: &str) -> String {
    html_escape::encode_text(value).into_owned()
}

fn attribute(value: &str) -> String {
    html_escape::encode_double_quoted_attribute(value).into_owned()
}

/// A relative URL for a path in the export: each segment percent-encoded, so
/// a guest's `#`, `?` or `%` in a name stays part of the file name.
fn href(path: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    path.split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;\
padding:0 1rem;color:#1b1b1f;background:#fafafa}h1{font-size:1.6rem}\
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem}\
figure{margin:0;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 3px #0002}\
figure img{width:100%;aspect-ratio:1;object-fit:cover;display:block}\
figcaption{padding:.5rem .75rem;font-size:.85rem;color:#444;overflow-wrap:anywhere}\
.video{position:relative}.video::after{content:'\\25B6';position:absolute;top:.5rem;left:.6rem;\
color:#fff;text-shadow:0 0 4px #000}blockquote{margin:0 0 1rem;padding:1rem 1.25rem;\
background:#fff;border-left:4px solid #6b5bd2;white-space:pre-wrap;overflow-wrap:anywhere}\
cite{display:block;margin-top:.5rem;font-style:normal;color:#555}";

fn page(title: &str, body: &str) -> Vec<u8> {
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'\">\
<title>{}</title><style>{STYLE}</style></head><body>\n{body}</body></html>\n",
        text(title)
    )
    .into_bytes()
}

/// `messages.html`: every message as escaped text, never guest HTML.
pub fn messages_html(event_name: &str, messages: &[MessageRow]) -> Vec<u8> {
    let mut body = format!("<h1>{}</h1>\n", text(event_name));
    for message in messages {
        let _ = writeln!(
            body,
            "<blockquote>{}<cite>{} · {}</cite></blockquote>",
            text(&message.body),
            text(message.author.as_deref().unwrap_or("—")),
            text(&message.created_at),
        );
    }
    page(event_name, &body)
}

/// `index.html`: the gallery of thumbnails, each linking to its file.
pub fn gallery_html(event_name: &str, items: &[GalleryItem<'_>], has_messages: bool) -> Vec<u8> {
    let mut body = format!("<h1>{}</h1>\n", text(event_name));
    if has_messages {
        body.push_str("<p><a href=\"messages.html\">Guest messages</a></p>\n");
    }
    body.push_str("<div class=\"grid\">\n");
    for item in items {
        let label = [item.caption, item.uploader]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .map(text)
            .collect::<Vec<_>>()
            .join(" — ");
        let picture = match item.thumbnail {
            Some(thumb) => format!(
                "<img src=\"{}\" alt=\"\" loading=\"lazy\">",
                attribute(&href(thumb))
            ),
            None => String::new(),
        };
        let _ = writeln!(
            body,
            "<figure{}><a href=\"{}\">{picture}</a><figcaption>{label}</figcaption></figure>",
            if item.video { " class=\"video\"" } else { "" },
            attribute(&href(item.path)),
        );
    }
    body.push_str("</div>\n");
    page(event_name, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use klikt_library::Status;

    fn message(author: &str, body: &str) -> MessageRow {
        MessageRow {
            id: 1,
            event_id: 1,
            remote_id: None,
            remote_version: None,
            author: Some(author.to_owned()),
            body: body.to_owned(),
            created_at: "2025-06-01T12:00:00Z".to_owned(),
            status: Status::Approved,
        }
    }

    #[test]
    fn spreadsheet_formulas_from_guests_are_neutralized() {
        for cell in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1"] {
            assert!(neutralize_cell(cell).starts_with('\''), "{cell}");
        }
        assert_eq!(neutralize_cell("Congrats!"), "Congrats!");
        let csv = messages_csv(&[message("=cmd|' /C calc'!A0", "-Best day ever")]).expect("csv");
        let csv = String::from_utf8(csv).expect("utf-8");
        assert!(csv.contains("'=cmd|"), "{csv}");
        assert!(csv.contains("'-Best day ever"), "{csv}");
    }

    #[test]
    fn guest_html_is_escaped_in_messages_and_gallery() {
        let html = messages_html(
            "<b>Party</b>",
            &[message(
                "<script>x</script>",
                "<img src=x onerror=alert(1)>",
            )],
        );
        let html = String::from_utf8(html).expect("utf-8");
        assert!(
            !html.contains("<script>x") && !html.contains("<img src=x"),
            "{html}"
        );
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        let gallery = gallery_html(
            "E",
            &[GalleryItem {
                path: "by uploader/\"><script>/a#b?.jpg",
                thumbnail: Some("gallery/0001.jpg"),
                uploader: Some("<i>Eve</i>"),
                caption: None,
                video: false,
            }],
            false,
        );
        let gallery = String::from_utf8(gallery).expect("utf-8");
        assert!(
            !gallery.contains("<script>") && !gallery.contains("<i>Eve"),
            "{gallery}"
        );
        assert!(
            gallery.contains("a%23b%3F.jpg"),
            "a # or ? in a name stays in the file name: {gallery}"
        );
    }
}
