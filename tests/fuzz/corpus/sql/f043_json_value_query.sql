-- JSON_VALUE and JSON_QUERY of a document made per coin: a scalar's text,
-- a nested value, an array element, a value's JSON; NULL where the path
-- leads nowhere.
SELECT name,
       JSON_VALUE(CONCAT('{"coin":{"name":"', name, '","rank":', CAST(market_cap_rank AS STRING), ',"ath":[', CAST(ath AS STRING), ']}}'), '$.coin.rank') AS rank,
       JSON_VALUE(CONCAT('{"coin":{"name":"', name, '","rank":', CAST(market_cap_rank AS STRING), '}}'), '$.coin.name') AS n,
       JSON_QUERY(CONCAT('{"coin":{"rank":', CAST(market_cap_rank AS STRING), '}}'), '$.coin') AS q,
       JSON_VALUE(CONCAT('{"coin":{"rank":', CAST(market_cap_rank AS STRING), '}}'), '$.coin.price') AS missing
FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- sqlite: SELECT name, json_extract('{"coin":{"rank":' || market_cap_rank || '}}', '$.coin.rank'), json_extract('{"coin":{"name":"' || name || '"}}', '$.coin.name'), json('{"rank":' || market_cap_rank || '}'), NULL FROM coins ORDER BY market_cap_rank LIMIT 3
-- expect:
-- Bitcoin	1	Bitcoin	{"rank":1}	NULL
-- Ethereum	2	Ethereum	{"rank":2}	NULL
-- Tether	3	Tether	{"rank":3}	NULL
