-- Klikt library schema, version 1.
-- Migrations are append-only: never edit this file once released; add 0002_*.sql instead.

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- NULL for a local-only event; the service's event id for a linked one.
    remote_id       TEXT,
    server_url      TEXT,
    created_at      TEXT NOT NULL,
    event_date      TEXT,
    share_url       TEXT,
    moderation_mode TEXT CHECK (moderation_mode IN ('pre', 'post')),
    plan_name       TEXT,
    expires_at      TEXT,
    backup_until    TEXT
);
-- `--event NAME` must find exactly one local event.
CREATE UNIQUE INDEX events_local_name ON events (name) WHERE remote_id IS NULL;
CREATE UNIQUE INDEX events_remote ON events (server_url, remote_id) WHERE remote_id IS NOT NULL;

CREATE TABLE media (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    remote_id       TEXT,
    remote_version  INTEGER,
    kind            TEXT NOT NULL CHECK (kind IN ('photo', 'video')),
    mime            TEXT NOT NULL,
    original_name   TEXT NOT NULL,
    uploader        TEXT,
    caption         TEXT,
    uploaded_at     TEXT,
    captured_at     TEXT,
    imported_at     TEXT NOT NULL,
    width           INTEGER CHECK (width > 0),
    height          INTEGER CHECK (height > 0),
    orientation     INTEGER NOT NULL DEFAULT 1 CHECK (orientation BETWEEN 1 AND 8),
    camera_make     TEXT,
    camera_model    TEXT,
    gps_lat         REAL CHECK (gps_lat BETWEEN -90 AND 90),
    gps_lon         REAL CHECK (gps_lon BETWEEN -180 AND 180),
    size            INTEGER NOT NULL CHECK (size >= 0),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'hidden', 'deleted')),
    flag            TEXT NOT NULL DEFAULT 'none' CHECK (flag IN ('none', 'picked', 'rejected')),
    rating          INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    favorite        INTEGER NOT NULL DEFAULT 0 CHECK (favorite IN (0, 1)),
    preview         TEXT NOT NULL CHECK (preview IN ('ready', 'no_decoder', 'placeholder')),
    has_thumbnail   INTEGER NOT NULL CHECK (has_thumbnail IN (0, 1)),
    has_display     INTEGER NOT NULL CHECK (has_display IN (0, 1)),
    -- Importing the same bytes into an event twice changes nothing.
    UNIQUE (event_id, sha256)
);
CREATE UNIQUE INDEX media_remote ON media (event_id, remote_id) WHERE remote_id IS NOT NULL;
CREATE INDEX media_by_capture ON media (event_id, captured_at, id);
CREATE INDEX media_by_status ON media (event_id, status);
-- The store sweep and purges ask "does any row still use these bytes?".
CREATE INDEX media_by_sha ON media (sha256);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    remote_id   TEXT,
    author      TEXT,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'hidden', 'deleted'))
);
CREATE UNIQUE INDEX messages_remote ON messages (event_id, remote_id) WHERE remote_id IS NOT NULL;
CREATE INDEX messages_by_event ON messages (event_id, created_at);

CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  TEXT NOT NULL,
    UNIQUE (event_id, name)
);

CREATE TABLE collection_items (
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    media_id      INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    -- Manual order; REAL so an item can be moved between two others without renumbering.
    position      REAL NOT NULL,
    PRIMARY KEY (collection_id, media_id)
);
CREATE INDEX collection_items_order ON collection_items (collection_id, position);
