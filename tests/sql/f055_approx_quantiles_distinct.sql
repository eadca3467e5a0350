-- APPROX_QUANTILES(DISTINCT ...): the ranks among the distinct values.
SELECT vendorid, APPROX_QUANTILES(DISTINCT trip_distance, 3)[OFFSET(1)],
       APPROX_QUANTILES(DISTINCT trip_distance, 3)[OFFSET(2)], COUNT(DISTINCT trip_distance)
FROM taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, MAX(CASE WHEN rn = (n + 2) / 3 THEN trip_distance END), MAX(CASE WHEN rn = (2 * n + 2) / 3 THEN trip_distance END), MAX(n) FROM (SELECT vendorid, trip_distance, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY trip_distance) AS rn, COUNT(*) OVER (PARTITION BY vendorid) AS n FROM (SELECT DISTINCT vendorid, trip_distance FROM staging_taxi_trips)) GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	3.9	8.6	112
-- 2	1.93	4.3	473
