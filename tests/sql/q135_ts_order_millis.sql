SELECT id, ath_date FROM crypto.coins ORDER BY ath_date DESC, id LIMIT 3;
-- expect:
-- test-3	2025-02-09 09:09:52.387
-- the-grays-currency	2025-02-08 23:53:43.006
-- ousg	2025-02-07 23:10:04.536
