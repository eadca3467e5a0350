SELECT COUNT(*) FROM `your_project_id.taxi_data.optimized_taxi_trips`;
-- expect:
-- 1500
