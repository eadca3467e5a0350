SELECT vendorid, fare_amount FROM taxi_data.staging_taxi_trips GROUP BY vendorid
-- error: SELECT list expression references column fare_amount which is neither grouped nor aggregated at [1:18]
