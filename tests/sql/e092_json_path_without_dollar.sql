-- A JSONPath starts with $.
SELECT JSON_VALUE(name, 'a.b') FROM crypto.coins;
-- error: JSONPath must start with '$': "a.b"
