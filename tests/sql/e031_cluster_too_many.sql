CREATE TABLE taxi_data.bad_cluster CLUSTER BY vendorid, payment_type, ratecodeid, pulocationid, dolocationid AS SELECT * FROM taxi_data.staging_taxi_trips
-- error: Too many clustering columns: 5, expected at most 4
