SELECT CASE WHEN current_price >= 1000 THEN 'high' WHEN current_price >= 1 THEN 'mid' ELSE 'low' END AS bucket, COUNT(*) FROM crypto.coins GROUP BY bucket ORDER BY bucket;
-- expect:
-- high	40
-- low	114
-- mid	96
