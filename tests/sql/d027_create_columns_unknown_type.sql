-- An unknown type, and a parameterised one, are refused where written.
CREATE TABLE crypto.ranked2 (coin STRNG);
-- error: Type not found: STRNG at [2:35]
