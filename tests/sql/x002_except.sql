SELECT pulocationid FROM taxi_data.staging_taxi_trips EXCEPT DISTINCT SELECT dolocationid FROM taxi_data.staging_taxi_trips ORDER BY 1;
-- sqlite: SELECT pulocationid FROM staging_taxi_trips EXCEPT SELECT dolocationid FROM staging_taxi_trips ORDER BY 1
-- expect:
-- 11
-- 70
-- 78
-- 126
