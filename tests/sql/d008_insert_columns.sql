-- A column list: the others are NULL.
INSERT INTO crypto.watchlist (id) SELECT 'manual';
-- nosqlite
-- expect:
