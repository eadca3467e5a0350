SELECT COUNT(*) FROM your_project_id.taxi_data.optimized_taxi_trips WHERE DATE(tpep_dropoff_datetime) BETWEEN DATE '2018-12-01' AND DATE '2019-01-01';
-- sqlite: SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) BETWEEN '2018-12-01' AND '2019-01-01'
-- expect:
-- 495
