-- A hex literal past INT64 is an error, as a decimal one is.
SELECT 0x8000000000000000;
-- error: Invalid integer literal: 0x8000000000000000 at [2:8]
