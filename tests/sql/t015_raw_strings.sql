-- Raw strings keep their backslashes: r'\d' is two characters.
SELECT r'a\nb', LENGTH(r'\d'), 'a\nb' = r'a\nb', R"x\'y";
-- nosqlite
-- expect:
-- a\nb	2	0	x\'y
