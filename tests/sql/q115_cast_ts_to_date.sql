SELECT CAST(tpep_pickup_datetime AS DATE) AS d, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY d ORDER BY d LIMIT 3;
-- sqlite: SELECT date(tpep_pickup_datetime) AS d, COUNT(*) FROM staging_taxi_trips GROUP BY d ORDER BY d LIMIT 3
-- expect:
-- 2018-11-28	4
-- 2018-12-21	1
-- 2018-12-31	3
