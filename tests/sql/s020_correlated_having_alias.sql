-- HAVING sees the select list's aliases, and so does a subquery in it: the
-- alias distinct_2 inside the subquery is the group's COUNT(DISTINCT), a
-- parameter of the subquery ("Unrecognized name: distinct_2" before).
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_twice OPTIONS (block_rows = 200) AS SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips UNION ALL SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips
SELECT t.payment_type, COUNT(DISTINCT t.pulocationid) AS distinct_2
FROM taxi_data.trips_twice t
GROUP BY t.payment_type
HAVING (SELECT COUNT(*) FROM crypto.coins c WHERE c.market_cap_rank <= distinct_2 AND c.current_price > 1) > 20
ORDER BY 1;
-- sqlite: WITH trips_twice AS (SELECT * FROM staging_taxi_trips UNION ALL SELECT * FROM staging_taxi_trips) SELECT t.payment_type, COUNT(DISTINCT t.pulocationid) AS distinct_2 FROM trips_twice t GROUP BY t.payment_type HAVING (SELECT COUNT(*) FROM coins c WHERE c.market_cap_rank <= distinct_2 AND c.current_price > 1) > 20 ORDER BY 1;
-- expect:
-- 1	70
-- 2	70
