SELECT * FROM crypto.watchlist;
-- error: Not found: Table
