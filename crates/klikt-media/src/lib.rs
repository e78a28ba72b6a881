//! `klikt-media` owns media bytes: what a file is ([`sniff`]), what its EXIF
//! says ([`read_metadata`]), which way is up ([`orientation`]), and the two
//! JPEG renditions the app shows instead of the original ([`render`]), and
//! the slideshow's small transparent logo PNG ([`logo_png`]).
//!
//! It knows nothing about the library database, the desktop shell or other
//! Klikt crates: it takes bytes or a path and returns values or a
//! [`MediaError`]. HEIF and video frames come from external tools
//! ([`Tools`]) found at runtime, so their absence degrades previews instead
//! of failing imports.

mod decode;
pub mod error;
pub mod external;
mod heif;
mod jpeg;
pub mod location;
mod logo;
pub mod metadata;
pub mod orientation;
mod raster;
pub mod renditions;
pub mod sniff;

pub use error::MediaError;
pub use external::Tools;
pub use location::strip_location;
pub use logo::{logo_png, LOGO_MAX_EDGE};
pub use metadata::{read_metadata, Metadata};
pub use renditions::{render, Limits, Preview, Rendered, Source};
pub use sniff::{sniff, Format, MediaKind};
