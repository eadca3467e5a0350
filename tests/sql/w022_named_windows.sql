-- WINDOW names a window once for several functions; a reference may add
-- ORDER BY (to a named PARTITION BY) or a frame, and a window may name
-- another.
SELECT vendorid, fare_amount, ROW_NUMBER() OVER byfare AS n, SUM(fare_amount) OVER (byfare ROWS BETWEEN 1 PRECEDING AND CURRENT ROW),
       RANK() OVER (v ORDER BY fare_amount DESC), COUNT(*) OVER v
FROM taxi_data.staging_taxi_trips
WINDOW v AS (PARTITION BY vendorid), byfare AS (v ORDER BY fare_amount, tpep_pickup_datetime)
ORDER BY vendorid, n LIMIT 5;
-- sqlite: SELECT vendorid, fare_amount, ROW_NUMBER() OVER byfare AS n, SUM(fare_amount) OVER (byfare ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), RANK() OVER (v ORDER BY fare_amount DESC), COUNT(*) OVER v FROM staging_taxi_trips WINDOW v AS (PARTITION BY vendorid), byfare AS (v ORDER BY fare_amount, tpep_pickup_datetime) ORDER BY vendorid, n LIMIT 5
-- expect:
-- 1	0.0	1	0.0	603	603
-- 1	2.5	2	2.5	602	603
-- 1	3.0	3	5.5	597	603
-- 1	3.0	4	6.0	597	603
-- 1	3.0	5	6.0	597	603
