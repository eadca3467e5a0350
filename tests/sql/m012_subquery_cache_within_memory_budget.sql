-- The same within 64K.
-- memory: 64K
SELECT SUM(n) FROM (SELECT (SELECT COUNT(*) FROM crypto.coins c2 WHERE c2.market_cap_rank < c1.market_cap_rank) AS n FROM crypto.coins c1);
-- expect:
-- 31125
