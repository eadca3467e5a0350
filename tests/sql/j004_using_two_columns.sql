WITH a AS (SELECT vendorid, payment_type, COUNT(*) AS n FROM taxi_data.staging_taxi_trips GROUP BY 1, 2),
b AS (SELECT vendorid, payment_type, ROUND(SUM(tip_amount), 2) AS tips FROM taxi_data.staging_taxi_trips WHERE tip_amount > 0 GROUP BY 1, 2)
SELECT vendorid, payment_type, n, tips FROM a LEFT JOIN b USING (vendorid, payment_type) ORDER BY 1, 2;
-- expect:
-- 1	1	399	1267.88
-- 1	2	179	NULL
-- 1	3	17	NULL
-- 1	4	8	NULL
-- 2	1	582	2119.78
-- 2	2	309	NULL
-- 2	4	6	NULL
