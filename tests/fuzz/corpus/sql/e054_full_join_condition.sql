SELECT COUNT(*) FROM crypto.coins a FULL JOIN crypto.coins b ON a.id = b.id AND b.market_cap_rank < 5
-- error: FULL JOIN ON supports equalities between the two sides only at [1:77]
