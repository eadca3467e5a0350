SELECT name FROM crypto.coins ORDER BY market_cap_rank LIMIT 5;
-- expect:
-- Bitcoin
-- Ethereum
-- Tether
-- XRP
-- Solana
