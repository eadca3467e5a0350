SELECT symbol || '-' || id FROM crypto.coins WHERE market_cap_rank <= 3 ORDER BY market_cap_rank;
-- expect:
-- btc-bitcoin
-- eth-ethereum
-- usdt-tether
