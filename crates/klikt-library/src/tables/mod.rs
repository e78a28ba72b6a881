//! One module per table; SQL lives next to the Rust that uses it.

pub mod events;
pub mod media;
