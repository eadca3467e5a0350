-- One pair: a population covariance of 0, no sample covariance and no
-- correlation; no pair: NULL; a number that never varies: NaN.
SELECT (SELECT COVAR_POP(x, x) FROM UNNEST([3]) AS x), (SELECT COVAR_SAMP(x, x) FROM UNNEST([3]) AS x),
       (SELECT CORR(x, x) FROM UNNEST([3]) AS x), (SELECT COVAR_POP(x, x) FROM UNNEST([3]) AS x WHERE x > 5),
       (SELECT IS_NAN(CORR(x, 1)) FROM UNNEST([1, 2, 3]) AS x);
-- nosqlite
-- expect:
-- 0	NULL	NULL	NULL	true
