-- EXISTS and NOT EXISTS with an equality on a column of the query around,
-- in WHERE (semi joins), and EXISTS over a set that is empty for some rows
-- (FALSE, and NOT EXISTS TRUE).  The fifth and sixth run per outer row:
-- an inequality, and an outer column in a join's ON.  The last, a semi
-- join too: the coins whose max_supply no coin has, the 117 of NULL
-- max_supply (NULL = NULL is not TRUE, so no row exists for them).  The coins whose rank is a vendor id of some trip:
-- ranks 1 and 2; vendor 2's trips with a coin of rank = pulocationid.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_twice OPTIONS (block_rows = 200) AS SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips UNION ALL SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips
SELECT (SELECT COUNT(*) FROM crypto.coins c WHERE EXISTS (SELECT 1 FROM taxi_data.trips_twice t WHERE t.vendorid = c.market_cap_rank)),
       (SELECT COUNT(*) FROM crypto.coins c WHERE NOT EXISTS (SELECT 1 FROM taxi_data.trips_twice t WHERE t.vendorid = c.market_cap_rank)),
       (SELECT COUNT(*) FROM taxi_data.trips_twice t WHERE t.vendorid = 2 AND EXISTS (SELECT * FROM crypto.coins c WHERE c.market_cap_rank = t.pulocationid)),
       (SELECT COUNT(*) FROM taxi_data.trips_twice t WHERE NOT EXISTS (SELECT * FROM crypto.coins c WHERE c.market_cap_rank = t.pulocationid AND c.current_price > 1000)),
       (SELECT COUNT(*) FROM crypto.coins c WHERE EXISTS (SELECT 1 FROM taxi_data.trips_twice t WHERE t.pulocationid > c.market_cap_rank + 200 AND t.vendorid = 1)),
       (SELECT COUNT(*) FROM crypto.coins c WHERE EXISTS (SELECT 1 FROM taxi_data.trips_twice t JOIN crypto.coins d ON d.market_cap_rank = c.market_cap_rank + 1 WHERE t.vendorid = c.market_cap_rank)),
       (SELECT COUNT(*) FROM crypto.coins c WHERE NOT EXISTS (SELECT 1 FROM crypto.coins d WHERE d.max_supply = c.max_supply));
-- sqlite: WITH trips_twice AS (SELECT * FROM staging_taxi_trips UNION ALL SELECT * FROM staging_taxi_trips) SELECT (SELECT COUNT(*) FROM coins c WHERE EXISTS (SELECT 1 FROM trips_twice t WHERE t.vendorid = c.market_cap_rank)), (SELECT COUNT(*) FROM coins c WHERE NOT EXISTS (SELECT 1 FROM trips_twice t WHERE t.vendorid = c.market_cap_rank)), (SELECT COUNT(*) FROM trips_twice t WHERE t.vendorid = 2 AND EXISTS (SELECT * FROM coins c WHERE c.market_cap_rank = t.pulocationid)), (SELECT COUNT(*) FROM trips_twice t WHERE NOT EXISTS (SELECT * FROM coins c WHERE c.market_cap_rank = t.pulocationid AND c.current_price > 1000)), (SELECT COUNT(*) FROM coins c WHERE EXISTS (SELECT 1 FROM trips_twice t WHERE t.pulocationid > c.market_cap_rank + 200 AND t.vendorid = 1)), (SELECT COUNT(*) FROM coins c WHERE EXISTS (SELECT 1 FROM trips_twice t JOIN coins d ON d.market_cap_rank = c.market_cap_rank + 1 WHERE t.vendorid = c.market_cap_rank)), (SELECT COUNT(*) FROM coins c WHERE NOT EXISTS (SELECT 1 FROM coins d WHERE d.max_supply = c.max_supply));
-- expect:
-- 2	248	1668	2438	63	2	117
