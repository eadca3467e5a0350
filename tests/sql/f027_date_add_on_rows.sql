-- DATE_ADD of a column, the count an expression: each trip's day ten days
-- on, grouped.
SELECT DATE_ADD(DATE(tpep_pickup_datetime), INTERVAL 5 + 5 DAY) AS d, COUNT(*)
FROM taxi_data.staging_taxi_trips GROUP BY d ORDER BY d;
-- sqlite: SELECT date(tpep_pickup_datetime, '+10 days') AS d, COUNT(*) FROM staging_taxi_trips GROUP BY d ORDER BY d
-- expect:
-- 2018-12-08	4
-- 2018-12-31	1
-- 2019-01-10	3
-- 2019-01-11	492
-- 2021-01-10	1
-- 2021-01-11	499
-- 2023-01-10	1
-- 2023-01-11	499
