//! The one error type of the crate, worded for the person whose photo it is.

use std::path::PathBuf;

use crate::sniff::Format;

/// Why a file could not be rendered. Every message names the cause in words a
/// user can act on; the importer shows them per file and goes on with the batch.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Declared dimensions exceed [`Limits::max_pixels`](crate::Limits); checked
    /// from the header before any pixel buffer is allocated.
    #[error("image is {width}×{height} pixels, above the {} MP limit", *max_pixels as f64 / 1e6)]
    TooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },

    /// Decoding would need more memory than [`Limits::max_alloc_bytes`](crate::Limits).
    #[error("image needs more memory to decode than the {} MiB limit", limit_bytes / (1024 * 1024))]
    MemoryLimit { limit_bytes: u64 },

    /// The bytes do not decode as the format they were sniffed as.
    #[error("corrupt {} data: {reason}", format.name())]
    Corrupt { format: Format, reason: String },

    /// Reading the original from disk failed.
    #[error("could not read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An external decoder (libheif, ffmpeg) failed, timed out or produced nothing.
    #[error("{tool} failed: {reason}")]
    Tool { tool: String, reason: String },

    /// Writing a rendition failed; not caused by the input file.
    #[error("could not encode the {what} rendition: {reason}")]
    Encode { what: &'static str, reason: String },
}
