SELECT vendorid, COUNT(*) FROM taxi_data.staging_taxi_trips GROUP BY 3
-- error: GROUP BY ordinal 3 is out of range at [1:70]
