-- A filter on an aggregate's result stays above the aggregate, though the
-- aggregate reads a clustering column: MAX(vendorid) = 1 is not vendorid
-- = 1 (pushed down, it would prune blocks and make every payment type's
-- maximum 1).  Only payment type 3 has no trip of vendor 2.  The query
-- uses payment_type and vendorid of trips_by_vendor_payment_zone (8 bytes
-- each), not the fare_amount the subquery sums: 1500 x 16 = 24000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT payment_type, n FROM (
  SELECT payment_type, MAX(vendorid) AS v, COUNT(*) AS n, SUM(fare_amount) AS s
  FROM taxi_data.trips_by_vendor_payment_zone GROUP BY payment_type)
WHERE v = 1 ORDER BY payment_type;
-- sqlite: SELECT payment_type, n FROM (SELECT payment_type, MAX(vendorid) AS v, COUNT(*) AS n FROM staging_taxi_trips GROUP BY payment_type) WHERE v = 1 ORDER BY payment_type;
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=15/15
-- expect:
-- 3	17
