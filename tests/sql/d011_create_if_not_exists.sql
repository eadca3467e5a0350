-- The table exists: nothing is done, and its rows stay.
CREATE TABLE IF NOT EXISTS crypto.watchlist AS SELECT 1 AS x;
-- nosqlite
-- expect:
