SELECT DISTINCT payment_type, COUNT(*) OVER (ORDER BY payment_type), ROUND(SUM(fare_amount) OVER (ORDER BY payment_type), 4),
COUNT(*) OVER (ORDER BY payment_type RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM taxi_data.staging_taxi_trips ORDER BY 1;
-- expect:
-- 1	981	13904.88	1500
-- 2	1469	20841.88	519
-- 3	1486	21024.78	31
-- 4	1500	21134.78	14
