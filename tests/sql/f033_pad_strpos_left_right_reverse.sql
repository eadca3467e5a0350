-- LPAD, RPAD, STRPOS, LEFT, RIGHT and REVERSE on the location ids: LEFT and
-- RIGHT are the join keywords, written as functions.
SELECT LPAD(CAST(pulocationid AS STRING), 5, '0') AS padded, RPAD(store_and_fwd_flag, 3, '.') AS r,
       STRPOS(tpep_pickup_datetime_s, ':') AS colon, LEFT(tpep_pickup_datetime_s, 4) AS y,
       RIGHT(tpep_pickup_datetime_s, 2) AS s, REVERSE(CAST(pulocationid AS STRING)) AS rev
FROM (SELECT *, FORMAT_TIMESTAMP('%F %T', tpep_pickup_datetime) AS tpep_pickup_datetime_s
      FROM taxi_data.staging_taxi_trips)
ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 4;
-- sqlite: SELECT substr('00000' || pulocationid, -5), store_and_fwd_flag || '..', instr(tpep_pickup_datetime, ':'), substr(tpep_pickup_datetime, 1, 4), substr(tpep_pickup_datetime, -2), (SELECT group_concat(c, '') FROM (SELECT substr(CAST(pulocationid AS TEXT), k, 1) AS c FROM (SELECT 3 AS k UNION ALL SELECT 2 UNION ALL SELECT 1))) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 4
-- expect:
-- 00193	N..	14	2018	25	391
-- 00193	N..	14	2018	57	391
-- 00193	N..	14	2018	49	391
-- 00193	N..	14	2018	37	391
