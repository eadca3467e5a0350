SELECT DISTINCT ratecodeid FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY ratecodeid;
-- expect:
-- 1
-- 2
-- 4
-- 5
-- 99
