-- A NULL takes 0 bytes: airport_fee exists only in the 500 rows of 2023,
-- so 500 x 8 = 4000 bytes, not 1500 x 8.
SELECT COUNT(airport_fee) FROM taxi_data.staging_taxi_trips;
-- bytes: processed=4000 estimate=4000 billed=10485760
-- expect:
-- 500
