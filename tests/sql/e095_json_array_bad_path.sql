SELECT JSON_QUERY_ARRAY('[1]', 'items');
-- error: JSONPath must start with '$': "items"
