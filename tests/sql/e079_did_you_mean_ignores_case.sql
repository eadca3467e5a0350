-- the suggestion ignores case, as name lookup does: MARKET_CAP_RNK is one edit from market_cap_rank
SELECT MARKET_CAP_RNK FROM crypto.coins
-- error: Unrecognized name: MARKET_CAP_RNK; Did you mean market_cap_rank? at [2:8]
