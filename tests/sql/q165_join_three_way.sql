SELECT a.id FROM crypto.coins a JOIN crypto.coins b ON a.id = b.id JOIN crypto.coins c ON b.symbol = c.symbol WHERE a.market_cap_rank <= 3 ORDER BY a.market_cap_rank;
-- expect:
-- bitcoin
-- ethereum
-- tether
-- tether
