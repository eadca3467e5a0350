-- WHERE x > (SELECT AVG(y) FROM t2 WHERE t2.k = t1.k): the trips dearer
-- than their vendor's and payment type's average, decorrelated on two keys.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, payment_type, COUNT(*), SUM(fare_amount) FROM taxi_data.trips64 t1
WHERE fare_amount > (SELECT AVG(fare_amount) FROM taxi_data.trips64 t2 WHERE t2.vendorid = t1.vendorid AND t1.payment_type = t2.payment_type)
GROUP BY 1, 2 ORDER BY 1, 2;
-- sqlite: SELECT vendorid, payment_type, COUNT(*), SUM(fare_amount) FROM staging_taxi_trips t1 WHERE fare_amount > (SELECT AVG(fare_amount) FROM staging_taxi_trips t2 WHERE t2.vendorid = t1.vendorid AND t1.payment_type = t2.payment_type) GROUP BY 1, 2 ORDER BY 1, 2;
-- expect:
-- 1	1	128	3202.28
-- 1	2	65	1636.5
-- 1	3	3	105.9
-- 1	4	2	61.5
-- 2	1	201	5177.9
-- 2	2	100	2678.5
-- 2	4	3	39.8
