SELECT ROUND(SUM(total_amount), 2) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 29588.36
