SELECT symbol FROM crypto.coins WHERE market_cap_rank = (SELECT MIN(market_cap_rank) FROM crypto.coins WHERE symbol IN
(SELECT symbol FROM crypto.coins WHERE current_price < 1 AND symbol NOT IN (SELECT symbol FROM crypto.coins WHERE market_cap_rank <= 3)));
-- expect:
-- doge
