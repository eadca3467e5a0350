-- ORDER BY ... LIMIT keeps only the rows that can still be first, and
-- gives back the rest: a top 3 over 60,000 rows fits a budget the whole
-- sort would not (it needs some 780 KB).
-- memory: 300000
SELECT a.fare_amount FROM taxi_data.staging_taxi_trips a CROSS JOIN (SELECT 1 FROM crypto.coins LIMIT 40) b
ORDER BY 1 DESC LIMIT 3;
-- expect:
-- 86.5
-- 86.5
-- 86.5
