SELECT symbol FROM crypto.coins WHERE market_cap_rank <= 10 ORDER BY ROW_NUMBER() OVER (ORDER BY current_price DESC) LIMIT 5;
-- expect:
-- btc
-- eth
-- steth
-- bnb
-- sol
