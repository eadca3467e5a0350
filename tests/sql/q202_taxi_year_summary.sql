SELECT EXTRACT(YEAR FROM tpep_dropoff_datetime) AS y, COUNT(*), ROUND(AVG(total_amount), 4), MAX(passenger_count) FROM your_project_id.taxi_data.optimized_taxi_trips GROUP BY y ORDER BY y;
-- sqlite: SELECT CAST(strftime('%Y', tpep_dropoff_datetime) AS INTEGER) AS y, COUNT(*), ROUND(AVG(total_amount), 4), MAX(passenger_count) FROM optimized_taxi_trips GROUP BY y ORDER BY y
-- expect:
-- 2018	6	24.1767	5
-- 2019	494	16.2666	6
-- 2021	500	17.9018	6
-- 2022	1	13.5	1
-- 2023	499	24.9362	6
