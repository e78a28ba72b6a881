-- Klikt library schema, version 4: browsing by upload time.
-- The app's grid sorts an event by upload time (import time for local files)
-- as often as by capture time; this index keeps the first page from sorting
-- the whole event.
CREATE INDEX media_by_upload ON media (event_id, coalesce(uploaded_at, imported_at), id);
