-- A NULL in a NOT NULL column fails the CREATE OR REPLACE, and the old
-- table stays as it was (d025).
CREATE OR REPLACE TABLE crypto.ranked (coin STRING NOT NULL, rank_no INT64 NOT NULL) AS
SELECT id, IF(market_cap_rank = 200, NULL, market_cap_rank) FROM crypto.coins;
-- error: Required field rank_no cannot be null
