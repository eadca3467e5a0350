-- An INTERVAL is DATE_ADD's (and its kin's) argument, nowhere else.
SELECT ABS(INTERVAL 1 DAY) FROM taxi_data.staging_taxi_trips;
-- error: INTERVAL is an argument of DATE_ADD, DATE_SUB, DATETIME_ADD, DATETIME_SUB, TIMESTAMP_ADD and TIMESTAMP_SUB only at [2:12]
