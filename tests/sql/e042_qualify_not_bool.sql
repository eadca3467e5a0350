SELECT symbol FROM crypto.coins QUALIFY ROW_NUMBER() OVER (ORDER BY symbol)
-- error: QUALIFY clause should return type BOOL, but returns INT64 at [1:41]
