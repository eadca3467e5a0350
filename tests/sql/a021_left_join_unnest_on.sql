-- LEFT JOIN UNNEST takes ON TRUE or no ON; another condition is refused.
SELECT 1 FROM crypto.coins c LEFT JOIN UNNEST([c.id]) AS x ON x = 'bitcoin';
-- error: LEFT JOIN UNNEST supports ON TRUE only, or no ON
