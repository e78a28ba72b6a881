-- Klikt library schema, version 4: browsing by upload time; bulk undo.
-- The app's grid sorts an event by upload time (import time for local files)
-- as often as by capture time; this index keeps the first page from sorting
-- the whole event.
CREATE INDEX media_by_upload ON media (event_id, coalesce(uploaded_at, imported_at), id);

-- A bulk decision (one command on many items) is undone as a whole: its
-- decisions share `batch`, the id of the first of them (NULL for a decision
-- made alone).
ALTER TABLE decisions ADD COLUMN batch INTEGER;
CREATE INDEX decisions_by_batch ON decisions (batch) WHERE batch IS NOT NULL;
