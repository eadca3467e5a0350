-- TIMESTAMP_TRUNC(ts, MONTH) makes one partition a month of pickups: 2018-11, 2018-12,
-- 2019-01, 2020-12, 2021-01, 2022-12, 2023-01.  The 2019 window prunes to
-- 1 of the 7.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_month PARTITION BY TIMESTAMP_TRUNC(tpep_pickup_datetime, MONTH) AS SELECT vendorid, tpep_pickup_datetime FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM taxi_data.trips_by_month
WHERE tpep_pickup_datetime >= '2019-01-01' AND tpep_pickup_datetime < '2019-02-01';
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE tpep_pickup_datetime >= '2019-01-01' AND tpep_pickup_datetime < '2019-02-01';
-- bytes: partitions=1/7
-- expect:
-- 492
