-- NTH_VALUE: the frame's n-th row, NULL while the frame is shorter (the
-- default frame grows with the ORDER BY).
SELECT vendorid, fare_amount, NTH_VALUE(fare_amount, 3) OVER (PARTITION BY vendorid ORDER BY fare_amount DESC, tpep_pickup_datetime) AS third,
       NTH_VALUE(fare_amount, 2) OVER (PARTITION BY vendorid ORDER BY fare_amount DESC, tpep_pickup_datetime ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second
FROM taxi_data.staging_taxi_trips ORDER BY vendorid, fare_amount DESC, tpep_pickup_datetime LIMIT 4;
-- sqlite: SELECT vendorid, fare_amount, NTH_VALUE(fare_amount, 3) OVER (PARTITION BY vendorid ORDER BY fare_amount DESC, tpep_pickup_datetime), NTH_VALUE(fare_amount, 2) OVER (PARTITION BY vendorid ORDER BY fare_amount DESC, tpep_pickup_datetime ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM staging_taxi_trips ORDER BY vendorid, fare_amount DESC, tpep_pickup_datetime LIMIT 4
-- expect:
-- 1	72.3	NULL	70.0
-- 1	70.0	NULL	70.0
-- 1	70.0	70.0	70.0
-- 1	62.5	70.0	70.0
