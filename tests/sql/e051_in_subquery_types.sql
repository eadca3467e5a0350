SELECT COUNT(*) FROM crypto.coins WHERE market_cap_rank IN (SELECT symbol FROM crypto.coins)
-- error: Cannot execute IN subquery with uncomparable types INT64 and STRING at [1:57]
