//! One module per table; SQL lives next to the Rust that uses it.

pub mod accounts;
pub mod collections;
pub mod conflicts;
pub mod decisions;
pub mod events;
pub mod exports;
pub mod media;
pub mod messages;
pub mod outbox;
pub mod remote_media;
pub mod settings;
pub mod slideshow;
pub mod tombstones;
