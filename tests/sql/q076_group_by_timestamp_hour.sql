SELECT TIMESTAMP_TRUNC(tpep_pickup_datetime, HOUR) AS h, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE tpep_pickup_datetime < '2019-01-02' GROUP BY h ORDER BY h;
-- sqlite: SELECT strftime('%Y-%m-%d %H:00:00', tpep_pickup_datetime) AS h, COUNT(*) FROM staging_taxi_trips WHERE tpep_pickup_datetime < '2019-01-02' GROUP BY h ORDER BY h
-- expect:
-- 2018-11-28 15:00:00	2
-- 2018-11-28 16:00:00	2
-- 2018-12-21 13:00:00	1
-- 2018-12-31 17:00:00	1
-- 2018-12-31 23:00:00	2
-- 2019-01-01 00:00:00	492
