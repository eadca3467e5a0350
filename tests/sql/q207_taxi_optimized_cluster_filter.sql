SELECT COUNT(*) FROM your_project_id.taxi_data.optimized_taxi_trips WHERE vendorid = 1 AND tpep_dropoff_datetime BETWEEN '2021-01-01' AND '2021-12-31';
-- expect:
-- 165
