-- Without an element taken, ARRAY_AGG would be an ARRAY, which pipe has not.
SELECT ARRAY_AGG(id) FROM crypto.coins;
-- error: ARRAY_AGG is supported as ARRAY_AGG(...)[OFFSET(n)] only: pipe has no ARRAY type
