SELECT COUNT(*) AS trips FROM your_project_id.taxi_data.optimized_taxi_trips
WHERE tpep_dropoff_datetime >= '2023-01-01' AND tpep_dropoff_datetime < '2023-01-02';
-- expect:
-- 498
