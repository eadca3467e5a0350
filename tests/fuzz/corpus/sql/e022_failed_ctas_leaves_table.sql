-- The SELECT fails halfway (a coin with total_volume 0): coins must be
-- left as it was, which e023 and the q* cases check.
CREATE OR REPLACE TABLE crypto.coins AS SELECT id, market_cap / total_volume AS r FROM crypto.coins
-- error: division by zero
