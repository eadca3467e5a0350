SELECT name, max_supply FROM crypto.coins WHERE market_cap_rank <= 6 ORDER BY max_supply DESC NULLS FIRST, name;
-- expect:
-- Ethereum	NULL
-- Solana	NULL
-- Tether	NULL
-- XRP	100000000000.0
-- BNB	200000000.0
-- Bitcoin	21000000.0
