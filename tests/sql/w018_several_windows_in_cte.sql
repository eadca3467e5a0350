WITH r AS (SELECT vendorid, payment_type, total_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY total_amount DESC, tpep_pickup_datetime, fare_amount, trip_distance) AS rn FROM taxi_data.staging_taxi_trips)
SELECT vendorid, payment_type, total_amount, SUM(total_amount) OVER (PARTITION BY vendorid ORDER BY rn) FROM r WHERE rn <= 3 ORDER BY 1, rn;
-- expect:
-- 1	1	95.15	95.15
-- 1	1	91.25	186.4
-- 1	1	81.8	268.2
-- 2	1	107.87	107.87
-- 2	1	96.67	204.54000000000002
-- 2	1	92.55	297.09000000000003
