// `npm run bench:push`: how long a notification takes from its COMMIT to the push request
// leaving for the push service, at 100 orders a minute, on a throwaway stack. Each order's
// notification is a row in public.notifications for the store's merchant (two devices each),
// written in its own transaction as the order's trigger writes it; the path is the Database
// Webhook (the stack's pg_net stand-in) → the gateway → the push function (claim, aes128gcm,
// VAPID) → TLS to the push service stand-in in this process, whose arrival time ends the
// measurement. Baseline in the same run: the webhook alone, the same trigger function posting to
// a plain HTTP receiver.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { startThrowawayStack } from "../stack/lib/throwaway.js";
import { makeTestCertificates, startPushService } from "../tests/support/push-service.js";
import { markdownTable, percentile, RESULTS_DIR, writeResults } from "./report.js";

const ORDERS = Number(process.env.BENCH_PUSH_ORDERS ?? 100);
const PER_MINUTE = Number(process.env.BENCH_PUSH_PER_MINUTE ?? 100);
const MERCHANTS = 20;
const DEVICES = 2;
/** Unmeasured first orders: connections, TLS sessions and the function's first run. */
const WARMUP = 5;

interface Row {
  scenario: string;
  orders: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Fires `write` (WARMUP +) ORDERS times at PER_MINUTE, each returning when its COMMIT was acknowledged; waits for what `arrived` of each. */
async function atOrderRate(write: (i: number) => Promise<number>, arrived: (i: number) => Promise<number[]>): Promise<number[]> {
  const gap = 60_000 / PER_MINUTE;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < WARMUP + ORDERS; i++) {
    const wait = start + i * gap - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const committed = await write(i);
    const measured = i >= WARMUP;
    pending.push(arrived(i).then((times) => void (measured && latencies.push(...times.map((t) => t - committed)))));
  }
  await Promise.all(pending);
  return latencies.sort((a, b) => a - b);
}

const row = (scenario: string, latencies: number[], requests: number): Row => ({
  scenario,
  orders: ORDERS,
  requests,
  p50: percentile(latencies, 0.5),
  p95: percentile(latencies, 0.95),
  p99: percentile(latencies, 0.99),
  max: latencies[latencies.length - 1] ?? NaN,
});

async function main() {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "kirana-bench-push-"));
  const certs = makeTestCertificates(certDir);
  console.error(`Starting a throwaway stack (${os.cpus().length} CPUs)...`);
  const stack = await startThrowawayStack({ name: `bench-${process.pid}`, logFile: path.join(RESULTS_DIR, "push-stack.log"), env: { NODE_EXTRA_CA_CERTS: certs.ca } });
  const { status } = stack;
  const sql = postgres(status.DB_URL, { max: 4, onnotice: () => {} });
  const push = await startPushService(certs);
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const id = JSON.parse(body).record.id as number;
      const at = Date.now();
      // The request may arrive before the writer has asked for it.
      const waiting = arrivals.get(id);
      if (waiting) waiting(at);
      else arrived.set(id, at);
      res.writeHead(200).end();
    });
  });
  const arrivals = new Map<number, (t: number) => void>();
  const arrived = new Map<number, number>();
  const rows: Row[] = [];
  try {
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));

    // Merchants with their devices, saved as the app saves them.
    const merchants: string[] = [];
    for (let m = 0; m < MERCHANTS; m++) {
      const signedUp = await fetch(`${status.API_URL}/auth/v1/signup`, {
        method: "POST",
        headers: { apikey: status.ANON_KEY, "content-type": "application/json" },
        body: JSON.stringify({ email: `merchant-${m}-${randomUUID().slice(0, 8)}@bench.example`, password: "bench-password-2026", data: { role: "merchant" } }),
      });
      if (!signedUp.ok) throw new Error(`sign-up answered ${signedUp.status}: ${await signedUp.text()}`);
      const { id } = ((await signedUp.json()) as { user: { id: string } }).user;
      for (let d = 0; d < DEVICES; d++) {
        const device = push.subscribe(status.VAPID_PUBLIC_KEY);
        await sql`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth, device_label) values (${id}, ${device.endpoint}, ${device.keys.p256dh}, ${device.keys.auth}, ${`Phone ${d + 1}`})`;
      }
      merchants.push(id);
    }

    // Baseline: the Database Webhook alone, to a plain receiver.
    const table = `bench_webhook_${process.pid}`;
    await sql.unsafe(`create table public.${table} (id int primary key)`);
    await sql.unsafe(`create trigger ${table}_hook after insert on public.${table} for each row
      execute function supabase_functions.http_request('http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook', 'POST', '{"Content-Type":"application/json"}', '{}', '5000')`);
    console.error(`Baseline: ${ORDERS} webhook calls at ${PER_MINUTE} a minute...`);
    const hook = await atOrderRate(
      async (i) => {
        await sql.unsafe(`insert into public.${table} values (${i})`);
        return Date.now();
      },
      (i) => new Promise((resolve) => (arrived.has(i) ? resolve([arrived.get(i)!]) : arrivals.set(i, (t) => resolve([t])))),
    );
    rows.push(row("webhook only: COMMIT → HTTP request received", hook, hook.length));
    await sql.unsafe(`drop table public.${table}`);

    console.error(`Push: ${ORDERS} new-order notifications at ${PER_MINUTE} a minute, ${DEVICES} devices each...`);
    const ids: string[] = [];
    const pushed = await atOrderRate(
      async (i) => {
        const orderId = randomUUID();
        const [{ id }] = (await sql`
          insert into public.notifications (user_id, kind, title, body, data)
          values (${merchants[i % MERCHANTS]!}, 'new_order', 'New order', '3 items, ₹412 to collect.', ${sql.json({ order_id: orderId, link: `/merchant/orders/${orderId}` })})
          returning id`) as unknown as [{ id: string }];
        ids[i] = id;
        return Date.now();
      },
      async (i) => (await push.waitFor((r) => r.message?.id === ids[i], DEVICES, 30_000)).map((r) => r.receivedAt),
    );
    rows.push(row(`push: COMMIT → push request at the push service (${DEVICES} devices)`, pushed, pushed.length));
    if (push.problems.length > 0) throw new Error(`the push service refused requests: ${push.problems.join("; ")}`);
  } finally {
    await push.stop();
    await new Promise<void>((r) => receiver.close(() => r()));
    await sql.end();
    await stack.stop();
    fs.rmSync(certDir, { recursive: true, force: true });
  }

  const ms = (n: number) => n.toFixed(1);
  console.log(
    markdownTable([
      ["scenario", "orders", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      ...rows.map((r) => [r.scenario, String(r.orders), String(r.requests), ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max)]),
    ]),
  );
  writeResults("push", { ordersPerMinute: PER_MINUTE, merchants: MERCHANTS, devicesPerMerchant: DEVICES, rows });
}

await main();
