SELECT name FROM crypto.coins ORDER BY LENGTH(name) DESC, name LIMIT 3;
-- expect:
-- Polygon PoS Bridged WETH (Polygon POS)
-- Artificial Superintelligence Alliance
-- Arbitrum Bridged WBTC (Arbitrum One)
