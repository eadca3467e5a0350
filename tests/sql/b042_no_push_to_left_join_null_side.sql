-- A filter around a LEFT JOIN on a column of its NULL-extended side does
-- not move below the join, where it would decide which coins match rather
-- than which rows are kept: vendorid = 2 prunes no block of
-- trips_by_vendor_payment_zone (clustered by vendorid first).  The query
-- uses the coins' market_cap_rank (250 x 8 = 2000, not symbol) and the
-- trips' pulocationid and vendorid (1500 x 16 = 24000, not payment_type):
--   2000 + 24000 = 26000; billed 2 x 10485760 = 20971520
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM (
  SELECT c.symbol, c.market_cap_rank, t.vendorid, t.payment_type
  FROM crypto.coins AS c LEFT JOIN taxi_data.trips_by_vendor_payment_zone AS t
  ON c.market_cap_rank = t.pulocationid)
WHERE vendorid = 2;
-- sqlite: SELECT COUNT(*) FROM coins c LEFT JOIN staging_taxi_trips t ON c.market_cap_rank = t.pulocationid WHERE t.vendorid = 2;
-- bytes: processed=26000 estimate=26000 billed=20971520 partitions=2/2 blocks=16/16
-- expect:
-- 834
