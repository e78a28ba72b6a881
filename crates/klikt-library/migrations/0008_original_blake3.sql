-- Klikt library schema, version 8: each original's BLAKE3, taken as it came
-- into the store (its bytes were just checked against its SHA-256). An
-- export checks the store's copy against it before copying: BLAKE3 hashes
-- several times faster than SHA-256, so the check keeps up with the kernel's
-- copy. Rows from before have none and are checked against their SHA-256.
ALTER TABLE media ADD COLUMN blake3 TEXT;
