-- REGEXP_EXTRACT: the capturing group's match, the whole match without
-- one, NULL without a match (checked with Python's re, which is RE2's
-- leftmost-first for these patterns).
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT id, REGEXP_EXTRACT(id, r'^([a-z]+)-'), REGEXP_EXTRACT(name, r'[0-9]+|[A-Z]{2,}')
FROM crypto.coins16 WHERE REGEXP_CONTAINS(id, '-') ORDER BY market_cap_rank LIMIT 8;
-- nosqlite
-- expect:
-- usd-coin	usd	USDC
-- staked-ether	staked	NULL
-- wrapped-bitcoin	wrapped	NULL
-- wrapped-steth	wrapped	ETH
-- avalanche-2	avalanche	NULL
-- the-open-network	the	NULL
-- shiba-inu	shiba	NULL
-- leo-token	leo	LEO
