-- name: fares_not_negative
-- a fare below zero is a refund booked as a trip
SELECT trip_id, fare_amount FROM {this} WHERE fare_amount < 0
