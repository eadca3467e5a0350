-- each CTE names the one before twice: planning it would take 2^20 scans
WITH c0 AS (SELECT market_cap_rank AS x FROM crypto.coins),
c1 AS (SELECT a.x FROM c0 a CROSS JOIN c0 b),
c2 AS (SELECT a.x FROM c1 a CROSS JOIN c1 b),
c3 AS (SELECT a.x FROM c2 a CROSS JOIN c2 b),
c4 AS (SELECT a.x FROM c3 a CROSS JOIN c3 b),
c5 AS (SELECT a.x FROM c4 a CROSS JOIN c4 b),
c6 AS (SELECT a.x FROM c5 a CROSS JOIN c5 b),
c7 AS (SELECT a.x FROM c6 a CROSS JOIN c6 b),
c8 AS (SELECT a.x FROM c7 a CROSS JOIN c7 b),
c9 AS (SELECT a.x FROM c8 a CROSS JOIN c8 b),
c10 AS (SELECT a.x FROM c9 a CROSS JOIN c9 b),
c11 AS (SELECT a.x FROM c10 a CROSS JOIN c10 b),
c12 AS (SELECT a.x FROM c11 a CROSS JOIN c11 b),
c13 AS (SELECT a.x FROM c12 a CROSS JOIN c12 b),
c14 AS (SELECT a.x FROM c13 a CROSS JOIN c13 b),
c15 AS (SELECT a.x FROM c14 a CROSS JOIN c14 b),
c16 AS (SELECT a.x FROM c15 a CROSS JOIN c15 b),
c17 AS (SELECT a.x FROM c16 a CROSS JOIN c16 b),
c18 AS (SELECT a.x FROM c17 a CROSS JOIN c17 b),
c19 AS (SELECT a.x FROM c18 a CROSS JOIN c18 b),
c20 AS (SELECT a.x FROM c19 a CROSS JOIN c19 b)
SELECT COUNT(*) AS n FROM c20
-- error: Resources exceeded during query execution: Not enough resources for query planning - too many subqueries or query is too complex at [6:24]
