-- POSIX regex.h would read a+? as (a+)?: refused, not answered differently.
SELECT REGEXP_EXTRACT(name, r'a+?') FROM crypto.coins;
-- error: Cannot parse regular expression: a non-greedy quantifier in "a+?"
