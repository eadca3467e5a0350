-- Every referenced column counts once, wherever it appears: vendorid
-- (INT64) and fare_amount (FLOAT64), 1500 x (8 + 8) = 24000 bytes.
SELECT vendorid, ROUND(SUM(fare_amount), 2) FROM taxi_data.staging_taxi_trips
WHERE fare_amount > 0 GROUP BY vendorid ORDER BY vendorid;
-- bytes: processed=24000 estimate=24000 billed=10485760
-- expect:
-- 1	8264.08
-- 2	12910.5
