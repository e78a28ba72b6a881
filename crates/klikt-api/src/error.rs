use klikt_library::LibraryError;
use serde::Serialize;

/// An error from the application API. Its `Display` is a sentence a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("cannot find a folder for the library: set KLIKT_LIBRARY or pass --library DIR")]
    NoLibraryDir,
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Remote(#[from] klikt_remote::RemoteError),
    #[error("{0}")]
    Keyring(String),
    #[error("not signed in to a Klikt server: run `klikt login --server URL --email E` first")]
    NotSignedIn,
    /// An export could not write or read a file; the message names it.
    #[error("{0}")]
    Export(String),
    /// The same work is already running (an archive of the same event).
    #[error("{0}")]
    Busy(String),
    /// A bug of Klikt's (a task that panicked, a closed channel).
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// A stable, machine-readable code for front ends (the UI picks words by it).
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Library(LibraryError::NotFound(_)) | ApiError::NotFound(_) => "not_found",
            ApiError::Library(LibraryError::Invalid(_)) | ApiError::InvalidInput(_) => {
                "invalid_input"
            }
            ApiError::Library(LibraryError::NewerSchema { .. }) => "library_too_new",
            ApiError::Library(LibraryError::Folder { .. }) | ApiError::NoLibraryDir => {
                "library_folder"
            }
            ApiError::Library(LibraryError::Store { .. }) => "store",
            ApiError::Library(LibraryError::Sql(_) | LibraryError::Migration { .. }) => "database",
            ApiError::Remote(remote) => remote.code(),
            ApiError::Keyring(_) => "keyring",
            ApiError::NotSignedIn => "not_signed_in",
            ApiError::Export(_) => "export",
            ApiError::Busy(_) => "busy",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// How an error crosses IPC to the UI: `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl From<ApiError> for IpcError {
    fn from(error: ApiError) -> Self {
        IpcError {
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}
