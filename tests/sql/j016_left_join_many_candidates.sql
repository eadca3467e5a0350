-- A left row with more candidate pairs than one batch holds (62,500 rows
-- on the right, no equality): whether the row matched carries over from
-- batch to batch, and the row whose residual never passes appears once.
SELECT l.market_cap_rank, COUNT(*), COUNT(r.x), MIN(r.x), MAX(r.x)
FROM (SELECT market_cap_rank FROM crypto.coins WHERE market_cap_rank <= 3) l
LEFT JOIN (SELECT a.market_cap_rank * 1000 + b.market_cap_rank AS x FROM crypto.coins a CROSS JOIN crypto.coins b) r
ON r.x < l.market_cap_rank * 1000 + 500 AND l.market_cap_rank <> 3 AND r.x > 1000
GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	250	250	1001	1250
-- 2	500	500	1001	2250
-- 3	1	0	NULL	NULL
