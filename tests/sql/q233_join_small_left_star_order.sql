SELECT * FROM (SELECT 2 AS v, 'two' AS label) a JOIN your_project_id.taxi_data.staging_taxi_trips b ON a.v = b.vendorid ORDER BY b.tpep_pickup_datetime, b.fare_amount LIMIT 2;
-- expect:
-- 2	two	2	2018-11-28 15:52:25	2018-11-28 15:55:45	5	0.0	1	N	193	193	2	3.5	0.5	0.5	0.0	0.0	0.3	7.55	NULL	NULL
-- 2	two	2	2018-11-28 15:56:57	2018-11-28 15:58:33	5	0.0	2	N	193	193	2	52.0	0.0	0.5	0.0	0.0	0.3	55.55	NULL	NULL
