SELECT COUNT(*) FROM crypto.coins WHERE fully_diluted_valuation IS NULL;
-- expect:
-- 0
