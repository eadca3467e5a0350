SELECT NO_SUCH_FN(1)
-- error: Function not found: no_such_fn at [1:8]
