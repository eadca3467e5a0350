// DuckDB's side of bench/speed/run: the same jobs in one in-process
// database (2 threads), each timed inside the process.  Prints one JSON
// object of seconds.  argv: page.json, then the queries as JSON.
import { DuckDBInstance } from '@duckdb/node-api';

const [page, queriesJson] = process.argv.slice(2);
const queries = JSON.parse(queriesJson);
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await inst.connect();
const now = () => Number(process.hrtime.bigint()) / 1e9;
async function timed(sql) {
  const t0 = now();
  const r = await con.runAndReadAll(sql);
  return [now() - t0, r];
}

// The same columns as pipe's staging table: four typed, the rest text.
const cols = {
  vendorid: 'BIGINT', tpep_pickup_datetime: 'VARCHAR', tpep_dropoff_datetime: 'TIMESTAMP',
  passenger_count: 'VARCHAR', trip_distance: 'VARCHAR', ratecodeid: 'VARCHAR',
  store_and_fwd_flag: 'VARCHAR', pulocationid: 'VARCHAR', dolocationid: 'VARCHAR',
  payment_type: 'BIGINT', fare_amount: 'DOUBLE', extra: 'VARCHAR', mta_tax: 'VARCHAR',
  tip_amount: 'VARCHAR', tolls_amount: 'VARCHAR', improvement_surcharge: 'VARCHAR',
  total_amount: 'VARCHAR', congestion_surcharge: 'VARCHAR', airport_fee: 'VARCHAR',
};
const spec = '{' + Object.entries(cols).map(([k, v]) => `${k}: '${v}'`).join(', ') + '}';
const out = {};
[out.load] = await timed(`CREATE TABLE staging AS SELECT * FROM read_json('${page}', format = 'array', columns = ${spec})`);
const [, n] = await timed('SELECT COUNT(*) FROM staging');
out.rows = Number(n.getRows()[0][0]);
// The seed's partitioned and clustered table: DuckDB has no partitions; the
// nearest is the rows sorted by day and vendor.
[out.ctas] = await timed(`CREATE TABLE optimized AS SELECT * FROM staging
                          ORDER BY CAST(tpep_dropoff_datetime AS DATE), vendorid`);
for (const [name, sql] of Object.entries(queries)) {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const [t] = await timed(sql.replaceAll('{staging}', 'staging').replaceAll('{optimized}', 'optimized'));
    if (i) times.push(t); // the first is the warm-up
  }
  times.sort((a, b) => a - b);
  out[name] = times[Math.floor(times.length / 2)];
}
console.log(JSON.stringify(out));
