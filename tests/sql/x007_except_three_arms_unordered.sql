SELECT ratecodeid FROM taxi_data.staging_taxi_trips EXCEPT DISTINCT SELECT 1 EXCEPT DISTINCT SELECT 99;
-- sqlite: SELECT ratecodeid FROM staging_taxi_trips EXCEPT SELECT 1 EXCEPT SELECT 99
-- unordered
-- expect:
-- 2
-- 4
-- 5
