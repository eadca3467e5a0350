SELECT COUNT(DISTINCT vendorid), COUNT(DISTINCT payment_type), COUNT(DISTINCT dolocationid) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 2	4	143
