SELECT (SELECT MAX(market_cap) FROM crypto.coins)
-- error: Subqueries in expressions are not supported; use a subquery in FROM and a JOIN at [1:9]
