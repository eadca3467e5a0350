SELECT a.symbol, b.name, id FROM crypto.coins a JOIN crypto.coins b USING (id) WHERE a.market_cap_rank <= 3 ORDER BY a.market_cap_rank;
-- expect:
-- btc	Bitcoin	bitcoin
-- eth	Ethereum	ethereum
-- usdt	Tether	tether
