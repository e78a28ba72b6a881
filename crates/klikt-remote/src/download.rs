//! Resumable, hash-verified downloads of originals.
//!
//! The bytes go into the caller's `partial` file. A file already there is
//! resumed: its bytes are hashed, then the rest is asked for with
//! `Range: bytes=n-` and `If-Range: "<sha256>"` (a `200` answer means the
//! server will not resume: start over). The SHA-256 is computed as the bytes
//! arrive, on a blocking thread that also writes them (the network's buffers
//! are handed over as they are, no copy, in blocks of at least 256 KiB; one
//! block is written while the next fills), and the file is never read back. Each retry resumes from what is on disk. At the end the
//! size and hash are checked and the file is fsynced.

use crate::client::{transport_failure, Auth, Client};
use crate::error::RemoteError;
use crate::retry::{Attempts, Failure};
use bytes::Bytes;
use futures_util::StreamExt;
use klikt_wire::{etag_for_sha256, headers, paths, ItemId};
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use tokio::task::JoinHandle;

/// Bytes gathered (at least) before they are handed to the writing thread.
const BLOCK: usize = 256 * 1024;

/// Progress callback: the number of bytes just added to the file.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

/// How one pass over the file ended, besides success.
enum PassError {
    /// The finished file's hash is wrong.
    Mismatch {
        actual: String,
        resumed: bool,
    },
    Other(RemoteError),
}

impl From<RemoteError> for PassError {
    fn from(error: RemoteError) -> Self {
        PassError::Other(error)
    }
}

impl Client {
    /// Downloads the original of `media` into `partial`, creating or resuming
    /// it, and verifies `size` and `sha256`. `progress` is called with the
    /// bytes just added; the calls add up to `size` on success (a reused
    /// prefix counts once, bytes rewritten after a restart do not count
    /// again). On success the file is complete and fsynced: the caller renames
    /// it into its store. On a hash mismatch the file is deleted and
    /// [`RemoteError::HashMismatch`] returned, after one fresh try from
    /// scratch when the damage may have been in a resumed prefix.
    pub async fn download_original(
        &self,
        media: &ItemId,
        sha256: &str,
        size: u64,
        partial: &Path,
        progress: Progress<'_>,
    ) -> Result<(), RemoteError> {
        let expected = sha256.to_ascii_lowercase();
        if expected.len() != 64 || !expected.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(RemoteError::InvalidRequest {
                reason: format!("\"{sha256}\" is not a SHA-256 in hex"),
            });
        }
        let mut watermark = Watermark {
            reported: 0,
            progress,
        };
        let mut fresh_retry_used = false;
        loop {
            match self
                .download_pass(media, &expected, size, partial, &mut watermark)
                .await
            {
                Ok(()) => return Ok(()),
                Err(PassError::Other(error)) => return Err(error),
                Err(PassError::Mismatch { actual, resumed }) => {
                    remove_file(partial).await?;
                    if resumed && !fresh_retry_used {
                        fresh_retry_used = true;
                        continue;
                    }
                    return Err(RemoteError::HashMismatch {
                        media: media.to_string(),
                        expected,
                        actual,
                    });
                }
            }
        }
    }

    /// One pass: open (or resume) the file, fetch what is missing with
    /// retries, verify.
    async fn download_pass(
        &self,
        media: &ItemId,
        expected: &str,
        size: u64,
        partial: &Path,
        watermark: &mut Watermark<'_>,
    ) -> Result<(), PassError> {
        let mut writer = DiskWriter::open(partial, size).await?;
        let resumed = writer.len > 0;
        watermark.advance(writer.len);
        let path = paths::media_original(media);
        let url = self.url(&path);
        let mut attempts = Attempts::new(true);
        while writer.len < size {
            let result = self
                .fetch_rest(&url, expected, size, &mut writer, watermark)
                .await;
            // Whatever arrived is on disk and hashed before the next attempt.
            writer.flush().await?;
            if let Err(failure) = result {
                self.after_failure(&mut attempts, failure).await?;
            }
        }
        let actual = writer.finish().await?;
        if actual != expected {
            return Err(PassError::Mismatch { actual, resumed });
        }
        Ok(())
    }

    /// One request for the bytes from `writer.len` on, streamed into `writer`.
    async fn fetch_rest(
        &self,
        url: &str,
        expected: &str,
        size: u64,
        writer: &mut DiskWriter,
        watermark: &mut Watermark<'_>,
    ) -> Result<(), Failure> {
        let policy = &self.inner.policy;
        let offset = writer.len;
        let mut builder = self.inner.http.get(url);
        if offset > 0 {
            builder = builder
                .header(headers::RANGE, range_header(offset))
                .header(headers::IF_RANGE, etag_for_sha256(expected));
        }
        let response = self
            .send_once(builder, url, &Auth::Bearer, Some(policy.request_timeout))
            .await?;
        let status = response.status();
        match status {
            StatusCode::PARTIAL_CONTENT if offset > 0 => {
                let range = response
                    .headers()
                    .get(CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_content_range);
                if range != Some((offset, size)) {
                    // Not the bytes asked for: start over without a range.
                    writer.restart().await?;
                    return Err(Failure::Transient {
                        error: RemoteError::protocol(
                            url,
                            format!(
                                "asked for bytes {offset}- of {size}, got Content-Range {range:?}"
                            ),
                        ),
                        retry_after: None,
                    });
                }
            }
            StatusCode::OK => {
                if offset > 0 {
                    // If-Range did not match (or no resume support): the whole
                    // file follows.
                    writer.restart().await?;
                }
                let length = response
                    .headers()
                    .get(CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                if let Some(length) = length {
                    if length != size {
                        return Err(Failure::Fatal(RemoteError::protocol(
                            url,
                            format!("the server offers {length} bytes, the feed said {size}"),
                        )));
                    }
                }
            }
            other => {
                return Err(Failure::Fatal(RemoteError::protocol(
                    url,
                    format!("unexpected answer {other} to a download"),
                )))
            }
        }
        let mut body = response.bytes_stream();
        loop {
            let next = tokio::time::timeout(policy.stall_timeout, body.next()).await;
            let chunk = match next {
                Err(_) => {
                    return Err(Failure::Transient {
                        error: RemoteError::Timeout {
                            url: url.to_owned(),
                            reason: format!(
                                "the download stalled: no data for {} s",
                                policy.stall_timeout.as_secs()
                            ),
                        },
                        retry_after: None,
                    })
                }
                Ok(None) => break,
                Ok(Some(Err(e))) => return Err(transport_failure(url, &e)),
                Ok(Some(Ok(chunk))) => chunk,
            };
            if writer.len + chunk.len() as u64 > size {
                return Err(Failure::Fatal(RemoteError::protocol(
                    url,
                    format!("the server sent more than the {size} bytes the feed announced"),
                )));
            }
            writer.push(chunk).await?;
            watermark.advance(writer.len);
        }
        if writer.len < size {
            return Err(Failure::Transient {
                error: RemoteError::Network {
                    url: url.to_owned(),
                    reason: format!("the connection closed after {} of {size} bytes", writer.len),
                },
                retry_after: None,
            });
        }
        Ok(())
    }
}

/// `Range: bytes=<offset>-`.
pub(crate) fn range_header(offset: u64) -> String {
    format!("bytes={offset}-")
}

/// Parses `Content-Range: bytes a-b/size` into `(a, size)` when `b` is the
/// last byte (`size - 1`), the only shape a resume accepts.
pub(crate) fn parse_content_range(value: &str) -> Option<(u64, u64)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let first: u64 = first.trim().parse().ok()?;
    let last: u64 = last.trim().parse().ok()?;
    let total: u64 = total.trim().parse().ok()?;
    (first <= last && last.checked_add(1) == Some(total)).then_some((first, total))
}

/// Reports progress so that the calls add up to the file's size.
struct Watermark<'a> {
    reported: u64,
    progress: Progress<'a>,
}

impl Watermark<'_> {
    fn advance(&mut self, on_disk: u64) {
        if on_disk > self.reported {
            (self.progress)(on_disk - self.reported);
            self.reported = on_disk;
        }
    }
}

async fn remove_file(path: &Path) -> Result<(), RemoteError> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(RemoteError::io("delete", path, e)),
    }
}

/// A block being hashed and written; gives back the file, the hash and the
/// emptied block.
type BlockJob = JoinHandle<std::io::Result<(File, Sha256, Vec<Bytes>)>>;

/// The partial file and the hash of its bytes, written on a blocking thread.
/// While one block is being hashed and written there, the next one fills.
struct DiskWriter {
    path: PathBuf,
    /// The file and the hash of everything handed to it; `None` while a block
    /// is in flight (then `job` holds them).
    state: Option<(File, Sha256)>,
    job: Option<BlockJob>,
    /// The block being filled: the network's buffers, not copied.
    block: Vec<Bytes>,
    /// Bytes in `block`.
    block_len: usize,
    /// An empty block to fill next (recycled from the last job).
    spare: Option<Vec<Bytes>>,
    /// Bytes of the file: written, in flight and in `block`.
    len: u64,
}

impl DiskWriter {
    /// Opens or creates `path`; an existing prefix no longer than `size` is
    /// hashed and kept, a longer file is emptied.
    async fn open(path: &Path, size: u64) -> Result<Self, RemoteError> {
        let owned = path.to_path_buf();
        let (file, hasher, len) = blocking(path, "open", move || {
            let mut file = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&owned)?;
            let mut len = file.metadata()?.len();
            let mut hasher = Sha256::new();
            if len > size {
                file.set_len(0)?;
                len = 0;
            } else if len > 0 {
                let mut buffer = vec![0u8; 1024 * 1024];
                let mut left = len;
                while left > 0 {
                    let want =
                        usize::try_from(left.min(buffer.len() as u64)).unwrap_or(buffer.len());
                    file.read_exact(&mut buffer[..want])?;
                    hasher.update(&buffer[..want]);
                    left -= want as u64;
                }
            }
            file.seek(SeekFrom::Start(len))?;
            Ok((file, hasher, len))
        })
        .await?;
        Ok(Self {
            path: path.to_path_buf(),
            state: Some((file, hasher)),
            job: None,
            block: Vec::new(),
            block_len: 0,
            spare: None,
            len,
        })
    }

    async fn push(&mut self, data: Bytes) -> Result<(), RemoteError> {
        self.len += data.len() as u64;
        self.block_len += data.len();
        self.block.push(data);
        if self.block_len >= BLOCK {
            self.submit().await?;
        }
        Ok(())
    }

    /// Hands the filled block to the writing thread (after the previous one
    /// is done).
    async fn submit(&mut self) -> Result<(), RemoteError> {
        self.wait().await?;
        let Some((mut file, mut hasher)) = self.state.take() else {
            return Err(self.broken());
        };
        let next = self.spare.take().unwrap_or_default();
        let mut block = std::mem::replace(&mut self.block, next);
        self.block_len = 0;
        self.job = Some(tokio::task::spawn_blocking(move || {
            for piece in &block {
                hasher.update(piece);
                file.write_all(piece)?;
            }
            block.clear();
            Ok((file, hasher, block))
        }));
        Ok(())
    }

    /// Waits for the block in flight.
    async fn wait(&mut self) -> Result<(), RemoteError> {
        if let Some(job) = self.job.take() {
            let (file, hasher, block) = job
                .await
                .map_err(|e| RemoteError::io("write", &self.path, std::io::Error::other(e)))?
                .map_err(|e| RemoteError::io("write", &self.path, e))?;
            self.state = Some((file, hasher));
            self.spare = Some(block);
        }
        Ok(())
    }

    /// Writes everything received so far.
    async fn flush(&mut self) -> Result<(), RemoteError> {
        if !self.block.is_empty() {
            self.submit().await?;
        }
        self.wait().await
    }

    /// Empties the file to start over.
    async fn restart(&mut self) -> Result<(), RemoteError> {
        self.block.clear();
        self.block_len = 0;
        self.wait().await?;
        let Some((file, _)) = self.state.take() else {
            return Err(self.broken());
        };
        let file = blocking(&self.path, "empty", move || {
            let mut file = file;
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            Ok(file)
        })
        .await?;
        self.state = Some((file, Sha256::new()));
        self.len = 0;
        Ok(())
    }

    /// Writes the rest, fsyncs, and returns the SHA-256 of the file (hex).
    async fn finish(mut self) -> Result<String, RemoteError> {
        self.flush().await?;
        let Some((file, hasher)) = self.state.take() else {
            return Err(self.broken());
        };
        blocking(&self.path, "save", move || file.sync_all()).await?;
        Ok(hex(&hasher.finalize()))
    }

    fn broken(&self) -> RemoteError {
        RemoteError::io(
            "write",
            &self.path,
            std::io::Error::other("an earlier write failed"),
        )
    }
}

/// Runs file work on the blocking pool.
async fn blocking<T: Send + 'static>(
    path: &Path,
    action: &'static str,
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, RemoteError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| RemoteError::io(action, path, std::io::Error::other(e)))?
        .map_err(|e| RemoteError::io(action, path, e))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resume_asks_for_the_rest_from_the_bytes_on_disk() {
        assert_eq!(range_header(1000), "bytes=1000-");
    }

    #[test]
    fn content_range_must_run_to_the_last_byte() {
        assert_eq!(
            parse_content_range("bytes 1000-4999/5000"),
            Some((1000, 5000))
        );
        assert_eq!(parse_content_range("bytes 0-0/1"), Some((0, 1)));
        assert_eq!(
            parse_content_range("bytes 1000-3999/5000"),
            None,
            "a short range is not a resume"
        );
        assert_eq!(parse_content_range("bytes */5000"), None);
        assert_eq!(parse_content_range("bytes 1000-4999/*"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }

    #[tokio::test]
    async fn a_prefix_on_disk_is_hashed_and_kept_and_writes_continue_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("part");
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data[..300_000]).expect("prefix");
        let mut writer = DiskWriter::open(&path, data.len() as u64)
            .await
            .expect("open");
        assert_eq!(
            writer.len, 300_000,
            "the prefix is resumed, not thrown away"
        );
        for piece in data[300_000..].chunks(70_000) {
            writer
                .push(Bytes::copy_from_slice(piece))
                .await
                .expect("push");
        }
        let hash = writer.finish().await.expect("finish");
        assert_eq!(
            hash,
            hex(&Sha256::digest(&data)),
            "hash covers prefix and new bytes"
        );
        assert_eq!(std::fs::read(&path).expect("read"), data);
    }

    #[tokio::test]
    async fn a_partial_file_longer_than_the_original_is_emptied() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("part");
        std::fs::write(&path, [7u8; 100]).expect("write");
        let writer = DiskWriter::open(&path, 50).await.expect("open");
        assert_eq!(writer.len, 0);
        assert_eq!(std::fs::metadata(&path).expect("meta").len(), 0);
    }

    #[tokio::test]
    async fn a_restart_empties_the_file_and_the_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("part");
        let mut writer = DiskWriter::open(&path, 10).await.expect("open");
        writer
            .push(Bytes::from_static(b"wrong"))
            .await
            .expect("push");
        writer.flush().await.expect("flush");
        writer.restart().await.expect("restart");
        writer
            .push(Bytes::from_static(b"right"))
            .await
            .expect("push");
        let hash = writer.finish().await.expect("finish");
        assert_eq!(hash, hex(&Sha256::digest(b"right")));
        assert_eq!(std::fs::read(&path).expect("read"), b"right");
    }
}
