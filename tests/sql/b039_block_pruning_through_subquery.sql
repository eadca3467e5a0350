-- Filters on the clustering columns written around a subquery prune its
-- table's blocks as if written inside it (b026's query, the filter moved
-- out): vendorid = 2, payment_type = 1 and pulocationid = 132 can all hold
-- in blocks 6, 7 and 11 only, and the query uses those three columns:
--   processed: 3 x 100 x 24 = 7200; estimate: 1500 x 24 = 36000
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM (SELECT * FROM taxi_data.trips_by_vendor_payment_zone)
WHERE pulocationid = 132 AND payment_type = 1 AND vendorid = 2;
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE pulocationid = 132 AND payment_type = 1 AND vendorid = 2;
-- bytes: processed=7200 estimate=36000 billed=10485760 partitions=1/1 blocks=3/15
-- expect:
-- 21
