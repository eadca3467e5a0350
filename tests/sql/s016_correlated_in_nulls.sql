-- [NOT] IN with a correlated subquery, three-valued: the coins' max_supply
-- against the max_supply of the coins within 3 ranks of theirs, other than
-- themselves.  A NULL among those values makes a miss NULL (so NOT IN is
-- NULL too), a NULL operand is NULL unless the set is empty, and an empty
-- set (no coin ranks above 250) is FALSE for IN and TRUE for NOT IN
-- whatever the operand.
SELECT ins, not_ins, COUNT(*) FROM (
  SELECT c.max_supply IN (SELECT d.max_supply FROM crypto.coins d WHERE d.market_cap_rank BETWEEN c.market_cap_rank - 3 AND c.market_cap_rank + 3 AND d.id <> c.id) AS ins,
         c.max_supply NOT IN (SELECT d.max_supply FROM crypto.coins d WHERE d.market_cap_rank > c.market_cap_rank AND d.market_cap_rank <= c.market_cap_rank + 2) AS not_ins
  FROM crypto.coins c)
GROUP BY 1, 2 ORDER BY 1, 2;
-- expect:
-- NULL	NULL	209
-- NULL	1	29
-- 0	1	1
-- 1	NULL	3
-- 1	0	4
-- 1	1	4
