-- LN, LOG10, LOG with a base, EXP, SIGN and TRUNC on the fares.
SELECT fare_amount, LN(fare_amount), LOG10(fare_amount), LOG(fare_amount, 2), EXP(fare_amount / 100),
       SIGN(fare_amount - 10), TRUNC(fare_amount / 3), TRUNC(fare_amount / 3, 1)
FROM taxi_data.staging_taxi_trips WHERE fare_amount > 0 ORDER BY fare_amount DESC, tpep_pickup_datetime LIMIT 4;
-- sqlite: SELECT fare_amount, ln(fare_amount), log10(fare_amount), log(2, fare_amount), exp(fare_amount / 100.0), sign(fare_amount - 10), trunc(fare_amount / 3.0), trunc(fare_amount / 3.0 * 10) / 10 FROM staging_taxi_trips WHERE fare_amount > 0 ORDER BY fare_amount DESC, tpep_pickup_datetime LIMIT 4
-- expect:
-- 86.5	4.46014441393783	1.93701610746481	6.43462822763673	2.37500608597711	1	28.0	28.8
-- 82.8	4.41642806139121	1.91803033678488	6.37155886261196	2.28873668636491	1	27.0	27.6
-- 82.5	4.41279829334063	1.91645394854992	6.36632221424582	2.2818807653293	1	27.0	27.5
-- 72.3	4.28082412916472	1.85913829729453	6.17592374206376	2.06060576447715	1	24.0	24.0
