SELECT x.* FROM (SELECT id, symbol FROM crypto.coins WHERE market_cap_rank = 1) x JOIN crypto.coins y ON x.id = y.id;
-- expect:
-- bitcoin	btc
