SELECT airport_fee, COUNT(*) FROM your_project_id.taxi_data.optimized_taxi_trips WHERE tpep_dropoff_datetime >= '2022-12-31' GROUP BY 1 ORDER BY 1;
-- expect:
-- 0.0	478
-- 1.25	22
