SELECT max_supply IS NULL AS no_cap, COUNT(*) FROM crypto.coins GROUP BY 1 ORDER BY 1;
-- expect:
-- 0	133
-- 1	117
