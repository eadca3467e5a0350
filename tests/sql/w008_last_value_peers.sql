SELECT DISTINCT vendorid, payment_type, LAST_VALUE(payment_type) OVER (PARTITION BY vendorid ORDER BY payment_type),
COUNT(*) OVER (PARTITION BY vendorid ORDER BY payment_type) FROM taxi_data.staging_taxi_trips ORDER BY 1, 2;
-- expect:
-- 1	1	1	399
-- 1	2	2	578
-- 1	3	3	595
-- 1	4	4	603
-- 2	1	1	582
-- 2	2	2	891
-- 2	4	4	897
