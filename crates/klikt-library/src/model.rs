//! The library's domain values, stored as text in SQLite.

use serde::{Deserialize, Serialize};

use crate::error::LibraryError;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = LibraryError;
            fn from_str(text: &str) -> Result<Self, LibraryError> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err(LibraryError::Invalid(format!(
                        "{other:?} is not one of: {}",
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                text.parse().map_err(|e: LibraryError| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

text_enum!(
    /// Photo or video.
    MediaKind { Photo => "photo", Video => "video" }
);

text_enum!(
    /// Moderation state, mirrored with the service for linked events.
    Status { Pending => "pending", Approved => "approved", Hidden => "hidden", Deleted => "deleted" }
);

text_enum!(
    /// The organizer's cull flag (local curation).
    Flag { None => "none", Picked => "picked", Rejected => "rejected" }
);

text_enum!(
    /// Whether renditions exist, and why not when they do not.
    Preview { Ready => "ready", NoDecoder => "no_decoder", Placeholder => "placeholder" }
);
