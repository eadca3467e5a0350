SELECT DISTINCT vendorid, passenger_count FROM your_project_id.taxi_data.staging_taxi_trips WHERE passenger_count > 4 ORDER BY vendorid DESC, passenger_count;
-- expect:
-- 2	5
-- 2	6
-- 1	6
