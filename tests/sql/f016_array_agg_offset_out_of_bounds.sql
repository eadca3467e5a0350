SELECT ARRAY_AGG(id)[OFFSET(250)] FROM crypto.coins;
-- error: Array index 250 is out of bounds
