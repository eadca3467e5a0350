-- REGEXP_REPLACE replaces every match; \1 names a group (checked with
-- Python's re.sub).
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT REGEXP_REPLACE(name, r'\s+', '_'), REGEXP_REPLACE(symbol, r'([a-z])([a-z]*)', r'\2\1'),
       REGEXP_REPLACE(id, r'[aeiou]', '')
FROM crypto.coins16 ORDER BY market_cap_rank LIMIT 6;
-- nosqlite
-- expect:
-- Bitcoin	tcb	btcn
-- Ethereum	the	thrm
-- Tether	sdtu	tthr
-- XRP	rpx	rppl
-- Solana	ols	sln
-- BNB	nbb	bnnccn
