SELECT (SELECT COUNT(*) FROM crypto.coins WHERE max_supply NOT IN (SELECT max_supply FROM crypto.coins WHERE market_cap_rank <= 5)),
(SELECT COUNT(*) FROM crypto.coins WHERE max_supply NOT IN (SELECT max_supply FROM crypto.coins WHERE market_cap_rank <= 5 AND max_supply IS NOT NULL)),
(SELECT COUNT(*) FROM crypto.coins WHERE max_supply IN (SELECT max_supply FROM crypto.coins WHERE market_cap_rank <= 5));
-- expect:
-- 0	122	11
