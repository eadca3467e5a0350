INSERT INTO crypto.watchlist SELECT id, name FROM crypto.coins;
-- error: Query column 2 has type STRING which cannot be inserted into column market_cap_rank, which has type INT64
