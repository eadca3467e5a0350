-- INSERT INTO ... SELECT appends: 10 + 5 rows.
-- setup: CREATE OR REPLACE TABLE crypto.watchlist AS SELECT id, market_cap_rank FROM crypto.coins WHERE market_cap_rank <= 10
INSERT INTO crypto.watchlist SELECT id, market_cap_rank FROM crypto.coins WHERE market_cap_rank BETWEEN 101 AND 105;
-- nosqlite
-- expect:
