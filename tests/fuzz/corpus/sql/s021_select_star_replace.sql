-- SELECT * REPLACE (x AS col): the column keeps its place and name and
-- takes the expression's value; with EXCEPT, after it.
SELECT * EXCEPT (payment_type) REPLACE (ROUND(fare_amount * 1.1, 2) AS fare_amount, UPPER(store_and_fwd_flag) AS store_and_fwd_flag)
FROM (SELECT vendorid, fare_amount, payment_type, store_and_fwd_flag FROM taxi_data.staging_taxi_trips)
ORDER BY fare_amount DESC, vendorid LIMIT 4;
-- sqlite: SELECT vendorid, ROUND(fare_amount * 1.1, 2) AS f, UPPER(store_and_fwd_flag) FROM staging_taxi_trips ORDER BY f DESC, vendorid LIMIT 4
-- expect:
-- 2	95.15	N
-- 2	91.08	N
-- 2	90.75	N
-- 1	79.53	N
