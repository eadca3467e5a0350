-- A WITH that selects every column, read by a COUNT(*) with a WHERE on one
-- column: only that column counts, and the filter reaches the table's
-- block pruning through the WITH.  trips_by_vendor_payment_zone (as in
-- b026: vendorid, payment_type, pulocationid, fare_amount, 8 bytes each,
-- never NULL, 1,500 rows) is clustered by (vendorid, payment_type,
-- pulocationid) in blocks of 100; vendorid = 2 can hold in blocks 6 to 14
-- only (block 6 holds vendors 1 and 2).
--   estimate: vendorid, 1500 x 8 = 12000 (not the 48000 of all 4 columns)
--   processed: the 9 blocks, 900 x 8 = 7200
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
WITH t AS (SELECT * FROM taxi_data.trips_by_vendor_payment_zone)
SELECT COUNT(*) FROM t WHERE vendorid = 2;
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE vendorid = 2;
-- bytes: processed=7200 estimate=12000 billed=10485760 partitions=1/1 blocks=9/15
-- expect:
-- 897
