/* Fuzz harness: the input as one SQL statement, through the lexer, the
 * parser, the binder and the planner (a dry run, which reads no column
 * data), and through the dependency walk the table kind, `pipe status` and
 * `pipe dag` use.  The statement runs against a small catalog made at the
 * first call from real sample rows (tests/sql/fixtures): the tables and
 * columns the tests/sql queries name, so that the seeds bind, one table
 * partitioned and clustered in blocks of two rows.  Whatever the input,
 * each step must return a result or an error, never crash, and in time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "json.h"
#include "util.h"
#include "warehouse/sql.h"

static const char *const setup[] = {
	("CREATE TABLE taxi_data.staging_taxi_trips OPTIONS (block_rows = 3) AS "
	"SELECT 1 AS vendorid, TIMESTAMP '2019-01-01 00:46:40' AS tpep_pickup_datetime, TIMESTAMP '2019-01-01 00:53:20' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(1.5 AS FLOAT64) AS trip_distance, 1 AS ratecodeid, 'N' AS store_and_fwd_flag, 151 AS pulocationid, 239 AS dolocationid, 1 AS payment_type, CAST(7.0 AS FLOAT64) AS fare_amount, CAST(0.5 AS FLOAT64) AS extra, CAST(0.5 AS FLOAT64) AS mta_tax, CAST(1.65 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(0.3 AS FLOAT64) AS improvement_surcharge, CAST(9.95 AS FLOAT64) AS total_amount, CAST(NULL AS FLOAT64) AS congestion_surcharge, CAST(NULL AS FLOAT64) AS airport_fee "
	"UNION ALL SELECT 2 AS vendorid, TIMESTAMP '2019-01-01 00:18:00' AS tpep_pickup_datetime, TIMESTAMP '2019-01-01 00:26:10' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(1.11 AS FLOAT64) AS trip_distance, 1 AS ratecodeid, 'N' AS store_and_fwd_flag, 13 AS pulocationid, 231 AS dolocationid, 1 AS payment_type, CAST(7.0 AS FLOAT64) AS fare_amount, CAST(0.5 AS FLOAT64) AS extra, CAST(0.5 AS FLOAT64) AS mta_tax, CAST(0.0 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(0.3 AS FLOAT64) AS improvement_surcharge, CAST(8.3 AS FLOAT64) AS total_amount, CAST(NULL AS FLOAT64) AS congestion_surcharge, CAST(NULL AS FLOAT64) AS airport_fee "
	"UNION ALL SELECT 2 AS vendorid, TIMESTAMP '2019-01-01 00:21:05' AS tpep_pickup_datetime, TIMESTAMP '2019-01-01 00:50:55' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(3.78 AS FLOAT64) AS trip_distance, 1 AS ratecodeid, 'N' AS store_and_fwd_flag, 238 AS pulocationid, 68 AS dolocationid, 1 AS payment_type, CAST(20.0 AS FLOAT64) AS fare_amount, CAST(0.5 AS FLOAT64) AS extra, CAST(0.5 AS FLOAT64) AS mta_tax, CAST(3.2 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(0.3 AS FLOAT64) AS improvement_surcharge, CAST(24.5 AS FLOAT64) AS total_amount, CAST(NULL AS FLOAT64) AS congestion_surcharge, CAST(NULL AS FLOAT64) AS airport_fee "
	"UNION ALL SELECT 1 AS vendorid, TIMESTAMP '2021-01-01 00:08:51' AS tpep_pickup_datetime, TIMESTAMP '2021-01-01 00:15:31' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(2.0 AS FLOAT64) AS trip_distance, 1 AS ratecodeid, 'N' AS store_and_fwd_flag, 137 AS pulocationid, 140 AS dolocationid, 2 AS payment_type, CAST(7.5 AS FLOAT64) AS fare_amount, CAST(2.5 AS FLOAT64) AS extra, CAST(0.5 AS FLOAT64) AS mta_tax, CAST(0.0 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(0.3 AS FLOAT64) AS improvement_surcharge, CAST(10.8 AS FLOAT64) AS total_amount, CAST(2.5 AS FLOAT64) AS congestion_surcharge, CAST(NULL AS FLOAT64) AS airport_fee "
	"UNION ALL SELECT 2 AS vendorid, TIMESTAMP '2021-01-01 00:09:50' AS tpep_pickup_datetime, TIMESTAMP '2021-01-01 00:26:24' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(4.18 AS FLOAT64) AS trip_distance, 5 AS ratecodeid, 'N' AS store_and_fwd_flag, 100 AS pulocationid, 13 AS dolocationid, 1 AS payment_type, CAST(25.0 AS FLOAT64) AS fare_amount, CAST(0.0 AS FLOAT64) AS extra, CAST(0.0 AS FLOAT64) AS mta_tax, CAST(0.0 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(0.3 AS FLOAT64) AS improvement_surcharge, CAST(27.8 AS FLOAT64) AS total_amount, CAST(2.5 AS FLOAT64) AS congestion_surcharge, CAST(NULL AS FLOAT64) AS airport_fee "
	"UNION ALL SELECT 2 AS vendorid, TIMESTAMP '2021-01-01 00:47:28' AS tpep_pickup_datetime, TIMESTAMP '2021-01-01 01:08:13' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(10.86 AS FLOAT64) AS trip_distance, 1 AS ratecodeid, 'N' AS store_and_fwd_flag, 162 AS pulocationid, 213 AS dolocationid, 2 AS payment_type, CAST(30.5 AS FLOAT64) AS fare_amount, CAST(0.5 AS FLOAT64) AS extra, CAST(0.5 AS FLOAT64) AS mta_tax, CAST(0.0 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(0.3 AS FLOAT64) AS improvement_surcharge, CAST(34.3 AS FLOAT64) AS total_amount, CAST(2.5 AS FLOAT64) AS congestion_surcharge, CAST(NULL AS FLOAT64) AS airport_fee "
	"UNION ALL SELECT 2 AS vendorid, TIMESTAMP '2022-12-31 23:51:30' AS tpep_pickup_datetime, TIMESTAMP '2022-12-31 23:56:06' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(0.86 AS FLOAT64) AS trip_distance, 1 AS ratecodeid, 'N' AS store_and_fwd_flag, 141 AS pulocationid, 140 AS dolocationid, 1 AS payment_type, CAST(6.5 AS FLOAT64) AS fare_amount, CAST(1.0 AS FLOAT64) AS extra, CAST(0.5 AS FLOAT64) AS mta_tax, CAST(2.0 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(1.0 AS FLOAT64) AS improvement_surcharge, CAST(13.5 AS FLOAT64) AS total_amount, CAST(2.5 AS FLOAT64) AS congestion_surcharge, CAST(0.0 AS FLOAT64) AS airport_fee "
	"UNION ALL SELECT 1 AS vendorid, TIMESTAMP '2023-01-01 00:31:39' AS tpep_pickup_datetime, TIMESTAMP '2023-01-01 00:50:39' AS tpep_dropoff_datetime, 1 AS passenger_count, CAST(5.0 AS FLOAT64) AS trip_distance, 1 AS ratecodeid, 'N' AS store_and_fwd_flag, 239 AS pulocationid, 107 AS dolocationid, 2 AS payment_type, CAST(23.3 AS FLOAT64) AS fare_amount, CAST(3.5 AS FLOAT64) AS extra, CAST(0.5 AS FLOAT64) AS mta_tax, CAST(0.0 AS FLOAT64) AS tip_amount, CAST(0.0 AS FLOAT64) AS tolls_amount, CAST(1.0 AS FLOAT64) AS improvement_surcharge, CAST(28.3 AS FLOAT64) AS total_amount, CAST(2.5 AS FLOAT64) AS congestion_surcharge, CAST(0.0 AS FLOAT64) AS airport_fee "),
	("CREATE TABLE crypto.coins AS "
	"SELECT 'bitcoin' AS id, 'btc' AS symbol, 'Bitcoin' AS name, CAST(96114.08481738689 AS FLOAT64) AS current_price, 1903746811536 AS market_cap, 1 AS market_cap_rank, 1903747771956 AS fully_diluted_valuation, CAST(20388876648.0 AS FLOAT64) AS total_volume, CAST(97317.0 AS FLOAT64) AS high_24h, CAST(95867.0 AS FLOAT64) AS low_24h, CAST(-144.95468809806334 AS FLOAT64) AS price_change_24h, CAST(-0.15059 AS FLOAT64) AS price_change_percentage_24h, CAST(-4257724864.859619 AS FLOAT64) AS market_cap_change_24h, CAST(-0.22315 AS FLOAT64) AS market_cap_change_percentage_24h, CAST(19822040.0 AS FLOAT64) AS circulating_supply, CAST(19822050.0 AS FLOAT64) AS total_supply, CAST(21000000.0 AS FLOAT64) AS max_supply, CAST(108786.0 AS FLOAT64) AS ath, CAST(-11.71842 AS FLOAT64) AS ath_change_percentage, TIMESTAMP '2025-01-20 09:11:54.494' AS ath_date, CAST(67.81 AS FLOAT64) AS atl, CAST(141529.55363 AS FLOAT64) AS atl_change_percentage, TIMESTAMP '2013-07-06 00:00:00' AS atl_date, TIMESTAMP '2025-02-09 17:44:04.143' AS last_updated "
	"UNION ALL SELECT 'crypto-com-chain' AS id, 'cro' AS symbol, 'Cronos' AS name, CAST(0.09350159879136452 AS FLOAT64) AS current_price, 2549799556 AS market_cap, 51 AS market_cap_rank, 2802932982 AS fully_diluted_valuation, CAST(17243450.0 AS FLOAT64) AS total_volume, CAST(0.097065 AS FLOAT64) AS high_24h, CAST(0.092594 AS FLOAT64) AS low_24h, CAST(0.00031466 AS FLOAT64) AS price_change_24h, CAST(0.33766 AS FLOAT64) AS price_change_percentage_24h, CAST(5485221.0 AS FLOAT64) AS market_cap_change_24h, CAST(0.21559 AS FLOAT64) AS market_cap_change_percentage_24h, CAST(27290694129.92273 AS FLOAT64) AS circulating_supply, CAST(30000000000.0 AS FLOAT64) AS total_supply, CAST(NULL AS FLOAT64) AS max_supply, CAST(0.965407 AS FLOAT64) AS ath, CAST(-90.32162 AS FLOAT64) AS ath_change_percentage, TIMESTAMP '2021-11-24 15:53:54.855' AS ath_date, CAST(0.0121196 AS FLOAT64) AS atl, CAST(670.94747 AS FLOAT64) AS atl_change_percentage, TIMESTAMP '2019-02-08 00:00:00' AS atl_date, TIMESTAMP '2025-02-09 17:44:03.644' AS last_updated "
	"UNION ALL SELECT 'bittorrent' AS id, 'btt' AS symbol, 'BitTorrent' AS name, CAST(8.653239801269765e-07 AS FLOAT64) AS current_price, 853587753 AS market_cap, 101 AS market_cap_rank, 856997440 AS fully_diluted_valuation, CAST(17667760.0 AS FLOAT64) AS total_volume, CAST(8.75831e-07 AS FLOAT64) AS high_24h, CAST(8.56741e-07 AS FLOAT64) AS low_24h, CAST(8.583e-09 AS FLOAT64) AS price_change_24h, CAST(1.00187 AS FLOAT64) AS price_change_percentage_24h, CAST(8634042.0 AS FLOAT64) AS market_cap_change_24h, CAST(1.02184 AS FLOAT64) AS market_cap_change_percentage_24h, CAST(986061142857000.0 AS FLOAT64) AS circulating_supply, CAST(990000000000000.0 AS FLOAT64) AS total_supply, CAST(990000000000000.0 AS FLOAT64) AS max_supply, CAST(3.43e-06 AS FLOAT64) AS ath, CAST(-74.77184 AS FLOAT64) AS ath_change_percentage, TIMESTAMP '2022-01-21 04:00:31.909' AS ath_date, CAST(3.65368e-07 AS FLOAT64) AS atl, CAST(136.92942 AS FLOAT64) AS atl_change_percentage, TIMESTAMP '2023-10-13 05:10:41.241' AS atl_date, TIMESTAMP '2025-02-09 17:44:02.340' AS last_updated "
	"UNION ALL SELECT 'pendle' AS id, 'pendle' AS symbol, 'Pendle' AS name, CAST(3.1867642896540826 AS FLOAT64) AS current_price, 524624405 AS market_cap, 151 AS market_cap_rank, 824037926 AS fully_diluted_valuation, CAST(88531115.0 AS FLOAT64) AS total_volume, CAST(3.3 AS FLOAT64) AS high_24h, CAST(3.03 AS FLOAT64) AS low_24h, CAST(0.147596 AS FLOAT64) AS price_change_24h, CAST(4.85645 AS FLOAT64) AS price_change_percentage_24h, CAST(23945794.0 AS FLOAT64) AS market_cap_change_24h, CAST(4.78267 AS FLOAT64) AS market_cap_change_percentage_24h, CAST(164539870.6064105 AS FLOAT64) AS circulating_supply, CAST(258446028.2446348 AS FLOAT64) AS total_supply, CAST(258446028.2446348 AS FLOAT64) AS max_supply, CAST(7.5 AS FLOAT64) AS ath, CAST(-57.51684 AS FLOAT64) AS ath_change_percentage, TIMESTAMP '2024-04-11 08:25:36.646' AS ath_date, CAST(0.03377729 AS FLOAT64) AS atl, CAST(9337.443 AS FLOAT64) AS atl_change_percentage, TIMESTAMP '2022-11-14 20:15:58.336' AS atl_date, TIMESTAMP '2025-02-09 17:44:01.490' AS last_updated "
	"UNION ALL SELECT 'stader-ethx' AS id, 'ethx' AS symbol, 'Stader ETHx' AS name, CAST(2778.026335158968 AS FLOAT64) AS current_price, 355223747 AS market_cap, 201 AS market_cap_rank, 355223747 AS fully_diluted_valuation, CAST(299548.0 AS FLOAT64) AS total_volume, CAST(2819.38 AS FLOAT64) AS high_24h, CAST(2757.7 AS FLOAT64) AS low_24h, CAST(15.33 AS FLOAT64) AS price_change_24h, CAST(0.55474 AS FLOAT64) AS price_change_percentage_24h, CAST(1116222.0 AS FLOAT64) AS market_cap_change_24h, CAST(0.31522 AS FLOAT64) AS market_cap_change_percentage_24h, CAST(127956.0805527406 AS FLOAT64) AS circulating_supply, CAST(127956.0805527406 AS FLOAT64) AS total_supply, CAST(NULL AS FLOAT64) AS max_supply, CAST(4275.3 AS FLOAT64) AS ath, CAST(-34.77746 AS FLOAT64) AS ath_change_percentage, TIMESTAMP '2024-12-16 18:57:35.904' AS ath_date, CAST(1537.24 AS FLOAT64) AS atl, CAST(81.39339 AS FLOAT64) AS atl_change_percentage, TIMESTAMP '2023-10-12 17:37:32.660' AS atl_date, TIMESTAMP '2025-02-09 17:44:04.977' AS last_updated "),
	("CREATE TABLE taxi_data.optimized_taxi_trips PARTITION BY DATE(tpep_dropoff_datetime) "
	"CLUSTER BY VendorID OPTIONS (block_rows = 2) AS SELECT * FROM taxi_data.staging_taxi_trips"),
};

static char *root;

static void make_catalog(void)
{
	sql_set_json_path(json_path); /* JSON_VALUE and its kin, as backend_local sets it */
	sql_set_json_array(json_path_array);
	sql_set_digest(digest_bytes);
	char *tmpl = xasprintf("%s/pipe-fuzz-sql-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpl))
		abort();
	root = tmpl;
	struct sql_options opt = {.root = root};
	for (size_t i = 0; i < sizeof setup / sizeof *setup; i++) {
		struct sql_result *r = NULL;
		if (sql_run(setup[i], &opt, &r) < 0)
			abort();
		sql_result_free(r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!root)
		make_catalog();
	char *sql = xmalloc(size + 1);
	memcpy(sql, data, size);
	sql[size] = 0;
	struct sql_options opt = {.root = root, .dry_run = true};
	struct sql_result *r = NULL;
	if (sql_run(sql, &opt, &r) == 0)
		sql_result_free(r);
	error_clear();
	char **reads = NULL, *writes = NULL;
	size_t nreads = 0;
	if (sql_referenced_tables(sql, &reads, &nreads, &writes) == 0) {
		for (size_t i = 0; i < nreads; i++)
			free(reads[i]);
		free(reads);
		free(writes);
	}
	error_clear();
	free(sql);
	return 0;
}
