DROP TABLE crypto.watchlist;
-- nosqlite
-- expect:
