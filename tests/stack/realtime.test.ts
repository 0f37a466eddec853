// Realtime across faults, on a stack of its own: a connection that goes silent is dropped after the
// heartbeat timeout (shortened here) and leaves presence; after the whole stack restarts, clients
// reconnect and rejoin by themselves, and old rows of realtime.messages are cleaned up.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import ws from "ws";
import postgres from "postgres";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { ROOT, STATE_ROOT } from "../../stack/lib/paths.js";
import { freePort, instance } from "../../stack/lib/instance.js";
import { removeCluster } from "../../stack/lib/postgres.js";
import { Inbox, StatusLog } from "../realtime/waiting.js";

const name = `realtime-${process.pid}`;
const clients: SupabaseClient[] = [];
let running: ChildProcess | null = null;
after(async () => {
  await Promise.all(clients.map((c) => c.removeAllChannels().catch(() => {})));
  if (running && running.exitCode === null) await stop(running);
  removeCluster(instance(name, 0, 0));
  fs.rmSync(path.join(STATE_ROOT, name), { recursive: true, force: true });
});

const HEARTBEAT_TIMEOUT_MS = 1500;

function start(apiPort: number, dbPort: number): Promise<{ child: ChildProcess; status: Record<string, string> }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "stack/cli.ts", "start", "--instance", name, "--api-port", String(apiPort), "--db-port", String(dbPort), "--no-app", "--city", "0", "--json"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, REALTIME_HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS) } },
  );
  running = child;
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, status: JSON.parse(line) });
    });
    child.stderr!.on("data", (c: Buffer) => (err += c));
    child.once("exit", (code) => reject(new Error(`stack exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  child.kill("SIGINT");
  return exited;
}

function client(status: Record<string, string>, heartbeatIntervalMs: number) {
  const c = createClient(status.API_URL!, status.ANON_KEY!, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never, heartbeatIntervalMs },
  });
  clients.push(c);
  return c;
}

test("silent connections are dropped after the heartbeat timeout; clients rejoin after a restart; old messages are cleaned up", async () => {
  const [apiPort, dbPort] = [await freePort(), await freePort()];
  let { child, status } = await start(apiPort, dbPort);

  // Alice's client stops sending anything (its heartbeat is due only in a minute), like a phone
  // that lost its network; Bob's keeps beating. Bob sees Alice leave once the timeout passes.
  const topic = "presence-timeout";
  const bobEvents = new Inbox<{ event: string; key: string }>();
  const bob = client(status, 500)
    .channel(topic, { config: { presence: { key: "bob" } } })
    .on("presence", { event: "join" }, (p) => bobEvents.push({ event: "join", key: p.key }))
    .on("presence", { event: "leave" }, (p) => bobEvents.push({ event: "leave", key: p.key }));
  const bobStatus = new StatusLog();
  bob.subscribe(bobStatus.callback);
  await bobStatus.next(["SUBSCRIBED"]);
  const alice = client(status, 60_000).channel(topic, { config: { presence: { key: "alice" } } });
  const aliceStatus = new StatusLog();
  alice.subscribe(aliceStatus.callback);
  await aliceStatus.next(["SUBSCRIBED"]);
  assert.equal(await alice.track({ online: true }), "ok");
  await bobEvents.until((e) => e.some((x) => x.event === "join" && x.key === "alice"));
  const silentSince = Date.now();
  await bobEvents.until((e) => e.some((x) => x.event === "leave" && x.key === "alice"), HEARTBEAT_TIMEOUT_MS + 5_000);
  assert.ok(Date.now() - silentSince >= HEARTBEAT_TIMEOUT_MS - 100, "not before the timeout");
  assert.deepEqual(bobStatus.seen.map((s) => s.status), ["SUBSCRIBED"], "a client that keeps beating stays joined");

  // A message older than Realtime's 72 hours, to be cleaned up when the server starts again.
  const sql = postgres(status.DB_URL!, { max: 1, onnotice: () => {} });
  const [old] = await sql`insert into realtime.messages (topic, extension, inserted_at) values ('old', 'broadcast', localtimestamp - interval '73 hours') returning id`;
  await sql.end();

  // Restart the whole stack on the same ports; Bob's client reconnects and rejoins on its own.
  const received = new Inbox();
  const listener = client(status, 25_000).channel("after-restart").on("broadcast", { event: "*" }, received.push);
  const listenerStatus = new StatusLog();
  listener.subscribe(listenerStatus.callback);
  await listenerStatus.next(["SUBSCRIBED"]);
  assert.equal(await stop(child), 0);
  await listenerStatus.next(["CHANNEL_ERROR"], 1);
  ({ child, status } = await start(apiPort, dbPort));
  await listenerStatus.next(["SUBSCRIBED"], 1, 30_000);

  const sender = client(status, 25_000).channel("after-restart");
  const senderStatus = new StatusLog();
  sender.subscribe(senderStatus.callback);
  await senderStatus.next(["SUBSCRIBED"]);
  await sender.send({ type: "broadcast", event: "hello-again", payload: { n: 1 } });
  const again = postgres(status.DB_URL!, { max: 1, onnotice: () => {} });
  await again`select realtime.send('{"n": 2}'::jsonb, 'from-db', 'after-restart', false)`;
  await received.count(2);
  assert.deepEqual(received.items.map((m) => m.event).sort(), ["from-db", "hello-again"]);
  assert.equal((await again`select count(*)::int as n from realtime.messages where id = ${old!.id}`)[0]!.n, 0, "the 73-hour-old row is gone");
  await again.end();

  assert.equal(await stop(child), 0);
});
