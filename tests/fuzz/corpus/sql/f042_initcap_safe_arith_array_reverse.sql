-- INITCAP with BigQuery's delimiters and with one of its own; SAFE_ADD,
-- SAFE_SUBTRACT, SAFE_MULTIPLY and SAFE_NEGATE give NULL where + - * would
-- overflow; ARRAY_REVERSE.
SELECT INITCAP('hello wORLD-foo_bar'), INITCAP('ab cd', 'b'),
       SAFE_ADD(9223372036854775807, 1), SAFE_ADD(1, 2), SAFE_SUBTRACT(5, 7),
       SAFE_MULTIPLY(4611686018427387904, 2), SAFE_NEGATE(-9223372036854775808), SAFE_NEGATE(3),
       SAFE_MULTIPLY(1e308, 10.0), ARRAY_TO_STRING(ARRAY_REVERSE(['a', 'b', 'c']), '');
-- nosqlite
-- expect:
-- Hello World-Foo_Bar	Ab cd	NULL	3	-2	NULL	NULL	-3	NULL	cba
