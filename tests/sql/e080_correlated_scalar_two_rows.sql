-- A correlated scalar subquery that returns two rows for some outer row
-- fails as BigQuery does (sqlite3 would take the first row).
SELECT c.id, (SELECT t.fare_amount FROM taxi_data.staging_taxi_trips t WHERE t.vendorid = c.market_cap_rank) FROM crypto.coins c
-- error: Scalar subquery produced more than one element
