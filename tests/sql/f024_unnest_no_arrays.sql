-- An array column or expression: pipe has none.
SELECT 1 FROM crypto.coins c, UNNEST(c.tags);
-- error: UNNEST takes an array written out, [v, ...], GENERATE_ARRAY(...) or GENERATE_DATE_ARRAY(...)
