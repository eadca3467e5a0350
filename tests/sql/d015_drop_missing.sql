DROP TABLE crypto.watchlist;
-- error: Not found: Table crypto.watchlist at [1:12]
