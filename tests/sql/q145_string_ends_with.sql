SELECT id FROM crypto.coins WHERE ENDS_WITH(id, 'coin') ORDER BY id LIMIT 5;
-- sqlite: SELECT id FROM coins WHERE id LIKE '%coin' ORDER BY id LIMIT 5
-- expect:
-- apecoin
-- binance-peg-dogecoin
-- binancecoin
-- bitcoin
-- dogecoin
