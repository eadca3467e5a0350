SELECT name, DATE_DIFF(DATE(last_updated), DATE(ath_date), DAY) AS days FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- sqlite: SELECT name, CAST(julianday(date(last_updated)) - julianday(date(ath_date)) AS INTEGER) FROM coins ORDER BY market_cap_rank LIMIT 3
-- expect:
-- Bitcoin	20
-- Ethereum	1187
-- Tether	2392
