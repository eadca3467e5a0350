SELECT COUNT(*) FROM your_project_id.taxi_data.optimized_taxi_trips WHERE DATE(tpep_dropoff_datetime) IN ('2019-01-02', '2023-01-02');
-- sqlite: SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) IN ('2019-01-02', '2023-01-02')
-- expect:
-- 2
