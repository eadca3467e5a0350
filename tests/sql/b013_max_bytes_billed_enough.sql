-- A budget at the minimum lets the query run.
SELECT MAX(vendorid) FROM taxi_data.staging_taxi_trips;
-- max_bytes_billed: 10485760
-- bytes: processed=12000 billed=10485760
-- expect:
-- 2
