SELECT symbol FROM crypto.coins ORDER BY price_change_percentage_24h NULLS LAST LIMIT 3;
-- sqlite: SELECT symbol FROM coins ORDER BY price_change_percentage_24h NULLS LAST LIMIT 3
-- expect:
-- bera
-- giga
-- spx
