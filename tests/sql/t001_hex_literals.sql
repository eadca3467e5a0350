-- Hex integer literals (0x or 0X, then hex digits) are INT64.
SELECT 0x10, 0XfF, -0x1, 0x7FFFFFFFFFFFFFFF;
-- sqlite: SELECT 16, 255, -1, 9223372036854775807;
-- expect:
-- 16	255	-1	9223372036854775807
