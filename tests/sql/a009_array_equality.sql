-- Arrays do not compare, as in BigQuery.
SELECT COUNT(*) FROM crypto.coins WHERE [id] = [symbol];
-- error: Equality is not defined for arguments of type ARRAY<STRING>
