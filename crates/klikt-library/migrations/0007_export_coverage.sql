-- Klikt library schema, version 7: whether a recorded export is a whole copy
-- of its event (every item with `--only all`, originals unchanged: no
-- `--strip-location`, and no item failed). Only such an export may tell the
-- forget confirmation that a verified copy exists. Rows from before are 0:
-- nobody knows what they covered, and re-running the export sets it.
ALTER TABLE exports ADD COLUMN complete INTEGER NOT NULL DEFAULT 0;
