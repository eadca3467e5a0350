SELECT FORMAT_DATE('%B %d, %Y', DATE '2019-01-05'), FORMAT_DATE('%a %j', DATE '2023-12-31');
-- sqlite: SELECT 'January 05, 2019', 'Sun 365'
-- expect:
-- January 05, 2019	Sun 365
