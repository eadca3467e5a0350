-- The same join within a budget that holds its side: the rows.
-- memory: 1048576
SELECT COUNT(*) FROM taxi_data.staging_taxi_trips a JOIN taxi_data.staging_taxi_trips b ON a.vendorid = b.vendorid;
-- expect:
-- 1168218
