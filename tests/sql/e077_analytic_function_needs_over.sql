SELECT symbol, ROW_NUMBER() FROM crypto.coins
-- error: Function not found: row_number at [1:16]
