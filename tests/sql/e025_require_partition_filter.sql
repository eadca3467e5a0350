-- setup: CREATE OR REPLACE TABLE taxi_data.trips_strict PARTITION BY DATE(tpep_dropoff_datetime) OPTIONS (require_partition_filter = true) AS SELECT vendorid, tpep_dropoff_datetime FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM taxi_data.trips_strict WHERE vendorid = 1
-- error: Cannot query over table 'taxi_data.trips_strict' without a filter over column(s) 'tpep_dropoff_datetime' that can be used for partition elimination
