use std::path::PathBuf;

/// Everything that can go wrong in the local library.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("cannot use the library folder {path}: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "library.db was written by a newer version of Klikt (schema {found}, this version knows up to {known}); \
         update Klikt to open this library"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("upgrading library.db to schema {version} failed, nothing was changed: {source}")]
    Migration {
        version: i64,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("cannot write {path} in the media store: {source}")]
    Store {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = LibraryError> = std::result::Result<T, E>;
