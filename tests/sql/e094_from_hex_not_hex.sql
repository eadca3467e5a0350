-- FROM_HEX of what is not hexadecimal.
SELECT FROM_HEX(store_and_fwd_flag) FROM taxi_data.staging_taxi_trips;
-- error: FROM_HEX: "N" is not hexadecimal
