-- Four pairs worked by hand (the means 2.5 and 5.125, the products of the
-- deviations 9.75 in all); the pairs holding a NULL are left out; an
-- INT64 and a FLOAT64 pair as well as two of one type.
WITH t AS (SELECT 1 AS x, 2.0 AS y UNION ALL SELECT 2, 4 UNION ALL SELECT 3, 7 UNION ALL SELECT 4, 7.5
           UNION ALL SELECT NULL, 1 UNION ALL SELECT 5, NULL)
SELECT COVAR_POP(x, y), COVAR_SAMP(x, y), ROUND(CORR(x, y), 12), ROUND(CORR(y, x), 12), COVAR_SAMP(x, x), VAR_SAMP(x)
FROM t;
-- nosqlite
-- expect:
-- 2.4375	3.25	0.970461573497	0.970461573497	2.5	2.5
