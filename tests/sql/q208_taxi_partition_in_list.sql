SELECT DATE(tpep_dropoff_datetime) AS d, COUNT(*) FROM your_project_id.taxi_data.optimized_taxi_trips WHERE DATE(tpep_dropoff_datetime) IN (DATE '2018-11-28', DATE '2022-12-31') GROUP BY d ORDER BY d;
-- sqlite: SELECT date(tpep_dropoff_datetime) AS d, COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) IN ('2018-11-28', '2022-12-31') GROUP BY d ORDER BY d
-- expect:
-- 2018-11-28	4
-- 2022-12-31	1
