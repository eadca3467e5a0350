-- SAFE.f gives NULL where f fails on a row (a logarithm of 0, a negative
-- length), as BigQuery's; the other rows keep their values.
SELECT vendorid, SAFE.LN(vendorid - 1) IS NULL AS failed, SAFE.LPAD('x', vendorid - 2) AS pad
FROM taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- nosqlite
-- expect:
-- 1	1	NULL
-- 2	0	
