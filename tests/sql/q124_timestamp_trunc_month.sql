SELECT TIMESTAMP_TRUNC(ath_date, MONTH) AS m, COUNT(*) FROM crypto.coins GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3;
-- sqlite: SELECT strftime('%Y-%m-01 00:00:00', ath_date) AS m, COUNT(*) FROM coins GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3
-- expect:
-- 2024-12-01 00:00:00	38
-- 2025-01-01 00:00:00	37
-- 2021-11-01 00:00:00	20
