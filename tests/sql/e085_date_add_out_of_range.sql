-- A date past 9999-12-31 is out of DATE's range.
SELECT DATE_ADD(DATE(tpep_pickup_datetime), INTERVAL 8000 YEAR) FROM taxi_data.staging_taxi_trips;
-- error: DATE_ADD: the result is out of range (0001-01-01 to 9999-12-31)
