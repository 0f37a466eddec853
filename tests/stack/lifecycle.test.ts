// The local stack's own behaviour: status, refusing a second start, a taken port, keeping data
// across restarts, and a damaged data folder. Each test drives `stack/cli.ts` as a person would.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import ws from "ws";
import { createClient } from "@supabase/supabase-js";
import { ROOT, STATE_ROOT } from "../../stack/lib/paths.js";
import { freePort } from "../../stack/lib/instance.js";

const name = `lifecycle-${process.pid}`;
const dir = path.join(STATE_ROOT, name);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => ["--import", "tsx", "stack/cli.ts", ...args];

interface Started {
  child: ChildProcess;
  status: Record<string, string>;
}

function start(instance: string, apiPort: number, dbPort: number): Promise<Started> {
  const child = spawn(process.execPath, cli("start", "--instance", instance, "--api-port", String(apiPort), "--db-port", String(dbPort), "--no-app", "--json"), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, status: JSON.parse(line) });
    });
    child.stderr!.on("data", (c: Buffer) => (err += c));
    child.once("exit", (code) => reject(Object.assign(new Error(`exited ${code}`), { code, stderr: err })));
  });
}

/** Runs a start that is expected to fail; returns its exit code and last stderr line. */
function startExpectingFailure(instance: string, apiPort: number, dbPort: number, env: NodeJS.ProcessEnv = {}): { code: number | null; message: string } {
  const r = spawnSync(process.execPath, cli("start", "--instance", instance, "--api-port", String(apiPort), "--db-port", String(dbPort), "--no-app", "--json"), {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
  return { code: r.status, message: lines.pop() ?? r.stderr };
}

async function stop(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((r) => s.child.once("exit", (c) => r(c)));
  s.child.kill("SIGINT");
  return exited;
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });

const supabaseFor = (status: Record<string, string>) =>
  createClient(status.API_URL!, status.ANON_KEY!, { auth: { persistSession: false }, realtime: { transport: ws as never } });

test("the stack starts, reports its status, refuses a second start, keeps data across restarts and stops cleanly", async () => {
  const [apiPort, dbPort] = [await freePort(), await freePort()];
  const first = await start(name, apiPort, dbPort);

  // `npm run status -- --json` for scripts, with the names `supabase status -o json` uses.
  const status = spawnSync(process.execPath, cli("status", "--instance", name, "--json"), { cwd: ROOT, encoding: "utf8" });
  assert.equal(status.status, 0);
  const parsed = JSON.parse(status.stdout);
  for (const key of ["API_URL", "DB_URL", "ANON_KEY", "SERVICE_ROLE_KEY", "PUBLISHABLE_KEY", "SECRET_KEY", "VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "PUSH_WEBHOOK_SECRET"]) assert.ok(parsed[key], key);
  assert.equal(parsed.API_URL, `http://127.0.0.1:${apiPort}`);
  const human = spawnSync(process.execPath, cli("status", "--instance", name), { cwd: ROOT, encoding: "utf8" });
  assert.match(human.stdout, /API URL: http:\/\/127\.0\.0\.1:\d+/);
  assert.match(human.stdout, /customer@example\.com/);
  assert.match(human.stdout, /VAPID public key: B[A-Za-z0-9_-]{86}\n/);

  // A second start of the same stack fails with one clear line and leaves the first running.
  const again = startExpectingFailure(name, apiPort, dbPort);
  assert.equal(again.code, 1);
  assert.match(again.message, /^error: The local stack is already running/);
  const health = await fetch(`${first.status.API_URL}/auth/v1/health`, { headers: { apikey: first.status.ANON_KEY! } });
  assert.equal(health.status, 200);

  // Another stack on the taken port fails clearly and touches nothing of the first.
  const other = `${name}-other`;
  const clash = startExpectingFailure(other, apiPort, await freePort());
  fs.rmSync(path.join(STATE_ROOT, other), { recursive: true, force: true });
  assert.equal(clash.code, 1);
  assert.match(clash.message, new RegExp(`^error: Port ${apiPort} is already in use`));
  assert.equal((await fetch(`${first.status.API_URL}/auth/v1/health`, { headers: { apikey: first.status.ANON_KEY! } })).status, 200);

  // Data survives a stop and a start.
  const email = `keep-${process.pid}@example.com`;
  const signUp = await supabaseFor(first.status).auth.signUp({ email, password: "survives-restarts" });
  assert.equal(signUp.error, null);
  assert.equal(await stop(first), 0);
  assert.ok(await portIsFree(apiPort), "API port released");
  assert.ok(await portIsFree(dbPort), "database port released");
  const notRunning = spawnSync(process.execPath, cli("status", "--instance", name), { cwd: ROOT, encoding: "utf8" });
  assert.equal(notRunning.status, 1);

  const second = await start(name, apiPort, dbPort);
  const signIn = await supabaseFor(second.status).auth.signInWithPassword({ email, password: "survives-restarts" });
  assert.equal(signIn.error, null);
  // The push function's secrets belong to the data folder, like the other keys.
  assert.deepEqual([second.status.VAPID_PUBLIC_KEY, second.status.PUSH_WEBHOOK_SECRET], [parsed.VAPID_PUBLIC_KEY, parsed.PUSH_WEBHOOK_SECRET]);

  // db:reset refuses to run under a live stack, then rebuilds from migrations and seed.
  const refused = spawnSync(process.execPath, cli("db-reset", "--instance", name, "--api-port", String(apiPort), "--db-port", String(dbPort)), { cwd: ROOT, encoding: "utf8" });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /error: The local stack is running/);
  assert.equal(await stop(second), 0);
  const reset = spawnSync(process.execPath, cli("db-reset", "--instance", name, "--api-port", String(apiPort), "--db-port", String(dbPort)), { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(reset.status, 0, reset.stderr);
  const third = await start(name, apiPort, dbPort);
  const gone = await supabaseFor(third.status).auth.signInWithPassword({ email, password: "survives-restarts" });
  assert.ok(gone.error, "the reset removed the account made before it");
  const demo = await supabaseFor(third.status).auth.signInWithPassword({ email: "merchant@example.com", password: "demo-password-2026" });
  assert.equal(demo.error, null, "the seed's demo accounts are back");
  assert.equal(await stop(third), 0);
});

test("a damaged data folder gets a one-line error that says what to do", async () => {
  const broken = `${name}-damaged`;
  const [apiPort, dbPort] = [await freePort(), await freePort()];
  const s = await start(broken, apiPort, dbPort);
  assert.equal(await stop(s), 0);
  fs.rmSync(path.join(STATE_ROOT, broken, "pgdata", "global", "pg_control"));
  const r = startExpectingFailure(broken, apiPort, dbPort);
  fs.rmSync(path.join(STATE_ROOT, broken), { recursive: true, force: true });
  assert.equal(r.code, 1);
  assert.match(r.message, /^error: The database folder .* is damaged .* npm run db:reset$/);
});

test("missing PostgreSQL binaries get a one-line error with the command that installs them", async () => {
  const nowhere = `${name}-nopg`;
  const r = startExpectingFailure(nowhere, await freePort(), await freePort(), { POSTGRES_BIN_DIR: path.join(STATE_ROOT, "no-such-bin-dir") });
  fs.rmSync(path.join(STATE_ROOT, nowhere), { recursive: true, force: true });
  assert.equal(r.code, 1);
  assert.match(r.message, /^error: PostgreSQL 15 parts are missing \(.*no-such-bin-dir\/postgres.*\)\. Install them with: sudo apt-get update && sudo apt-get install -y postgresql-15 /);
});

test("a stop asked for while the stack is starting stops it once up, leaving nothing running", async () => {
  const early = `${name}-early`;
  const [apiPort, dbPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, cli("start", "--instance", early, "--api-port", String(apiPort), "--db-port", String(dbPort), "--ephemeral", "--no-app", "--json"), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c));
  const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  // Wait until it is mid-start (creating its database), then ask it to stop.
  await new Promise<void>((resolve) => child.stderr!.on("data", (c: Buffer) => c.toString().includes("Creating the local database") && resolve()));
  child.kill("SIGTERM");
  assert.equal(await exited, 0);
  assert.equal(out, "", "it never announced itself ready");
  assert.ok(await portIsFree(dbPort), "PostgreSQL was stopped");
  assert.ok(await portIsFree(apiPort), "the gateway was stopped");
  assert.equal(fs.existsSync(path.join(STATE_ROOT, early)), false, "the throwaway folder is gone");
});
