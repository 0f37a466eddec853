// `npm run bench:orders`: the money path under load on a throwaway stack. Checkout through the
// Edge Function, the same SQL through the `place_order` RPC (REST) and called directly, each with
// 10 concurrent customers placing new orders; then accept_order under contention: many
// concurrent accepts of each pending order from two sessions of its merchant. Prints tables and
// writes bench-results/orders.json. Settings: BENCH_CLIENTS, BENCH_REQUESTS (per client and
// path), BENCH_ACCEPT_ORDERS, BENCH_ACCEPT_RACERS.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { startThrowawayStack } from "../stack/lib/throwaway.js";
import type { StackStatus } from "../stack/lib/status.js";
import { Random } from "../seed/random.js";
import { markdownTable, measure, percentile, RESULTS_DIR, writeResults } from "./report.js";

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CLIENTS = setting("BENCH_CLIENTS", 10);
const REQUESTS = setting("BENCH_REQUESTS", 200);
const ACCEPT_ORDERS = setting("BENCH_ACCEPT_ORDERS", 100);
const ACCEPT_RACERS = setting("BENCH_ACCEPT_RACERS", 10);
const STORES = 10;
const PRODUCTS_PER_STORE = 40;
const PASSWORD = "bench-password-2026";
const ALWAYS_OPEN = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));

interface Store {
  id: string;
  lat: number;
  lng: number;
  products: string[];
}

interface Order {
  store_id: string;
  items: { product_id: string; quantity: number }[];
  delivery: { address: string; lat: number; lng: number };
  payment_method: "cod";
}

/** A password sign-in: one session, as one device holds it. */
async function session(status: StackStatus, email: string): Promise<{ id: string; token: string }> {
  const r = await fetch(`${status.API_URL}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: status.ANON_KEY, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!r.ok) throw new Error(`sign-in of ${email} answered ${r.status}: ${await r.text()}`);
  const body = (await r.json()) as { access_token: string; user: { id: string } };
  return { id: body.user.id, token: body.access_token };
}

async function signUp(status: StackStatus, email: string, role: string): Promise<{ id: string; token: string }> {
  const r = await fetch(`${status.API_URL}/auth/v1/signup`, {
    method: "POST",
    headers: { apikey: status.ANON_KEY, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, data: { role } }),
  });
  if (!r.ok) throw new Error(`sign-up of ${email} answered ${r.status}: ${await r.text()}`);
  return session(status, email);
}

/** Shops around Kothrud, always open, with stock that cannot run out during the run. */
async function createStores(sql: postgres.Sql, merchantId: string): Promise<Store[]> {
  const rng = new Random(7);
  const stores: Store[] = [];
  for (let s = 0; s < STORES; s++) {
    const lat = 18.5074 + (rng.next() - 0.5) * 0.02;
    const lng = 73.8077 + (rng.next() - 0.5) * 0.02;
    const [store] = await sql<{ id: string }[]>`
      insert into public.stores (owner_id, name, address, location, status, opening_hours, delivery_radius_m)
      values (${merchantId}, ${`Bench Kirana ${s + 1}`}, ${`Shop ${s + 1}, Kothrud, Pune`},
              extensions.st_setsrid(extensions.st_makepoint(${lng}, ${lat}), 4326)::extensions.geography,
              'approved', ${sql.json(ALWAYS_OPEN)}, 5000)
      returning id`;
    const products = await sql<{ id: string }[]>`
      insert into public.products ${sql(
        Array.from({ length: PRODUCTS_PER_STORE }, (_, p) => ({
          store_id: store!.id, sku: `BENCH-${p}`, name: `Bench product ${p}`, category: "Staples", unit: "1 kg",
          price_paise: 2000 + p * 150, stock: 1_000_000,
        })),
      )}
      returning id`;
    stores.push({ id: store!.id, lat, lng, products: products.map((p) => p.id) });
  }
  return stores;
}

/** One to four random lines from a random shop, delivered a few hundred metres away. */
function orders(stores: Store[], n: number, seedNumber: number): Order[] {
  const rng = new Random(seedNumber);
  return Array.from({ length: n }, () => {
    const store = rng.pick(stores);
    const picked = rng.sample(store.products, rng.int(1, 4));
    return {
      store_id: store.id,
      items: picked.map((product_id) => ({ product_id, quantity: rng.int(1, 3) })),
      delivery: { address: "Flat 4, Lane 7, Kothrud, Pune", lat: store.lat + (rng.next() - 0.5) * 0.01, lng: store.lng + (rng.next() - 0.5) * 0.01 },
      payment_method: "cod",
    };
  });
}

interface Row {
  path: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

const round = (x: number) => Math.round(x * 100) / 100;
const summary = (path: string, latencies: number[], seconds: number): Row => ({
  path,
  requests: latencies.length,
  p50: round(percentile(latencies, 0.5)),
  p95: round(percentile(latencies, 0.95)),
  p99: round(percentile(latencies, 0.99)),
  perSecond: Math.round(latencies.length / seconds),
});

async function main() {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  console.error(`Starting a throwaway stack (${os.cpus().length} CPUs)...`);
  const stack = await startThrowawayStack({ name: `bench-${process.pid}`, logFile: path.join(RESULTS_DIR, "orders-stack.log") });
  const { status } = stack;
  const sql = postgres(status.DB_URL, { max: CLIENTS, onnotice: () => {} });
  const rows: Row[] = [];
  let contention: Record<string, number>;
  try {
    const merchantEmail = `merchant-${randomUUID().slice(0, 8)}@bench.example`;
    const merchant = await signUp(status, merchantEmail, "merchant");
    const customers = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => signUp(status, `customer-${i}-${randomUUID().slice(0, 8)}@bench.example`, "customer")));
    const stores = await createStores(sql, merchant.id);

    // Each client is one customer placing orders one after another, each with a new key.
    const byClient = (run: (customer: { id: string; token: string }, o: Order) => Promise<void>) => {
      let turn = 0;
      return (o: Order) => run(customers[turn++ % CLIENTS]!, o);
    };
    const paths: [string, (o: Order) => Promise<void>][] = [
      ["private.checkout (direct SQL)", byClient(async (c, o) => {
        const [r] = await sql`select status from private.checkout(${c.id}, ${randomUUID()}, ${sql.json(o as never)})`;
        if (r!.status !== 201) throw new Error(`private.checkout answered ${r!.status}`);
      })],
      ["place_order (RPC over REST)", byClient(async (c, o) => {
        const r = await fetch(`${status.API_URL}/rest/v1/rpc/place_order`, {
          method: "POST",
          headers: { apikey: status.ANON_KEY, authorization: `Bearer ${c.token}`, "content-type": "application/json" },
          body: JSON.stringify({ idempotency_key: randomUUID(), ...o }),
        });
        if (r.status !== 200) throw new Error(`place_order answered ${r.status}: ${await r.text()}`);
        await r.arrayBuffer();
      })],
      ["checkout (Edge Function)", byClient(async (c, o) => {
        const r = await fetch(`${status.API_URL}/functions/v1/checkout`, {
          method: "POST",
          headers: { apikey: status.ANON_KEY, authorization: `Bearer ${c.token}`, "idempotency-key": randomUUID(), "content-type": "application/json" },
          body: JSON.stringify(o),
        });
        if (r.status !== 201) throw new Error(`checkout answered ${r.status}: ${await r.text()}`);
        await r.arrayBuffer();
      })],
    ];
    for (const [i, [name, run]] of paths.entries()) {
      const work = orders(stores, CLIENTS * REQUESTS, 100 + i);
      console.error(`  ${name}: ${work.length} orders, ${CLIENTS} clients...`);
      const { latencies, seconds } = await measure(CLIENTS, run, work);
      rows.push(summary(name, latencies, seconds));
    }

    // Accept under contention: every pending order is accepted by ACCEPT_RACERS calls at once,
    // alternating between two sessions (two devices of the same shop). Exactly one may win.
    console.error(`  accept_order: ${ACCEPT_ORDERS} orders, ${ACCEPT_RACERS} concurrent accepts each...`);
    // A second sign-in is a second device of the same shop.
    const tokens = [merchant.token, (await session(status, merchantEmail)).token];
    const pending = await Promise.all(
      orders(stores, ACCEPT_ORDERS, 999).map(async (o, i) => {
        const [r] = await sql<{ body: { id: string } }[]>`select body from private.checkout(${customers[i % CLIENTS]!.id}, ${randomUUID()}, ${sql.json(o as never)})`;
        return r!.body.id;
      }),
    );
    const calls: number[] = [];
    const decided: number[] = [];
    let wins = 0;
    let refusals = 0;
    const started = performance.now();
    for (const orderId of pending) {
      const t0 = performance.now();
      const answers = await Promise.all(
        Array.from({ length: ACCEPT_RACERS }, async (_, k) => {
          const t = performance.now();
          const r = await fetch(`${status.API_URL}/rest/v1/rpc/accept_order`, {
            method: "POST",
            headers: { apikey: status.ANON_KEY, authorization: `Bearer ${tokens[k % 2]}`, "content-type": "application/json" },
            body: JSON.stringify({ order_id: orderId }),
          });
          await r.arrayBuffer();
          calls.push(performance.now() - t);
          return r.status;
        }),
      );
      decided.push(performance.now() - t0);
      const won = answers.filter((s) => s === 200).length;
      if (won !== 1 || answers.some((s) => s !== 200 && s !== 409)) throw new Error(`order ${orderId}: accept answers ${answers.join(",")}`);
      wins += won;
      refusals += answers.length - won;
    }
    calls.sort((a, b) => a - b);
    decided.sort((a, b) => a - b);
    contention = {
      orders: pending.length, racersPerOrder: ACCEPT_RACERS, wins, refusals,
      callP50: round(percentile(calls, 0.5)), callP95: round(percentile(calls, 0.95)), callP99: round(percentile(calls, 0.99)),
      decidedP50: round(percentile(decided, 0.5)), decidedP99: round(percentile(decided, 0.99)),
      callsPerSecond: Math.round(calls.length / ((performance.now() - started) / 1000)),
    };
  } finally {
    await sql.end();
    await stack.stop();
  }

  const rpc = rows.find((r) => r.path.startsWith("place_order"))!;
  const table = [["path", "orders", "p50 ms", "p95 ms", "p99 ms", "orders/s", "p95 vs RPC"]];
  for (const r of rows) table.push([r.path, String(r.requests), r.p50.toFixed(2), r.p95.toFixed(2), r.p99.toFixed(2), String(r.perSecond), (r.p95 / rpc.p95).toFixed(2)]);
  console.log(markdownTable(table));
  const c = contention;
  console.log(`\n${markdownTable([
    ["accept_order under contention", "orders", "calls", "won", "refused (409)", "call p50 ms", "call p95 ms", "call p99 ms", "decided p50 ms", "decided p99 ms"],
    [`${c.racersPerOrder} concurrent accepts per order, 2 sessions`, String(c.orders), String(c.wins! + c.refusals!), String(c.wins), String(c.refusals),
      c.callP50!.toFixed(2), c.callP95!.toFixed(2), c.callP99!.toFixed(2), c.decidedP50!.toFixed(2), c.decidedP99!.toFixed(2)],
  ])}`);
  const checkout = rows.find((r) => r.path.startsWith("checkout"))!;
  console.log(`\nAim: checkout p95 ${checkout.p95} ms (aim < 50 ms); checkout p95 ${(checkout.p95 / rpc.p95).toFixed(2)}x the RPC's (aim <= 2).`);
  writeResults("orders", { settings: { clients: CLIENTS, requestsPerClient: REQUESTS, acceptOrders: ACCEPT_ORDERS, acceptRacers: ACCEPT_RACERS, stores: STORES, productsPerStore: PRODUCTS_PER_STORE }, results: rows, contention });
}

await main();
process.exit(0);
