-- An analytic function needs its OVER clause; the message says so, as
-- BigQuery's does, not that the function is unknown.
SELECT symbol, ROW_NUMBER() FROM crypto.coins
-- error: Analytic function ROW_NUMBER cannot be called without an OVER clause at [3:16]
