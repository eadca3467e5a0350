SELECT vendorid FROM your_project_id.taxi_data.staging_taxi_trips UNION DISTINCT SELECT payment_type FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY 1;
-- sqlite: SELECT vendorid FROM staging_taxi_trips UNION SELECT payment_type FROM staging_taxi_trips ORDER BY 1
-- expect:
-- 1
-- 2
-- 3
-- 4
