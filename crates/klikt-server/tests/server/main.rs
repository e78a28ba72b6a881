//! Behaviour of the reference server, over real HTTP on a loopback port:
//! each test starts a [`klikt_server::TestServer`] on its own data dir,
//! seeded from the shared photo corpus, and talks to it with reqwest.

mod cli;
mod expiry;
mod faults;
mod feed;
mod moderation;
mod originals;
mod sessions;
mod support;
mod uploads;
