-- The taxi trips' plausibility checks (docs/checks.md): each query returns
-- the trips that fail it, and must return none.  {this} is the table being
-- checked, before it is published.

-- name: implausible_fares
-- A fare over $1,000 is a meter fault, not a ride.  Fares below zero are
-- refunds and voids, which the TLC's data keeps (the 2023 sample has three).
SELECT vendorid, tpep_pickup_datetime, fare_amount
FROM {this}
WHERE fare_amount > 1000

-- name: implausible_distances
-- Below zero, or further than a taxi drives in a day.
SELECT vendorid, tpep_pickup_datetime, trip_distance
FROM {this}
WHERE trip_distance < 0 OR trip_distance > 500

-- name: dropoff_before_pickup
SELECT vendorid, tpep_pickup_datetime, tpep_dropoff_datetime
FROM {this}
WHERE tpep_dropoff_datetime < tpep_pickup_datetime
