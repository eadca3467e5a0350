-- The ON inside the parentheses does not see the join around it.
SELECT * FROM crypto.coins a JOIN (crypto.coins b JOIN crypto.coins c ON a.id = c.id) ON a.id = b.id;
-- error: Unrecognized name: a at [2:76]
