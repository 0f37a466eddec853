// `npm run bench:realtime`: the local Realtime server under load, on a throwaway stack, beside the
// same fan-out on Socket.IO with the Redis adapter (two nodes sharing rooms through Redis).
//   1. fan-out: one publisher, 1,000 subscribers on one channel, 10 messages a second;
//   2. 200 publishers at 1 Hz, each on its own channel with one subscriber;
//   3. database broadcasts: realtime.send() at 10 a second, latency from COMMIT to the clients;
//   4. the fan-out of 1. on Socket.IO + Redis.
// Subscribers live in two worker processes; every latency is receive time minus send time on one
// wall clock. Prints a table and writes bench-results/realtime.json.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import ws from "ws";
import postgres from "postgres";
import { RealtimeClient, type RealtimeChannel } from "@supabase/realtime-js";
import { io } from "socket.io-client";
import { freePort } from "../../stack/lib/instance.js";
import { startThrowawayStack, type ThrowawayStack } from "../../stack/lib/throwaway.js";
import { markdownTable, percentile, RESULTS_DIR, writeResults } from "../report.js";
import type { StackStatus } from "../../stack/lib/stack.js";
import { now, type WorkerCommand, type WorkerReply } from "./shared.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = num("BENCH_SECONDS", 10);
const FANOUT = num("BENCH_FANOUT", 1000);
const FANOUT_RATE = num("BENCH_FANOUT_RATE", 10);
const PUBLISHERS = num("BENCH_PUBLISHERS", 200);
const DB_SUBSCRIBERS = num("BENCH_DB_SUBSCRIBERS", 100);
const DB_RATE = num("BENCH_DB_RATE", 10);
const WORKERS = 2;
const DRAIN_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const children: ChildProcess[] = [];
let stack = null as ThrowawayStack | null;

function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  return exited;
}

async function startRedis(): Promise<string> {
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0) {
    throw new Error("redis-server is missing (the Socket.IO baseline needs it): sudo apt-get install -y redis-server");
  }
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => c.toString().includes("Ready to accept connections") && resolve());
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  return `redis://127.0.0.1:${port}`;
}

async function startSocketIoNode(redisUrl: string): Promise<string> {
  const port = await freePort();
  const child = fork(path.join(HERE, "socketio-node.ts"), [], { execArgv: ["--import", "tsx"], env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl } });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`a Socket.IO node exited with code ${code}`)));
  });
  return `http://127.0.0.1:${port}`;
}

class Worker {
  private readonly child = fork(path.join(HERE, "worker.ts"), [], { execArgv: ["--import", "tsx"] });
  private readonly pending = new Map<number, (r: WorkerReply) => void>();
  private next = 0;
  constructor() {
    children.push(this.child);
    this.child.on("message", (r: WorkerReply & { id: number }) => this.pending.get(r.id)?.(r));
  }
  async call(cmd: WorkerCommand): Promise<WorkerReply> {
    const id = this.next++;
    const reply = await new Promise<WorkerReply>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...cmd, id });
    });
    this.pending.delete(id);
    if (!reply.ok) throw new Error(`worker: ${reply.error}`);
    return reply;
  }
}

/** Spreads subscribers over the workers, and gathers what they received. */
async function subscribe(workers: Worker[], cmd: Omit<Extract<WorkerCommand, { cmd: "connect" }>, "cmd">): Promise<void> {
  await Promise.all(workers.map((w, i) => w.call({ cmd: "connect", ...cmd, topics: cmd.topics.filter((_, t) => t % workers.length === i) })));
}

async function collect(workers: Worker[]): Promise<Array<[string, number]>> {
  const replies = await Promise.all(workers.map((w) => w.call({ cmd: "collect" })));
  await Promise.all(workers.map((w) => w.call({ cmd: "close" })));
  return replies.flatMap((r) => r.received ?? []);
}

interface Result {
  scenario: string;
  subscribers: number;
  messages: number;
  expected: number;
  delivered: number;
  deliveredShare: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function summarize(scenario: string, subscribers: number, sent: Map<string, number>, perMessage: number, received: Array<[string, number]>): Result {
  const latencies: number[] = [];
  for (const [key, at] of received) {
    const t = sent.get(key);
    if (t !== undefined) latencies.push(at - t);
  }
  latencies.sort((a, b) => a - b);
  const expected = sent.size * perMessage;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    scenario,
    subscribers,
    messages: sent.size,
    expected,
    delivered: latencies.length,
    deliveredShare: expected ? latencies.length / expected : 0,
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? NaN),
  };
}

/** Calls `send(seq)` at `rate` per second for SECONDS, on schedule; returns when all went out. */
async function paced(rate: number, send: (seq: number) => void | Promise<void>): Promise<void> {
  const start = now();
  for (let seq = 0; seq < rate * SECONDS; seq++) {
    await sleep(start + (seq * 1000) / rate - now());
    await send(seq);
  }
}

function realtimeClient(status: StackStatus): RealtimeClient {
  return new RealtimeClient(`${status.REALTIME_URL}`, { params: { apikey: status.ANON_KEY }, transport: ws as never });
}

function joinChannel(client: RealtimeClient, topic: string): Promise<RealtimeChannel> {
  const channel = client.channel(topic);
  return new Promise((resolve, reject) =>
    channel.subscribe((s, err) => (s === "SUBSCRIBED" ? resolve(channel) : reject(new Error(`${topic}: ${s} ${err?.message ?? ""}`)))),
  );
}

async function realtimeFanout(status: StackStatus, workers: Worker[]): Promise<Result> {
  const topic = "bench-fanout";
  await subscribe(workers, { kind: "realtime", urls: [status.REALTIME_URL], apikey: status.ANON_KEY, event: "tick", topics: Array(FANOUT).fill(topic) });
  const publisher = realtimeClient(status);
  const channel = await joinChannel(publisher, topic);
  const sent = new Map<string, number>();
  await paced(FANOUT_RATE, (seq) => {
    sent.set(String(seq), now());
    void channel.send({ type: "broadcast", event: "tick", payload: { key: String(seq) } });
  });
  await sleep(DRAIN_MS);
  void publisher.disconnect();
  return summarize(`fan-out 1 → ${FANOUT}, ${FANOUT_RATE}/s (Realtime)`, FANOUT, sent, FANOUT, await collect(workers));
}

async function manyPublishers(status: StackStatus, workers: Worker[]): Promise<Result> {
  const topics = Array.from({ length: PUBLISHERS }, (_, i) => `bench-publisher-${i}`);
  await subscribe(workers, { kind: "realtime", urls: [status.REALTIME_URL], apikey: status.ANON_KEY, event: "tick", topics });
  const clients = topics.map(() => realtimeClient(status));
  const channels = await Promise.all(topics.map((t, i) => joinChannel(clients[i]!, t)));
  const sent = new Map<string, number>();
  // Each publisher sends once a second; their seconds are staggered evenly.
  await paced(PUBLISHERS, (seq) => {
    const i = seq % PUBLISHERS;
    const key = `${i}:${Math.floor(seq / PUBLISHERS)}`;
    sent.set(key, now());
    void channels[i]!.send({ type: "broadcast", event: "tick", payload: { key } });
  });
  await sleep(DRAIN_MS);
  for (const c of clients) void c.disconnect();
  return summarize(`${PUBLISHERS} publishers × 1/s, own channels (Realtime)`, PUBLISHERS, sent, 1, await collect(workers));
}

async function databaseBroadcast(status: StackStatus, workers: Worker[]): Promise<Result> {
  const topic = "bench-db";
  await subscribe(workers, { kind: "realtime", urls: [status.REALTIME_URL], apikey: status.ANON_KEY, event: "tick", topics: Array(DB_SUBSCRIBERS).fill(topic) });
  const sql = postgres(status.DB_URL, { max: 1, onnotice: () => {} });
  const sent = new Map<string, number>();
  await paced(DB_RATE, async (seq) => {
    await sql.begin(async (tx) => {
      await tx`select realtime.send(${sql.json({ key: String(seq) })}, 'tick', ${topic}, false)`;
      // Measured from here: the COMMIT goes out when this callback returns.
      sent.set(String(seq), now());
    });
  });
  await sleep(DRAIN_MS);
  await sql.end();
  return summarize(`database: realtime.send() → ${DB_SUBSCRIBERS} clients, ${DB_RATE}/s, from COMMIT`, DB_SUBSCRIBERS, sent, DB_SUBSCRIBERS, await collect(workers));
}

async function socketIoFanout(urls: string[], workers: Worker[]): Promise<Result> {
  const room = "bench-fanout";
  await subscribe(workers, { kind: "socketio", urls, apikey: "", event: "tick", topics: Array(FANOUT).fill(room) });
  const publisher = io(urls[0]!, { transports: ["websocket"], reconnection: false });
  await new Promise<void>((resolve) => publisher.once("connect", () => resolve()));
  const sent = new Map<string, number>();
  await paced(FANOUT_RATE, (seq) => {
    sent.set(String(seq), now());
    publisher.emit("publish", { room, event: "tick", payload: { key: String(seq) } });
  });
  await sleep(DRAIN_MS);
  publisher.disconnect();
  return summarize(`fan-out 1 → ${FANOUT}, ${FANOUT_RATE}/s (Socket.IO + Redis, ${urls.length} nodes)`, FANOUT, sent, FANOUT, await collect(workers));
}

function table(results: Result[]): string {
  return markdownTable([
    ["scenario", "messages", "deliveries", "delivered", "p50 ms", "p99 ms", "max ms"],
    ...results.map((r) => [r.scenario, String(r.messages), String(r.expected), `${(r.deliveredShare * 100).toFixed(2)} %`, r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), r.maxMs.toFixed(1)]),
  ]);
}

async function main() {
  console.error(`Starting a throwaway stack, Redis and two Socket.IO nodes (${os.cpus().length} CPUs)...`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  stack = await startThrowawayStack({ name: `bench-${process.pid}`, logFile: path.join(RESULTS_DIR, "realtime-stack.log") });
  const status = stack.status;
  const redisUrl = await startRedis();
  const socketIoUrls = [await startSocketIoNode(redisUrl), await startSocketIoNode(redisUrl)];
  const workers = Array.from({ length: WORKERS }, () => new Worker());
  const results: Result[] = [];
  for (const [label, run] of [
    ["fan-out (Realtime)", () => realtimeFanout(status, workers)],
    ["200 publishers (Realtime)", () => manyPublishers(status, workers)],
    ["database broadcasts", () => databaseBroadcast(status, workers)],
    ["fan-out (Socket.IO + Redis)", () => socketIoFanout(socketIoUrls, workers)],
  ] as const) {
    console.error(`Running ${label} for ${SECONDS} s...`);
    results.push(await run());
    await sleep(1000);
  }
  const report = table(results);
  console.log(report);
  const settings = { seconds: SECONDS, fanout: FANOUT, fanoutRate: FANOUT_RATE, publishers: PUBLISHERS, dbSubscribers: DB_SUBSCRIBERS, dbRate: DB_RATE, workers: WORKERS };
  writeResults("realtime", { settings, results });
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  code = 1;
} finally {
  // Workers and Socket.IO first, the stack last (it removes its throwaway folder as it stops).
  for (const child of children.reverse()) await stopChild(child);
  await stack?.stop();
}
process.exit(code);
