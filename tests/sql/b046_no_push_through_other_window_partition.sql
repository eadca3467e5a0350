-- A filter on a column the subquery's window does not partition by stays
-- above the window: pushed down, vendorid = 2 would change which rows are
-- each payment type's first 10 by fare.  It prunes no block of
-- trips_by_vendor_payment_zone; the query reads vendorid, payment_type
-- and fare_amount, 1500 x 24 = 36000, not pulocationid.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM (
  SELECT vendorid, pulocationid, RANK() OVER (PARTITION BY payment_type ORDER BY fare_amount DESC) AS r
  FROM taxi_data.trips_by_vendor_payment_zone)
WHERE vendorid = 2 AND r <= 10;
-- sqlite: SELECT COUNT(*) FROM (SELECT vendorid, RANK() OVER (PARTITION BY payment_type ORDER BY fare_amount DESC) AS r FROM staging_taxi_trips) WHERE vendorid = 2 AND r <= 10;
-- bytes: processed=36000 estimate=36000 billed=10485760 partitions=1/1 blocks=15/15
-- expect:
-- 20
