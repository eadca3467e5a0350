-- TIMESTAMP_ADD adds up to days (a month has no fixed length in UTC):
-- the part is refused where it is written, before any row is read.
SELECT TIMESTAMP_ADD(tpep_pickup_datetime, INTERVAL 1 MONTH) FROM taxi_data.staging_taxi_trips;
-- error: Unsupported date part MONTH for TIMESTAMP_ADD at [3:55]
