-- Each row of VALUES has one value per column written.
INSERT INTO crypto.pets (id, name) VALUES (6, 'Max'), (7);
-- error: Inserted row has wrong column count; Has 1, expected 2 at [2:55]
