SELECT TIMESTAMP_TRUNC(last_updated, MINUTE) AS m, COUNT(*) FROM crypto.coins GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3;
-- sqlite: SELECT strftime('%Y-%m-%d %H:%M:00', last_updated) AS m, COUNT(*) FROM coins GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3
-- expect:
-- 2025-02-09 17:44:00	174
-- 2025-02-09 17:43:00	72
-- 2025-02-09 17:40:00	2
