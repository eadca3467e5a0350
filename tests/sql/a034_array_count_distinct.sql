-- A DISTINCT aggregate compares its values: not arrays.
SELECT COUNT(DISTINCT [id]) FROM crypto.coins;
-- error: Aggregate functions with DISTINCT cannot be used with arguments of type ARRAY<STRING>
