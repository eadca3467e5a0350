-- An element of ARRAY<type>[...] that does not coerce to type is an error
-- at the element.
SELECT ARRAY<STRING>['a', 1];
-- error: Array element type INT64 does not coerce to array element type STRING at [3:27]
