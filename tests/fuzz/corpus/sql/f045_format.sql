-- FORMAT with printf's specifiers, flags, width and precision on the trips.
SELECT FORMAT('%d|%-3s|%5.1f|%x|%+d|%05d', vendorid, store_and_fwd_flag, fare_amount, pulocationid, payment_type, dolocationid)
FROM taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 4;
-- sqlite: SELECT printf('%d|%-3s|%5.1f|%x|%+d|%05d', vendorid, store_and_fwd_flag, fare_amount, pulocationid, payment_type, dolocationid) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 4
-- expect:
-- 2|N  |  3.5|c1|+2|00193
-- 2|N  | 52.0|c1|+2|00193
-- 2|N  |  3.5|c1|+2|00193
-- 2|N  | 52.0|c1|+2|00193
