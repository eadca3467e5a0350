-- A result holds no STRUCT column: pipe's results and tables are scalars.
SELECT * FROM (SELECT ARRAY_AGG(c ORDER BY market_cap_rank LIMIT 1)[OFFSET(0)] AS s FROM crypto.coins c);
-- error: The result has a STRUCT column s: pipe's results and tables hold scalars; select its fields (s.*)
