SELECT vendorid, tpep_pickup_datetime, LAG(tpep_pickup_datetime) OVER (PARTITION BY vendorid ORDER BY tpep_pickup_datetime),
LEAD(fare_amount, 1, -1) OVER (PARTITION BY vendorid ORDER BY tpep_pickup_datetime, fare_amount)
FROM your_project_id.taxi_data.optimized_taxi_trips WHERE tpep_dropoff_datetime < '2019-01-01 00:10:00' ORDER BY 1, 2, 4;
-- expect:
-- 1	2019-01-01 00:00:03	NULL	8.5
-- 1	2019-01-01 00:00:19	2019-01-01 00:00:03	5.5
-- 1	2019-01-01 00:00:58	2019-01-01 00:00:19	3.5
-- 1	2019-01-01 00:04:54	2019-01-01 00:00:58	4.5
-- 1	2019-01-01 00:06:53	2019-01-01 00:04:54	-1
-- 2	2018-11-28 15:52:25	NULL	52.0
-- 2	2018-11-28 15:56:57	2018-11-28 15:52:25	3.5
-- 2	2018-11-28 16:25:49	2018-11-28 15:56:57	52.0
-- 2	2018-11-28 16:29:37	2018-11-28 16:25:49	4.5
-- 2	2018-12-21 13:48:30	2018-11-28 16:29:37	6.0
-- 2	2018-12-31 23:47:46	2018-12-21 13:48:30	4.5
-- 2	2019-01-01 00:05:04	2018-12-31 23:47:46	4.0
-- 2	2019-01-01 00:06:30	2019-01-01 00:05:04	-1
