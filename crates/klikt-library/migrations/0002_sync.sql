-- Klikt library schema, version 2: events linked to a Klikt server.
-- Append-only: never edit once released; add 0003_*.sql instead.

-- Where the change feed of a linked event was last read up to (committed in
-- the same transaction as the page it ends), and the server's view of it.
ALTER TABLE events ADD COLUMN feed_cursor TEXT;
ALTER TABLE events ADD COLUMN last_pulled_at TEXT;
-- 'active'; 'expired' once the plan's retention ended on the server (local
-- copies stay fully usable); 'gone' once the server answers 410 for it.
ALTER TABLE events ADD COLUMN server_state TEXT NOT NULL DEFAULT 'active'
    CHECK (server_state IN ('active', 'expired', 'gone'));
ALTER TABLE events ADD COLUMN remote_media_count INTEGER;
ALTER TABLE events ADD COLUMN remote_total_bytes INTEGER;

-- While a reset replay is under way (see the protocol's Reset): its number.
-- Items it mentions are stamped with it; at its end the unstamped ones are gone.
ALTER TABLE events ADD COLUMN reset_replay INTEGER;

ALTER TABLE messages ADD COLUMN remote_version INTEGER;
ALTER TABLE messages ADD COLUMN seen_in_reset INTEGER;

-- Every media item the feed announced, whether or not its original is here
-- yet. A `media` row appears only once the original is verified and stored;
-- until then the item waits here to be downloaded.
CREATE TABLE remote_media (
    event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    remote_id      TEXT NOT NULL,
    version        INTEGER NOT NULL,
    media_kind     TEXT NOT NULL CHECK (media_kind IN ('photo', 'video')),
    mime           TEXT NOT NULL,
    original_name  TEXT NOT NULL,
    uploader       TEXT NOT NULL,
    caption        TEXT,
    uploaded_at    TEXT NOT NULL,
    size           INTEGER NOT NULL CHECK (size >= 0),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'hidden')),
    -- Why the last download attempt failed (shown to the organizer), if it did.
    last_error     TEXT,
    -- The reset replay that last mentioned this item (see the protocol's Reset).
    seen_in_reset  INTEGER,
    PRIMARY KEY (event_id, remote_id)
);

-- Items the server deleted. Remembered so a deleted item never comes back.
CREATE TABLE tombstones (
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    target      TEXT NOT NULL CHECK (target IN ('media', 'message')),
    remote_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    reason      TEXT NOT NULL CHECK (reason IN ('moderation', 'removal_request', 'uploader', 'retention')),
    removed_at  TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (event_id, remote_id)
);

-- The account the organizer signed in to. The tokens themselves live only
-- in the operating system's keyring, never here.
CREATE TABLE accounts (
    server_url   TEXT PRIMARY KEY,
    email        TEXT NOT NULL,
    signed_in_at TEXT NOT NULL,
    -- The account commands use when none is named (at most one row).
    is_current   INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1))
);
CREATE UNIQUE INDEX accounts_current ON accounts (is_current) WHERE is_current = 1;
