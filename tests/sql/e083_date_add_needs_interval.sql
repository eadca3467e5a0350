-- DATE_ADD's second argument is an INTERVAL, as BigQuery's.
SELECT DATE_ADD(DATE(tpep_pickup_datetime), 3) FROM taxi_data.staging_taxi_trips;
-- error: Expected keyword INTERVAL (as in DATE_ADD(d, INTERVAL 1 DAY)) but got integer literal "3" at [2:45]
