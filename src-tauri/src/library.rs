//! The library the window shows, opened once at startup.

use std::path::PathBuf;
use std::sync::Arc;

use klikt_api::{IpcError, Klikt};

/// Managed state: the open library, or why it could not be opened.
///
/// Opening can fail (unreadable directory, a database from a newer Klikt…);
/// the window still starts and every command answers with the same error, so
/// the UI can say what went wrong instead of showing nothing.
pub struct Library(Result<Arc<Klikt>, IpcError>);

impl Library {
    /// Opens the library named by `--library DIR` on the command line, else
    /// `klikt_api::default_library_dir()` (which honours `KLIKT_LIBRARY`).
    pub fn open_from_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Self {
        let opened = library_arg(args)
            .map_or_else(klikt_api::default_library_dir, Ok)
            .and_then(Klikt::open)
            .map(Arc::new)
            .map_err(IpcError::from);
        if let Err(err) = &opened {
            eprintln!(
                "klikt-desktop: library not opened ({}): {}",
                err.code, err.message
            );
        }
        Self(opened)
    }

    /// The open library, or the error that kept it closed.
    pub fn get(&self) -> Result<&Klikt, IpcError> {
        self.0.as_deref().map_err(Clone::clone)
    }

    /// The open library for work that outlives the command (jobs).
    pub fn shared(&self) -> Result<Arc<Klikt>, IpcError> {
        self.0.clone()
    }
}

/// The value of `--library DIR` (or `--library=DIR`), like the CLI's flag.
fn library_arg(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--library" {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--library=")) {
            return Some(PathBuf::from(value));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<std::ffi::OsString> {
        list.iter().map(Into::into).collect()
    }

    #[test]
    fn the_library_flag_is_read_in_both_spellings_and_only_when_given() {
        assert_eq!(
            library_arg(args(&["app", "--library", "/x"])),
            Some("/x".into())
        );
        assert_eq!(
            library_arg(args(&["app", "--library=/y"])),
            Some("/y".into())
        );
        assert_eq!(library_arg(args(&["app"])), None);
        assert_eq!(
            library_arg(args(&["app", "--library"])),
            None,
            "a flag without a value"
        );
    }
}
