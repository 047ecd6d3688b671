-- A test-only schema: proves that Database migrates a service schema and that R2DBC then sees it.
CREATE TABLE notes (
    -- the note's number, chosen by the test
    id BIGINT PRIMARY KEY,
    -- free text
    body TEXT NOT NULL
);
