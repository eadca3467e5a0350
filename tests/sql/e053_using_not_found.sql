SELECT COUNT(*) FROM crypto.coins a JOIN taxi_data.staging_taxi_trips b USING (vendorid)
-- error: Column vendorid in USING clause not found on left side of join at [1:37]
