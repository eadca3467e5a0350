-- APPROX_COUNT_DISTINCT is exact here (BigQuery's is an estimate).
SELECT APPROX_COUNT_DISTINCT(VendorID), APPROX_COUNT_DISTINCT(payment_type), APPROX_COUNT_DISTINCT(DATE(tpep_pickup_datetime))
FROM taxi_data.staging_taxi_trips;
-- sqlite: SELECT COUNT(DISTINCT VendorID), COUNT(DISTINCT payment_type), COUNT(DISTINCT date(tpep_pickup_datetime)) FROM staging_taxi_trips;
-- expect:
-- 2	4	8
