-- With a filter on the partitioning column the same table answers.
SELECT COUNT(*) FROM taxi_data.trips_strict WHERE tpep_dropoff_datetime >= '2021-01-01' AND vendorid = 1
-- nosqlite
-- expect:
-- 320
