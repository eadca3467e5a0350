-- Each table referenced bills at least 10 MiB: two scans of coins bill
-- 2 x 10485760 = 20971520.  Bytes: id is STRING; the a side also reads
-- market_cap_rank (INT64, 250 x 8 = 2000); ids total 2437 characters in
-- 250 rows, so each id scan is 250 x 2 + 2437 = 2937.
--   2937 + 2000 + 2937 = 7874
SELECT COUNT(*) FROM crypto.coins a JOIN crypto.coins b ON a.id = b.id
WHERE a.market_cap_rank <= 10;
-- bytes: processed=7874 billed=20971520
-- expect:
-- 10
