-- Empty matches, as RE2 finds them: none right after a match.
SELECT REGEXP_REPLACE('abc', 'b*', 'x'), REGEXP_REPLACE('abc', '', '-'), REGEXP_REPLACE('aaa', 'a', r'\0\0'),
       REGEXP_EXTRACT('a.b', r'[\.]'), REGEXP_EXTRACT('x-y z', r'[a-z\-]+'), REGEXP_EXTRACT('ab', r'(?:a)(b)'),
       REGEXP_CONTAINS('a\nb', 'a.b');
-- nosqlite
-- expect:
-- xaxcx	-a-b-c-	aaaaaa	.	x-y	b	0
