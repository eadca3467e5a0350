-- Nor order.
SELECT [id] AS ids FROM crypto.coins ORDER BY ids;
-- error: ORDER BY does not support expressions of type ARRAY<STRING>
