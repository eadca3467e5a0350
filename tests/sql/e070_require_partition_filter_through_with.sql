-- A filter on the partitioning column written around a WITH reaches the
-- table's partition pruning, so it satisfies require_partition_filter as
-- if written inside (docs/bytes.md, rule 6); one on another column does
-- not (e025).
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_strict PARTITION BY DATE(tpep_dropoff_datetime) OPTIONS (require_partition_filter = true) AS SELECT vendorid, tpep_dropoff_datetime FROM taxi_data.staging_taxi_trips
WITH t AS (SELECT * FROM taxi_data.trips_strict)
SELECT COUNT(*) FROM t WHERE tpep_dropoff_datetime >= '2021-01-01' AND vendorid = 1
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE tpep_dropoff_datetime >= '2021-01-01' AND vendorid = 1
-- expect:
-- 320
