-- UNNEST of a value that is not an array: BigQuery's error.
SELECT 1 FROM crypto.coins c, UNNEST(c.id);
-- error: Values referenced in UNNEST must be arrays. UNNEST contains expression of type STRING
