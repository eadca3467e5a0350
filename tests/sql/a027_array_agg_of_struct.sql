-- ARRAY_AGG of a STRUCT needs an element taken: there is no ARRAY of STRUCT.
SELECT ARRAY_AGG(c ORDER BY market_cap_rank) FROM crypto.coins c;
-- error: ARRAY_AGG of a STRUCT is supported with an element taken, ARRAY_AGG(t ORDER BY ... LIMIT 1)[OFFSET(0)]
