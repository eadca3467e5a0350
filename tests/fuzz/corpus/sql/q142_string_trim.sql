SELECT TRIM('  a b  '), LTRIM('xxhixx', 'x'), RTRIM('xxhixx', 'x'), TRIM('--a--', '-');
-- sqlite: SELECT trim('  a b  '), ltrim('xxhixx', 'x'), rtrim('xxhixx', 'x'), trim('--a--', '-')
-- expect:
-- a b	hixx	xxhi	a
