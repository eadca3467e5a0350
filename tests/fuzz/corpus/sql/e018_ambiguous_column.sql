SELECT id FROM crypto.coins a JOIN crypto.coins b ON a.id = b.id
-- error: Column name id is ambiguous at [1:8]
