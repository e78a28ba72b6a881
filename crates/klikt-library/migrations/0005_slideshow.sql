-- Klikt library schema, version 5: slideshow settings, kept per event.
-- One JSON document per event (the app's `SlideshowSettings`); a missing
-- row means the defaults.
CREATE TABLE slideshow_settings (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    settings  TEXT NOT NULL CHECK (json_valid(settings))
);
