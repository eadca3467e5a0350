-- PERCENTILE_CONT between the two fares about rank 0.3 (n - 1) of each
-- vendor's, PERCENTILE_DISC the first fare whose share of rows reaches 0.5.
SELECT DISTINCT vendorid, PERCENTILE_CONT(fare_amount, 0.3) OVER (PARTITION BY vendorid),
       PERCENTILE_DISC(fare_amount, 0.5) OVER (PARTITION BY vendorid)
FROM taxi_data.staging_taxi_trips ORDER BY vendorid;
-- sqlite: SELECT vendorid, CASE WHEN MAX(f) = MAX(c) THEN MAX(CASE WHEN k = f THEN x END) ELSE (MAX(c) - MAX(rnv)) * MAX(CASE WHEN k = f THEN x END) + (MAX(rnv) - MAX(f)) * MAX(CASE WHEN k = c THEN x END) END, MAX(CASE WHEN k = ceil(0.5 * n) - 1 THEN x END) FROM (SELECT vendorid, x, k, n, 0.3 * (n - 1) AS rnv, floor(0.3 * (n - 1)) AS f, ceil(0.3 * (n - 1)) AS c FROM (SELECT vendorid, fare_amount AS x, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY fare_amount) - 1 AS k, COUNT(*) OVER (PARTITION BY vendorid) AS n FROM staging_taxi_trips)) GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	7.5	10
-- 2	7.9	11
