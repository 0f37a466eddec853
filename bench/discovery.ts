// `npm run bench:discovery`: nearby_stores and search_products at 10,000 and 100,000 shops, over
// REST (the gateway, as the app calls it) and over a direct Postgres connection in the same run,
// each with 10 concurrent clients. Prints a table, the query plans, and writes
// bench-results/discovery.json. Settings: BENCH_SIZES (e.g. "10000,100000"), BENCH_REQUESTS
// (per client and case), BENCH_CLIENTS.
//
// The machine may be shared: besides latencies, each case reports the load average while it ran
// and the CPU time Postgres' backends (and, over REST, the stack's process) spent per call, read
// from /proc, which other work on the machine changes little. Which shops are open depends on the
// hour in Pune (at night nearly all are closed), so the hour and the share open are printed too.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startThrowawayStack, type ThrowawayStack } from "../stack/lib/throwaway.js";
import { LOCALITIES } from "../seed/pune.js";
import { markdownTable, percentile, RESULTS_DIR, runConcurrently, warmUp, writeResults } from "./report.js";
import { Random } from "../seed/random.js";
import { seed } from "../seed/seed.js";

const list = (name: string, fallback: number[]) => (process.env[name] ? process.env[name]!.split(",").map(Number) : fallback);
const SIZES = list("BENCH_SIZES", [10_000, 100_000]);
const CLIENTS = list("BENCH_CLIENTS", [10])[0]!;
const REQUESTS = list("BENCH_REQUESTS", [300])[0]!;
const QUERIES = ["tomato", "tometo", "aloo", "atta", "dahi", "milk", "amul butter", "paneer", "maggi", "bread", "pyaz", "rice"];

interface Call {
  rpc: "nearby_stores" | "search_products";
  args: Record<string, unknown>;
}

/** Customers where people live: around the neighbourhoods, as many as the shops there. */
function calls(rpc: Call["rpc"], n: number): Call[] {
  const rng = new Random(42);
  const weights = LOCALITIES.map((l) => [l, l.weight] as const);
  return Array.from({ length: n }, () => {
    const l = rng.weighted(weights);
    const at = { lat: l.lat + (rng.normal() * l.spreadM) / 111_320, lng: l.lng + (rng.normal() * l.spreadM) / 105_600 };
    return { rpc, args: rpc === "nearby_stores" ? at : { query: rng.pick(QUERIES), ...at } };
  });
}

interface Result {
  stores: number;
  rpc: string;
  via: "REST" | "SQL";
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  /** CPU ms per call of Postgres' backends, and of the stack's process (REST only). */
  postgresCpu: number;
  stackCpu: number | null;
  /** The 1-minute load average when the case started and ended. */
  load: [number, number];
}

/** CPU time in ms the processes have had so far (/proc/<pid>/schedstat, Linux). */
function cpuMs(pids: readonly number[]): number {
  let ns = 0;
  for (const pid of pids) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a backend that has ended since
    }
  }
  return ns / 1e6;
}

/** The hour in Pune and the share of approved shops open then: how far the walk to open shops goes. */
interface Moment {
  at: string;
  openPercent: number;
}

async function bench(stack: ThrowawayStack, stores: number, results: Result[], plans: Record<string, string>, moments: Record<number, Moment>) {
  const { status } = stack;
  const admin = postgres(status.DB_URL, { max: 1, onnotice: () => {} });
  const backends = async () =>
    (await admin<{ pid: number }[]>`select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`).map((r) => r.pid);
  // The direct path runs the same function as the same role REST uses for a visitor.
  const direct = postgres(status.DB_URL, { max: CLIENTS, onnotice: () => {}, connection: { role: "anon" } as Record<string, string> });
  // Node's own HTTP client with keep-alive, as lean on its side as postgres.js is on the other:
  // the client shares the two cores with the server, and fetch() spends several times the CPU
  // per request (about 0.4 ms against 0.1 here), which would be measured as REST's cost.
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const rest = (c: Call) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(c.args);
      const req = http.request(`${status.API_URL}/rest/v1/rpc/${c.rpc}`, {
        method: "POST",
        agent,
        headers: { apikey: status.ANON_KEY, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${c.rpc} answered ${res.statusCode}: ${Buffer.concat(chunks)}`))));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  const sql = async (c: Call) => {
    const a = c.args as { lat: number; lng: number; query?: string };
    if (c.rpc === "nearby_stores") await direct`select * from public.nearby_stores(${a.lat}, ${a.lng})`;
    else await direct`select * from public.search_products(${a.query!}, ${a.lat}, ${a.lng})`;
  };
  try {
    const [moment] = await admin<Moment[]>`
      select to_char(now() at time zone 'Asia/Kolkata', 'Dy HH24:MI') as at,
             round(100.0 * count(*) filter (where public.is_open(s)) / greatest(count(*), 1), 1)::float8 as "openPercent"
      from public.stores s where s.status = 'approved'`;
    moments[stores] = moment!;
    for (const rpc of ["nearby_stores", "search_products"] as const) {
      const work = calls(rpc, CLIENTS * REQUESTS);
      for (const [via, run] of [["SQL", sql], ["REST", rest]] as const) {
        console.error(`  ${rpc} over ${via}: ${work.length} calls, ${CLIENTS} clients...`);
        await warmUp(CLIENTS, run, work);
        const pids = await backends();
        const load = os.loadavg()[0]!;
        const [pg0, stack0] = [cpuMs(pids), cpuMs([status.pid])];
        const { latencies, seconds } = await runConcurrently(CLIENTS, run, work);
        const [pg1, stack1] = [cpuMs(pids), cpuMs([status.pid])];
        const round = (x: number) => Math.round(x * 100) / 100;
        results.push({
          stores, rpc, via, requests: latencies.length,
          p50: round(percentile(latencies, 0.5)), p95: round(percentile(latencies, 0.95)), p99: round(percentile(latencies, 0.99)),
          perSecond: Math.round(latencies.length / seconds),
          postgresCpu: round((pg1 - pg0) / latencies.length),
          stackCpu: via === "REST" ? round((stack1 - stack0) / latencies.length) : null,
          load: [round(load), round(os.loadavg()[0]!)],
        });
      }
    }
    plans[`nearby_stores at ${stores}`] = await plan(status.DB_URL, "select * from public.nearby_stores(18.5074, 73.8077)");
    plans[`search_products at ${stores}`] = await plan(status.DB_URL, "select * from public.search_products('tometo', 18.5074, 73.8077)");
  } finally {
    agent.destroy();
    await direct.end();
    await admin.end();
  }
}

/** The plans of the statements inside the function, as auto_explain logs them when it runs. */
async function plan(dbUrl: string, statement: string): Promise<string> {
  const logged: string[] = [];
  const sql = postgres(dbUrl, { max: 1, onnotice: (n) => logged.push(String(n.message)) });
  try {
    await sql.begin(async (tx) => {
      await tx`load 'auto_explain'`;
      for (const setting of ["log_min_duration = 0", "log_nested_statements = on", "log_analyze = on", "log_timing = off"]) await tx.unsafe(`set local auto_explain.${setting}`);
      await tx`set local client_min_messages = log`;
      await tx`set local role anon`;
      await tx.unsafe(statement);
    });
  } finally {
    await sql.end();
  }
  return logged
    .filter((m) => /Scan|Sort|Limit/.test(m) && /\bon (stores|products)\b/.test(m))
    .map((m) => m.slice(m.search(/\n[A-Z]/) + 1))
    .join("\n---\n");
}

function table(results: Result[]): string {
  const rows = [["shops", "rpc", "via", "requests", "p50 ms", "p95 ms", "p99 ms", "req/s", "REST/SQL", "Postgres CPU ms", "stack CPU ms", "load"]];
  for (const r of results) {
    const sqlRow = results.find((o) => o.stores === r.stores && o.rpc === r.rpc && o.via === "SQL")!;
    rows.push([
      r.stores.toLocaleString("en"), r.rpc, r.via, String(r.requests), r.p50.toFixed(2), r.p95.toFixed(2), r.p99.toFixed(2), String(r.perSecond),
      r.via === "REST" ? (r.perSecond / sqlRow.perSecond).toFixed(2) : "", r.postgresCpu.toFixed(2), r.stackCpu?.toFixed(2) ?? "", `${r.load[0].toFixed(1)}–${r.load[1].toFixed(1)}`,
    ]);
  }
  return markdownTable(rows, 3);
}

async function main() {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  console.error(`Starting a throwaway stack (${os.cpus().length} CPUs)...`);
  const stack = await startThrowawayStack({ name: `bench-${process.pid}`, logFile: path.join(RESULTS_DIR, "discovery-stack.log") });
  const results: Result[] = [];
  const plans: Record<string, string> = {};
  const moments: Record<number, Moment> = {};
  const loads: Record<number, number> = {};
  try {
    for (const stores of SIZES) {
      console.error(`Seeding ${stores.toLocaleString("en")} shops...`);
      const target = { apiUrl: stack.status.API_URL, anonKey: stack.status.ANON_KEY, dbUrl: stack.status.DB_URL };
      const loaded = await seed(target, { stores, seed: 1 });
      loads[stores] = loaded.seconds;
      console.error(`  ${loaded.stores} shops, ${loaded.products} products in ${loaded.seconds.toFixed(1)} s`);
      await bench(stack, stores, results, plans, moments);
    }
  } finally {
    await stack.stop();
  }
  console.log(table(results));
  console.log("\nPostgres CPU ms and stack CPU ms: CPU time per call of Postgres' backends and of the stack's process; load: the 1-minute load average at the start and end of the case.");
  for (const [stores, m] of Object.entries(moments)) console.log(`At ${Number(stores).toLocaleString("en")} shops: ${m.at} in Pune, ${m.openPercent} % of approved shops open.`);
  for (const [name, text] of Object.entries(plans)) console.log(`\n${name}:\n${text}`);
  const at = (rpc: string, via: Result["via"]) => results.find((r) => r.rpc === rpc && r.via === via && r.stores === Math.max(...SIZES));
  const nearby = at("nearby_stores", "REST");
  if (nearby) {
    const sqlRow = at("nearby_stores", "SQL")!;
    console.log(`\nAim: nearby_stores over REST at ${nearby.stores.toLocaleString("en")} shops, p95 ${nearby.p95} ms (aim < 10 ms), p99 ${nearby.p99} ms; REST/SQL throughput ${(nearby.perSecond / sqlRow.perSecond).toFixed(2)} (aim >= 0.6).`);
  }
  const search = at("search_products", "REST");
  if (search) {
    const sqlRow = at("search_products", "SQL")!;
    console.log(
      `Aim: search_products over REST at ${search.stores.toLocaleString("en")} shops, p50 ${search.p50} ms, p95 ${search.p95} ms (aim < 20 ms), p99 ${search.p99} ms; ` +
        `over SQL p50 ${sqlRow.p50} ms, p95 ${sqlRow.p95} ms, p99 ${sqlRow.p99} ms: REST/SQL p95 ${(search.p95 / sqlRow.p95).toFixed(2)} (aim <= 1.2). ` +
        `Postgres CPU per call ${search.postgresCpu} ms over REST, ${sqlRow.postgresCpu} ms over SQL; load average ${search.load.join("–")}.`,
    );
  }
  writeResults("discovery", { settings: { sizes: SIZES, clients: CLIENTS, requestsPerClient: REQUESTS }, seedSeconds: loads, moments, results, plans });
}

await main();
process.exit(0);
