SELECT COUNT(*) FROM crypto.coins a JOIN crypto.coins b ON a.id = b.id JOIN crypto.coins c USING (id)
-- error: Column id in USING clause is ambiguous on left side of join at [1:72]
