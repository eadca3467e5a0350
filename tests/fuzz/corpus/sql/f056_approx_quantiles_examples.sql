-- The examples of BigQuery's reference: [1, 5, 10], with DISTINCT
-- [1, 6, 10], with RESPECT NULLS NULL first (an element taken from it);
-- quartiles of 1..100; the order of each type (NaN first); no value: NULL.
SELECT APPROX_QUANTILES(x, 2), APPROX_QUANTILES(DISTINCT x, 2),
       (SELECT APPROX_QUANTILES(y, 2 RESPECT NULLS)[OFFSET(1)] FROM UNNEST([NULL, NULL, 1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS y),
       (SELECT APPROX_QUANTILES(y, 2 RESPECT NULLS)[OFFSET(0)] IS NULL FROM UNNEST([NULL, 1]) AS y),
       (SELECT APPROX_QUANTILES(y, 4) FROM UNNEST(GENERATE_ARRAY(1, 100)) AS y),
       (SELECT APPROX_QUANTILES(y, 3) FROM UNNEST(['b', 'a', 'c', 'a']) AS y),
       (SELECT APPROX_QUANTILES(y, 3) FROM UNNEST([2.5, CAST('nan' AS FLOAT64), -1.5, CAST('-inf' AS FLOAT64)]) AS y),
       (SELECT APPROX_QUANTILES(y, 2) FROM UNNEST([DATE '2020-01-02', DATE '1960-05-01', DATE '2001-01-01']) AS y),
       (SELECT APPROX_QUANTILES(-y, 4) FROM UNNEST([3, -7, 0, 12]) AS y),
       (SELECT APPROX_QUANTILES(y, 3) IS NULL FROM UNNEST([1]) AS y WHERE y > 1)
FROM UNNEST([1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x;
-- nosqlite
-- expect:
-- [1, 5, 10]	[1, 6, 10]	4	true	[1, 25, 50, 75, 100]	["a", "a", "b", "c"]	[nan, -inf, -1.5, 2.5]	[1960-05-01, 2001-01-01, 2020-01-02]	[-12, -12, -3, 0, 7]	true
