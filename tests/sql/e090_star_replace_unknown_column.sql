-- A REPLACE of a column the star does not give (or that EXCEPT took out).
SELECT * EXCEPT (fare_amount) REPLACE (1 AS fare_amount) FROM taxi_data.staging_taxi_trips;
-- error: Column fare_amount in SELECT * REPLACE list does not exist at [2:40]
