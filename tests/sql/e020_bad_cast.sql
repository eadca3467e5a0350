SELECT CAST(name AS INT64) FROM crypto.coins
-- error: Bad int64 value: Bitcoin
