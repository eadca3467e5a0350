DELETE FROM taxi.trips
  WHERE vendorid = 1
