SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE tip_amount * 5 > fare_amount;
-- expect:
-- 795
