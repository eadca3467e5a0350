-- A correlated subquery keeps an answer per distinct outer value: 250 of
-- them pass 8K, an error naming the cache.
-- memory: 8K
SELECT SUM(n) FROM (SELECT (SELECT COUNT(*) FROM crypto.coins c2 WHERE c2.market_cap_rank < c1.market_cap_rank) AS n FROM crypto.coins c1);
-- error: a correlated subquery's answers (kept per distinct outer value) needs more memory than the query's budget of 8K
