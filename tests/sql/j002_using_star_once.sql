WITH p AS (SELECT payment_type, COUNT(*) AS n FROM taxi_data.staging_taxi_trips GROUP BY 1),
v AS (SELECT payment_type, vendorid, COUNT(*) AS m FROM taxi_data.staging_taxi_trips GROUP BY 1, 2)
SELECT * FROM p JOIN v USING (payment_type) ORDER BY payment_type, vendorid;
-- expect:
-- 1	981	1	399
-- 1	981	2	582
-- 2	488	1	179
-- 2	488	2	309
-- 3	17	1	17
-- 4	14	1	8
-- 4	14	2	6
