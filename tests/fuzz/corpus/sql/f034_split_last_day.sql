-- SPLIT a pickup time at its separators (',' by default, '' into
-- characters, '' itself one empty piece); LAST_DAY of each pickup month.
SELECT SPLIT(FORMAT_TIMESTAMP('%F', tpep_pickup_datetime), '-')[OFFSET(1)] AS month,
       ARRAY_LENGTH(SPLIT('a,b,,c')), ARRAY_LENGTH(SPLIT('ab', '')), ARRAY_LENGTH(SPLIT('')),
       LAST_DAY(DATE(tpep_pickup_datetime)) AS last, COUNT(*)
FROM taxi_data.staging_taxi_trips GROUP BY month, last ORDER BY last;
-- sqlite: SELECT substr(tpep_pickup_datetime, 6, 2) AS month, 4, 2, 1, date(tpep_pickup_datetime, 'start of month', '+1 month', '-1 day') AS last, COUNT(*) FROM staging_taxi_trips GROUP BY month, last ORDER BY last
-- expect:
-- 11	4	2	1	2018-11-30	4
-- 12	4	2	1	2018-12-31	4
-- 01	4	2	1	2019-01-31	492
-- 12	4	2	1	2020-12-31	1
-- 01	4	2	1	2021-01-31	499
-- 12	4	2	1	2022-12-31	1
-- 01	4	2	1	2023-01-31	499
