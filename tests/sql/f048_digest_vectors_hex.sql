-- The test vectors of 'abc' and the empty string; SHA512 is 64 bytes;
-- FROM_HEX reads an odd count as led by a 0, and back with TO_HEX.
SELECT TO_HEX(MD5('abc')), TO_HEX(SHA1('abc')), TO_HEX(SHA256('')), LENGTH(SHA512('abc')),
       TO_HEX(FROM_HEX('0aF')), TO_HEX(SHA512(FROM_HEX('616263'))) = TO_HEX(SHA512('abc'));
-- nosqlite
-- expect:
-- 900150983cd24fb0d6963f7d28e17f72	a9993e364706816aba3e25717850c26c9cd0d89d	e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855	64	00af	1
