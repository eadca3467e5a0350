SELECT COUNT(*) FROM crypto.coins a RIGHT JOIN crypto.coins b ON a.id = b.id AND b.market_cap_rank < 5
-- error: RIGHT JOIN ON supports equalities between the two sides and conditions on the left side only at [1:78]
