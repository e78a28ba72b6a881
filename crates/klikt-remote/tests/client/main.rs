//! The client against the real reference server on loopback (and, where a
//! test must see or disturb the bytes on the wire, through a small proxy).

mod harness;

mod downloads;
mod errors;
mod feed;
mod session;
mod throughput;
