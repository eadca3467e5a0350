SELECT vendorid, payment_type FROM taxi_data.staging_taxi_trips WHERE passenger_count = 1
INTERSECT DISTINCT SELECT vendorid, payment_type FROM taxi_data.staging_taxi_trips WHERE passenger_count = 2
INTERSECT DISTINCT SELECT vendorid, payment_type FROM your_project_id.taxi_data.optimized_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01' ORDER BY 1, 2;
-- sqlite: SELECT vendorid, payment_type FROM staging_taxi_trips WHERE passenger_count = 1
-- sqlite: INTERSECT SELECT vendorid, payment_type FROM staging_taxi_trips WHERE passenger_count = 2
-- sqlite: INTERSECT SELECT vendorid, payment_type FROM optimized_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01' ORDER BY 1, 2
-- expect:
-- 1	1
-- 1	2
-- 1	3
-- 1	4
-- 2	1
-- 2	2
-- 2	4
