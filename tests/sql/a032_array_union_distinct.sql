-- UNION DISTINCT (and INTERSECT, EXCEPT) compare rows: not of arrays.
-- UNION ALL of arrays is fine (a033).
SELECT [id] FROM crypto.coins UNION DISTINCT SELECT [symbol] FROM crypto.coins;
-- error: Column 1 in UNION DISTINCT has type that does not support set operation comparisons: ARRAY<STRING>
