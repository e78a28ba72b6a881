//! Guest uploads: one multipart `POST` with the uploader's name, an optional
//! caption and the files. Never retried automatically (the protocol leaves a
//! repeated upload to the user), except once after a `401` refresh, which
//! the server did not process.

use crate::client::{parse_json, Auth, Client};
use crate::error::RemoteError;
use crate::retry::{Attempts, Failure};
use klikt_wire::{paths, upload_fields, EventId, Media, UploadResponse};
use reqwest::multipart::{Form, Part};
use std::path::PathBuf;
use std::time::Duration;

/// Slowest upload speed the time limit allows for (64 KiB/s).
const SLOWEST_UPLOAD_BYTES_PER_SEC: u64 = 64 * 1024;

impl Client {
    /// Uploads `files` to an event as a guest: with `share_token` in the
    /// `Klikt-Share-Token` header, or without it as the signed-in organizer.
    /// Returns the created media in the order of `files`.
    pub async fn upload(
        &self,
        event: &EventId,
        share_token: Option<&str>,
        uploader: &str,
        caption: Option<&str>,
        files: &[PathBuf],
    ) -> Result<Vec<Media>, RemoteError> {
        if files.is_empty() {
            return Err(RemoteError::InvalidRequest {
                reason: "an upload needs at least one file".to_owned(),
            });
        }
        let mut total = 0u64;
        for file in files {
            let meta = tokio::fs::metadata(file)
                .await
                .map_err(|e| RemoteError::io("read", file, e))?;
            total = total.saturating_add(meta.len());
        }
        let limit = self.inner.policy.request_timeout
            + Duration::from_secs(total / SLOWEST_UPLOAD_BYTES_PER_SEC);
        let auth = match share_token {
            Some(token) => Auth::ShareToken(token.to_owned()),
            None => Auth::Bearer,
        };
        let path = paths::event_uploads(event);
        let url = self.url(&path);
        let mut attempts = Attempts::new(false);
        loop {
            let form = build_form(uploader, caption, files).await?;
            let builder = self.inner.http.post(&url).timeout(limit).multipart(form);
            let result = match self.send_once(builder, &url, &auth, None).await {
                Ok(response) => response
                    .bytes()
                    .await
                    .map_err(|e| Failure::Fatal(crate::client::transport_error(&url, &e))),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(body) => {
                    let created: UploadResponse = parse_json(&url, &body)?;
                    return Ok(created.media);
                }
                Err(failure) => self.after_failure(&mut attempts, failure).await?,
            }
        }
    }
}

async fn build_form(
    uploader: &str,
    caption: Option<&str>,
    files: &[PathBuf],
) -> Result<Form, RemoteError> {
    let mut form = Form::new().text(upload_fields::UPLOADER, uploader.to_owned());
    if let Some(caption) = caption {
        form = form.text(upload_fields::CAPTION, caption.to_owned());
    }
    for file in files {
        // Streams the file; names the part after the file and guesses its
        // type from the extension (the server sniffs the content anyway).
        let part = Part::file(file)
            .await
            .map_err(|e| RemoteError::io("read", file, e))?;
        form = form.part(upload_fields::FILE, part);
    }
    Ok(form)
}
