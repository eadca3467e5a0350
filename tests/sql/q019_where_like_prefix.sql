SELECT name FROM crypto.coins WHERE name LIKE 'Bit%' ORDER BY name;
-- expect:
-- BitTorrent
-- Bitcoin
-- Bitcoin Cash
-- Bitcoin SV
-- Bitget Token
-- Bittensor
