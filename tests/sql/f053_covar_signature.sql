SELECT COVAR_POP(store_and_fwd_flag, tip_amount) FROM taxi_data.staging_taxi_trips;
-- error: No matching signature for aggregate function COVAR_POP for argument types: STRING, FLOAT64
