SELECT vendorid FROM taxi_data.staging_taxi_trips INTERSECT DISTINCT SELECT payment_type FROM taxi_data.staging_taxi_trips ORDER BY 1;
-- sqlite: SELECT vendorid FROM staging_taxi_trips INTERSECT SELECT payment_type FROM staging_taxi_trips ORDER BY 1
-- expect:
-- 1
-- 2
