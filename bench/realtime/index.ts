// `npm run bench:realtime`: the local Realtime server under load, on a throwaway stack, beside the
// same fan-out on Socket.IO with the Redis adapter (two nodes sharing rooms through Redis).
//   1. fan-out: one publisher, 1,000 subscribers on one channel, 10 messages a second;
//   2. 200 publishers at 1 Hz, each on its own channel with one subscriber;
//   3. database broadcasts: realtime.send() at 10 a second, latency from COMMIT to the clients;
//   4. the fan-out of 1. on Socket.IO + Redis;
//   5. chat: 100 conversations, each customer calling send_message over REST once a second, to the
//      merchant on the private topic conversation:<id> (both signed in, each with their own
//      token), latency from just before the request;
//   6. the same members on the same topics, the customers broadcasting the same message from
//      their clients (no database): what the database path adds.
// Subscribers live in two worker processes; every latency is receive time minus send time on one
// wall clock. Prints a table and writes bench-results/realtime.json.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import type { RealtimeChannel } from "@supabase/realtime-js";
import { io } from "socket.io-client";
import { freePort } from "../../stack/lib/instance.js";
import { startThrowawayStack, type ThrowawayStack } from "../../stack/lib/throwaway.js";
import { markdownTable, percentile, RESULTS_DIR, writeResults } from "../report.js";
import type { StackStatus } from "../../stack/lib/status.js";
import { inBatches, now, realtimeClient, subscribed, type WorkerCommand, type WorkerReply } from "./shared.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = num("BENCH_SECONDS", 10);
const FANOUT = num("BENCH_FANOUT", 1000);
const FANOUT_RATE = num("BENCH_FANOUT_RATE", 10);
const PUBLISHERS = num("BENCH_PUBLISHERS", 200);
const DB_SUBSCRIBERS = num("BENCH_DB_SUBSCRIBERS", 100);
const DB_RATE = num("BENCH_DB_RATE", 10);
const CONVERSATIONS = num("BENCH_CONVERSATIONS", 100);
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

/** Spreads subscribers (and their tokens) over the workers, and gathers what they received. */
async function subscribe(workers: Worker[], cmd: Omit<Extract<WorkerCommand, { cmd: "connect" }>, "cmd">): Promise<void> {
  const share = <T>(all: T[], i: number) => all.filter((_, t) => t % workers.length === i);
  await Promise.all(workers.map((w, i) => w.call({ cmd: "connect", ...cmd, topics: share(cmd.topics, i), ...(cmd.tokens ? { tokens: share(cmd.tokens, i) } : {}) })));
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
  /** Failed sends by reason (the chat scenarios); they count as undelivered. */
  errors?: Record<string, number>;
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

async function realtimeFanout(status: StackStatus, workers: Worker[]): Promise<Result> {
  const topic = "bench-fanout";
  await subscribe(workers, { kind: "realtime", urls: [status.REALTIME_URL], apikey: status.ANON_KEY, event: "tick", topics: Array(FANOUT).fill(topic) });
  const publisher = await realtimeClient(status.REALTIME_URL, status.ANON_KEY);
  const channel = await subscribed(publisher.channel(topic));
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
  const clients = await Promise.all(topics.map(() => realtimeClient(status.REALTIME_URL, status.ANON_KEY)));
  const channels = await Promise.all(topics.map((t, i) => subscribed(clients[i]!.channel(t))));
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

interface Member {
  id: string;
  token: string;
}

interface Conversation {
  id: string;
  customer: Member;
  merchant: Member;
}

const PASSWORD = "bench-password-2026";
/** A typical chat line; the baseline broadcasts it inside the same message JSON send_message stores. */
const CHAT_BODY = "Hello, please add one packet of Parle-G to my order. Thank you!";

/** A new account through Auth, with the session its sign-up returns (one device's). */
async function signUp(status: StackStatus, role: "customer" | "merchant"): Promise<Member> {
  const email = `${role}-${randomUUID().slice(0, 8)}@bench.example`;
  const r = await fetch(`${status.API_URL}/auth/v1/signup`, {
    method: "POST",
    headers: { apikey: status.ANON_KEY, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, data: { role } }),
  });
  if (!r.ok) throw new Error(`sign-up of ${email} answered ${r.status}: ${await r.text()}`);
  const body = (await r.json()) as { access_token: string; user: { id: string } };
  return { id: body.user.id, token: body.access_token };
}

/**
 * CONVERSATIONS customer–store conversations, each between its own signed-up customer and
 * merchant: an approved store per merchant and one order per customer, written as the database
 * owner; the order trigger opens each conversation with the two as members.
 */
async function openConversations(status: StackStatus): Promise<Conversation[]> {
  const pairs: Array<{ customer: Member; merchant: Member }> = [];
  await inBatches(Array.from({ length: CONVERSATIONS }, (_, i) => i), 10, async (i) => {
    pairs[i] = { customer: await signUp(status, "customer"), merchant: await signUp(status, "merchant") };
  });
  const sql = postgres(status.DB_URL, { max: 1, onnotice: () => {} });
  try {
    // send_message lets one user send 30 messages a minute (admin.settings.chat_rate_limit); the
    // customers here send one a second, so a run past half a minute would be refused: the
    // throwaway stack allows more. The check itself still runs on every message.
    await sql`update admin.settings set chat_rate_limit = 1000000`;
    const stores = await sql<{ id: string; owner_id: string }[]>`
      insert into public.stores ${sql(pairs.map((p, i) => ({
        owner_id: p.merchant.id, name: `Bench Kirana ${i + 1}`, address: "1 Shivaji Road, Pune", location: "SRID=4326;POINT(73.857 18.521)", status: "approved",
      })))}
      returning id, owner_id`;
    const storeOf = new Map(stores.map((s) => [s.owner_id, s.id]));
    await sql`
      insert into public.orders ${sql(pairs.map((p) => ({
        customer_id: p.customer.id, store_id: storeOf.get(p.merchant.id)!, subtotal_paise: 10000, total_paise: 10000,
        delivery_address: "7 Karve Road, Pune", delivery_location: "SRID=4326;POINT(73.8567 18.5204)",
      })))}`;
    const rows = await sql<{ id: string; customer_id: string }[]>`
      select c.id, o.customer_id from public.conversations c join public.orders o on o.id = c.order_id`;
    const byCustomer = new Map(pairs.map((p) => [p.customer.id, p]));
    return rows.map((r) => ({ id: r.id, ...byCustomer.get(r.customer_id)! }));
  } finally {
    await sql.end();
  }
}

/** send_message over REST as the conversation's customer; throws the answer of a refusal. */
async function sendMessage(status: StackStatus, c: Conversation, clientMsgId: string): Promise<void> {
  const r = await fetch(`${status.API_URL}/rest/v1/rpc/send_message`, {
    method: "POST",
    headers: { apikey: status.ANON_KEY, authorization: `Bearer ${c.customer.token}`, "content-type": "application/json" },
    body: JSON.stringify({ conversation_id: c.id, client_msg_id: clientMsgId, body: CHAT_BODY }),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`send_message answered ${r.status}: ${text}`);
}

/**
 * Every conversation's customer sends once a second (the customers staggered evenly) and its
 * merchant, in a worker, receives on the private topic with their own token; the customers are
 * on their topics too, as in the app. `send` is the path under test; the time is taken just
 * before it, and messages are matched by client_msg_id.
 */
async function chat(
  status: StackStatus,
  workers: Worker[],
  conversations: Conversation[],
  scenario: string,
  send: (c: Conversation, channel: RealtimeChannel, clientMsgId: string, seq: number) => void | Promise<void>,
): Promise<Result> {
  const topics = conversations.map((c) => `conversation:${c.id}`);
  const tokens = conversations.map((c) => c.merchant.token);
  await subscribe(workers, { kind: "realtime", urls: [status.REALTIME_URL], apikey: status.ANON_KEY, event: "message", keyField: "client_msg_id", topics, tokens });
  const clients = await Promise.all(conversations.map((c) => realtimeClient(status.REALTIME_URL, status.ANON_KEY, c.customer.token)));
  const channels = await Promise.all(topics.map((t, i) => subscribed(clients[i]!.channel(t, { config: { private: true } }))));
  // A first message per conversation, all at once and not measured: the run measures chats in
  // use, not a fresh stack's first requests (REST's connections opening, each database session
  // planning send_message), which held up the first second's messages by up to 2.5 s.
  await Promise.all(conversations.map((c, i) => send(c, channels[i]!, randomUUID(), 1)));
  await sleep(DRAIN_MS);
  const sent = new Map<string, number>();
  const errors: Record<string, number> = {};
  const sends: Promise<void>[] = [];
  await paced(conversations.length, (seq) => {
    const i = seq % conversations.length;
    const clientMsgId = randomUUID();
    sent.set(clientMsgId, now());
    // Not awaited: a slow answer must not hold back the other conversations' sends.
    sends.push(
      Promise.resolve(send(conversations[i]!, channels[i]!, clientMsgId, Math.floor(seq / conversations.length) + 2)).catch((e: Error) => {
        errors[e.message] = (errors[e.message] ?? 0) + 1;
      }),
    );
  });
  await Promise.all(sends);
  await sleep(DRAIN_MS);
  for (const c of clients) void c.disconnect();
  const result = summarize(scenario, conversations.length, sent, 1, await collect(workers));
  if (Object.keys(errors).length) {
    console.error(`${scenario}: failed sends: ${JSON.stringify(errors)}`);
    result.errors = errors;
  }
  return result;
}

const chatThroughDatabase = (status: StackStatus, workers: Worker[], conversations: Conversation[]) =>
  chat(status, workers, conversations, `chat: send_message → other member, ${conversations.length} conversations × 1/s`, (c, _, clientMsgId) => sendMessage(status, c, clientMsgId));

/** The same members and topics, the customer's client broadcasting the message as send_message's topic carries it. */
const chatBaseline = (status: StackStatus, workers: Worker[], conversations: Conversation[]) =>
  chat(status, workers, conversations, "chat baseline: client broadcast, same topics", async (c, channel, clientMsgId, seq) => {
    const message = { id: randomUUID(), conversation_id: c.id, seq, sender_id: c.customer.id, client_msg_id: clientMsgId, body: CHAT_BODY, created_at: new Date().toISOString() };
    const answer = await channel.send({ type: "broadcast", event: "message", payload: message });
    if (answer !== "ok") throw new Error(`broadcast: ${answer}`);
  });

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
  console.error(`Signing up ${CONVERSATIONS * 2} users for ${CONVERSATIONS} chat conversations...`);
  const conversations = await openConversations(status);
  const results: Result[] = [];
  for (const [label, run] of [
    ["fan-out (Realtime)", () => realtimeFanout(status, workers)],
    ["200 publishers (Realtime)", () => manyPublishers(status, workers)],
    ["database broadcasts", () => databaseBroadcast(status, workers)],
    ["fan-out (Socket.IO + Redis)", () => socketIoFanout(socketIoUrls, workers)],
    ["chat (send_message)", () => chatThroughDatabase(status, workers, conversations)],
    ["chat baseline (client broadcast)", () => chatBaseline(status, workers, conversations)],
  ] as const) {
    console.error(`Running ${label} for ${SECONDS} s...`);
    results.push(await run());
    await sleep(1000);
  }
  const report = table(results);
  console.log(report);
  const settings = { seconds: SECONDS, fanout: FANOUT, fanoutRate: FANOUT_RATE, publishers: PUBLISHERS, dbSubscribers: DB_SUBSCRIBERS, dbRate: DB_RATE, conversations: CONVERSATIONS, workers: WORKERS };
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
