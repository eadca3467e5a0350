-- COUNT(*) references no column: BigQuery processes 0 bytes and, having
-- processed nothing, bills nothing.
SELECT COUNT(*) FROM taxi_data.staging_taxi_trips;
-- bytes: processed=0 estimate=0 billed=0 partitions=1/1 blocks=1/1
-- expect:
-- 1500
