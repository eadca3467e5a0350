-- Each table referenced bills at least 10 MiB: two scans of coins bill
-- 2 x 10485760 = 20971520.  Bytes: id is STRING; the a side also reads
-- market_cap_rank (INT64, 250 x 8 = 2000); ids total 2724 characters in
-- 250 rows, so each id scan is 250 x 2 + 2724 = 3224.
--   3224 + 2000 + 3224 = 8448
SELECT COUNT(*) FROM crypto.coins a JOIN crypto.coins b ON a.id = b.id
WHERE a.market_cap_rank <= 10;
-- bytes: processed=8448 billed=20971520
-- expect:
-- 10
