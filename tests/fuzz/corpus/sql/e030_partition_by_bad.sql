CREATE TABLE taxi_data.bad_part PARTITION BY LOWER(store_and_fwd_flag) AS SELECT * FROM taxi_data.staging_taxi_trips
-- error: PARTITION BY expression must be
