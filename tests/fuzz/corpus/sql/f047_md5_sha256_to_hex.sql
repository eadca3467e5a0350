-- The surrogate key idiom (a digest of the key columns, in hex): MD5 and
-- SHA256 of the coins' names, checked against Python's hashlib.
SELECT name, TO_HEX(MD5(name)), TO_HEX(SHA256(CONCAT(symbol, '|', name)))
FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- nosqlite
-- expect:
-- Bitcoin	d023ec040f79f1a9b2ac960b43785089	cd408bd285469c189a52a4362ff93885742edfba272ebb2a6619ad71812e2911
-- Ethereum	94195b7b439ec3bda396c8df3d53e0c0	45f2f72c7a18f179a228ca1b8d18c76d833ea063126a328e58e6f3f61906512d
-- Tether	5abac079f94fadcbb46dc97d84726d6b	07a329b4898aa9c72a848d7575812b59c08ea99eaacdcf131fab357c6497c7bb
