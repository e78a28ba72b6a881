-- Klikt library schema, version 3: the organizer's decisions, their audit
-- log, and the outbox that carries moderation decisions to the server.
-- Append-only: never edit once released; add 0004_*.sql instead.

-- Every decision, in the order it was made: the audit log and the undo stack.
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    target      TEXT NOT NULL CHECK (target IN ('media', 'message', 'collection')),
    -- The local row (kept as a number: the row may be purged later).
    item_id     INTEGER NOT NULL,
    remote_id   TEXT,
    -- approve, hide, delete, restore (moderation); flag, rating, favorite,
    -- and collection_* (curation).
    action      TEXT NOT NULL,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    -- The decision this one undid, for an undo.
    undoes      INTEGER REFERENCES decisions (id),
    -- local: nothing to send (curation, local events); pending: in the
    -- outbox; synced, conflict, gone, dead: what the server answered.
    sync_state  TEXT NOT NULL
                CHECK (sync_state IN ('local', 'pending', 'synced', 'conflict', 'gone', 'dead', 'superseded')),
    synced_at   TEXT
);
CREATE INDEX decisions_by_event ON decisions (event_id, id);
-- Coalescing marks an item's earlier unsent decisions superseded.
CREATE INDEX decisions_pending_by_item ON decisions (event_id, target, item_id)
    WHERE sync_state = 'pending';
-- Undo's "is this one undone already?".
CREATE INDEX decisions_by_undoes ON decisions (undoes) WHERE undoes IS NOT NULL;

-- Moderation decisions on server items waiting to be sent. At most one
-- unsent entry per item: a newer decision replaces it (coalescing). An entry
-- already sent in a batch keeps its batch key and body until answered, so a
-- retry is the same request (idempotency).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    target          TEXT NOT NULL CHECK (target IN ('media', 'message')),
    item_id         INTEGER NOT NULL,
    remote_id       TEXT NOT NULL,
    action          TEXT NOT NULL CHECK (action IN ('approve', 'hide', 'delete', 'restore')),
    base_version    INTEGER NOT NULL,
    decision_id     INTEGER NOT NULL REFERENCES decisions (id),
    -- Set when the entry is first sent; the batch is resent with this key.
    batch_key       TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    -- pending, or dead (the server will never take it, e.g. the event expired).
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dead')),
    dead_reason     TEXT,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX outbox_unsent_per_item ON outbox (event_id, target, remote_id)
    WHERE batch_key IS NULL AND state = 'pending';
CREATE INDEX outbox_by_event ON outbox (event_id, state, id);
-- "Does a decision on this item wait?" (pulls and pushes ask per item).
CREATE INDEX outbox_by_item ON outbox (event_id, remote_id, state);

-- Decisions the server did not take because someone else's change won.
CREATE TABLE conflicts (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    decision_id     INTEGER NOT NULL REFERENCES decisions (id),
    target          TEXT NOT NULL,
    item_id         INTEGER NOT NULL,
    remote_id       TEXT NOT NULL,
    wanted          TEXT NOT NULL,
    server_status   TEXT,
    server_version  INTEGER,
    recorded_at     TEXT NOT NULL,
    resolved_at     TEXT
);
CREATE INDEX conflicts_open ON conflicts (event_id) WHERE resolved_at IS NULL;

-- The status a trashed item had, so a restore from the trash puts it back.
ALTER TABLE media ADD COLUMN trashed_from TEXT;
ALTER TABLE messages ADD COLUMN trashed_from TEXT;
-- A pulled message's status on the server (its `status` is the organizer's,
-- which differs while a decision waits in the outbox).
ALTER TABLE messages ADD COLUMN server_status TEXT;

-- The library grid's first query: one status, in capture order, a page at a time.
CREATE INDEX media_by_status_capture ON media (event_id, status, captured_at, id);
