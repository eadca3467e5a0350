SELECT COUNT(*) FROM taxi_data.staging_taxi_trips WHERE vendorid = 'one'
-- error: No matching signature for operator = for argument types: INT64, STRING at [1:66]
