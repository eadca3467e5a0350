SELECT (SELECT market_cap FROM crypto.coins WHERE symbol = 'nope') IS NULL, (SELECT COUNT(*) FROM taxi_data.staging_taxi_trips) + 1,
ROUND((SELECT SUM(total_amount) FROM taxi_data.staging_taxi_trips) / (SELECT COUNT(*) FROM taxi_data.staging_taxi_trips), 6), (SELECT name FROM crypto.coins WHERE market_cap_rank = 1);
-- sqlite: SELECT (SELECT market_cap FROM coins WHERE symbol = 'nope') IS NULL, (SELECT COUNT(*) FROM staging_taxi_trips) + 1, ROUND((SELECT SUM(total_amount) FROM staging_taxi_trips) / (SELECT COUNT(*) FROM staging_taxi_trips), 6), (SELECT name FROM coins WHERE market_cap_rank = 1)
-- expect:
-- 1	1501	19.725573	Bitcoin
