SELECT symbol, price_change_percentage_24h FROM crypto.coins WHERE price_change_percentage_24h IS NOT NULL ORDER BY price_change_percentage_24h DESC LIMIT 5;
-- expect:
-- tst	128.95738
-- new	32.72204
-- meow	14.82455
-- vrsc	6.43922
-- cake	6.25873
