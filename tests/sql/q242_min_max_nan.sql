-- BigQuery's MIN and MAX are NaN when any value is NaN (sqlite3 has no NaN).
SELECT MIN(x), MAX(x), COUNT(*) FROM (SELECT CAST('nan' AS FLOAT64) AS x FROM crypto.coins WHERE market_cap_rank = 2 UNION ALL SELECT current_price FROM crypto.coins WHERE market_cap_rank <= 3);
-- nosqlite
-- expect:
-- nan	nan	4
