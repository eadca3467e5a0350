SELECT vendorid, MIN(tpep_pickup_datetime), MAX(tpep_pickup_datetime) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	2019-01-01 00:00:03	2023-01-01 00:59:52
-- 2	2018-11-28 15:52:25	2023-01-01 01:05:05
