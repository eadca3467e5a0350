SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE CASE WHEN fare_amount = 0 THEN 0 ELSE tip_amount / fare_amount END > 0.2;
-- expect:
-- 792
