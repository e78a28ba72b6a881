-- Klikt library schema, version 6: exports the library remembers (so the
-- forget confirmation can say whether a verified copy exists) and settings
-- for the whole library (automatic archiving before expiry).
CREATE TABLE exports (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- The folder or ZIP file, as written.
    destination  TEXT NOT NULL,
    files        INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    finished_at  TEXT NOT NULL,
    -- When `verify` last found every file intact; NULL when never checked.
    verified_at  TEXT,
    UNIQUE (event_id, destination)
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL CHECK (json_valid(value))
);
