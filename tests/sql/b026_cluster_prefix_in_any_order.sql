-- Filters on all three clustering columns prune blocks by all three,
-- whatever order the WHERE writes them in (BigQuery takes the clustering
-- columns in their order; the order of the conjuncts does not matter).
-- trips_by_vendor_payment_zone holds vendorid, payment_type, pulocationid
-- and fare_amount (8 bytes each, never NULL) of the 1,500 trips, clustered
-- by (vendorid, payment_type, pulocationid) in blocks of 100; each block's
-- ranges (vendorid / payment_type / pulocationid):
--   0  1/1/4-125     5  1/2-4/43-264    10 2/1/234-239
--   1  1/1/125-161   6  1-2/1-4/4-164   11 2/1-2/11-264
--   2  1/1/161-236   7  2/1/79-137      12 2/2/43-141
--   3  1/1-2/4-264   8  2/1/137-163     13 2/2/142-229
--   4  1/2/7-161     9  2/1/163-234     14 2/2-4/142-264
-- vendorid = 2, payment_type = 1 and pulocationid = 132 can all hold in
-- blocks 6, 7 and 11 only, although the LIMIT stops pipe's scan before
-- block 11.  The COUNT(*) around the subquery needs no fare_amount, so the
-- query reads the three filtered columns: 3 x 100 rows x 24 bytes = 7200.
-- The estimate (no partitions to prune) is the whole table: 1500 x 24 =
-- 36000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM (
  SELECT fare_amount FROM taxi_data.trips_by_vendor_payment_zone
  WHERE pulocationid = 132 AND payment_type = 1 AND vendorid = 2
  LIMIT 5);
-- sqlite: SELECT COUNT(*) FROM (SELECT fare_amount FROM staging_taxi_trips WHERE pulocationid = 132 AND payment_type = 1 AND vendorid = 2 LIMIT 5);
-- bytes: processed=7200 estimate=36000 billed=10485760 partitions=1/1 blocks=3/15 pipe_read=2
-- expect:
-- 5
