SELECT 'it\'s', "dq", 'a\tb' = 'a	b', LENGTH('\\');
-- sqlite: SELECT 'it''s', 'dq', 1, 1
-- expect:
-- it's	dq	1	1
