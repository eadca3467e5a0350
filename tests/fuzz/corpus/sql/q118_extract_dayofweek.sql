SELECT EXTRACT(DAYOFWEEK FROM tpep_dropoff_datetime) AS dow, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY dow ORDER BY dow;
-- sqlite: SELECT CAST(strftime('%w', tpep_dropoff_datetime) AS INTEGER) + 1 AS dow, COUNT(*) FROM staging_taxi_trips GROUP BY dow ORDER BY dow
-- expect:
-- 1	498
-- 2	2
-- 3	493
-- 4	5
-- 6	501
-- 7	1
