DROP TABLE IF EXISTS crypto.watchlist;
-- nosqlite
-- expect:
