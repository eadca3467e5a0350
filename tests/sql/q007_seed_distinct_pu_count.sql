SELECT COUNT(DISTINCT PULocationID) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 87
