-- Correlated subqueries in the select list and HAVING of a GROUP BY: the
-- column of the query around is a grouping key (BigQuery's rule), and
-- COUNT(DISTINCT) sits beside them in both.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_twice OPTIONS (block_rows = 200) AS SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips UNION ALL SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips
SELECT t.payment_type, COUNT(DISTINCT t.pulocationid),
       (SELECT COUNT(DISTINCT x.dolocationid) FROM taxi_data.trips_twice x WHERE x.payment_type = t.payment_type) AS dests
FROM taxi_data.trips_twice t
GROUP BY t.payment_type
HAVING COUNT(DISTINCT t.vendorid) > 1 AND COUNT(*) > (SELECT COUNT(*) FROM taxi_data.trips_twice y WHERE y.payment_type > t.payment_type) / 10
ORDER BY 1;
-- sqlite: WITH trips_twice AS (SELECT * FROM staging_taxi_trips UNION ALL SELECT * FROM staging_taxi_trips) SELECT t.payment_type, COUNT(DISTINCT t.pulocationid), (SELECT COUNT(DISTINCT x.dolocationid) FROM trips_twice x WHERE x.payment_type = t.payment_type) AS dests FROM trips_twice t GROUP BY t.payment_type HAVING COUNT(DISTINCT t.vendorid) > 1 AND COUNT(*) > (SELECT COUNT(*) FROM trips_twice y WHERE y.payment_type > t.payment_type) / 10 ORDER BY 1;
-- expect:
-- 1	70	114
-- 2	70	108
-- 4	10	11
