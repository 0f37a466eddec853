// The stack keeps its parts running and leaves nothing behind, on a stack of its own: an Edge
// Function process that dies is started again by itself; a stack killed outright (SIGKILL, so no
// cleanup ran) leaves its Postgres and functions running and a stale status file, and the next
// start ends them first and runs; a stop ends every process it started and removes its files.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { ROOT, STATE_ROOT } from "../../stack/lib/paths.js";
import { freePort, instance } from "../../stack/lib/instance.js";
import { removeCluster } from "../../stack/lib/postgres.js";
import { commandLine } from "../../stack/lib/supervise.js";

const name = `supervisor-${process.pid}`;
const dir = path.join(STATE_ROOT, name);
const started: ChildProcess[] = [];
after(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 3000));
  removeCluster(instance(name, 0, 0));
  fs.rmSync(dir, { recursive: true, force: true });
});

function start(apiPort: number, dbPort: number): Promise<{ child: ChildProcess; status: Record<string, string> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "stack/cli.ts", "start", "--instance", name, "--api-port", String(apiPort), "--db-port", String(dbPort), "--no-app", "--city", "0", "--json"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LITE_TELEMETRY: "0" },
  });
  started.push(child);
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

/** The processes the running stack recorded as its own. */
const recorded = (): number[] =>
  fs.existsSync(path.join(dir, "children")) ? fs.readFileSync(path.join(dir, "children"), "utf8").split("\n").filter(Boolean).map(Number) : [];
const alive = (pid: number) => commandLine(pid) !== null;
const withCommand = (pids: number[], part: string) => pids.filter((pid) => commandLine(pid)?.includes(part));

async function until<T>(get: () => T | Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(v)})`);
  }
}

test("a dead function is started again; a killed stack's leftovers are ended by the next start; a stop leaves nothing", async () => {
  const [apiPort, dbPort] = [await freePort(), await freePort()];
  let { child, status } = await start(apiPort, dbPort);
  const first = recorded();
  const [checkout] = withCommand(first, "checkout/index.ts");
  assert.ok(checkout, `the checkout function is recorded (${first.join(", ")})`);
  assert.equal(withCommand(first, "postgres").length, 1, "and Postgres");

  // The function's process dies: the stack starts another one without waiting for a request.
  process.kill(checkout, "SIGKILL");
  const again = await until(() => withCommand(recorded(), "checkout/index.ts"), (pids) => pids.length === 1 && pids[0] !== checkout, "a new checkout process");
  assert.ok(alive(again[0]!));
  const answer = await until(
    () => fetch(`${status.FUNCTIONS_URL}/checkout`, { method: "OPTIONS" }).then((r) => r.status),
    (s) => s === 200,
    "the checkout function answering",
  );
  assert.equal(answer, 200);

  // Killed outright: no cleanup runs, so Postgres and the functions keep running.
  const before = recorded();
  process.kill(Number(status.pid), "SIGKILL");
  await new Promise((r) => child.once("exit", r));
  assert.ok(before.every(alive), "its children outlive a SIGKILLed stack");
  assert.ok(fs.existsSync(path.join(dir, "status.json")), "and its status file stays");
  const said = spawnSync(process.execPath, ["--import", "tsx", "stack/cli.ts", "status", "--instance", name, "--json"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(said.status, 1, "status sees the stack is not running (its pid is gone)");

  // The next start ends them first (Postgres would refuse its data folder otherwise) and runs.
  ({ child, status } = await start(apiPort, dbPort));
  assert.deepEqual(before.filter(alive), [], "every leftover was ended");
  const ok = await fetch(`${status.REST_URL}/stores?select=id&limit=1`, { headers: { apikey: status.ANON_KEY! } });
  assert.equal(ok.status, 200);

  // A clean stop ends every process it started and removes its files.
  const running = recorded();
  assert.ok(running.length >= 3, `Postgres and the functions are recorded (${running.join(", ")})`);
  child.kill("SIGTERM");
  assert.equal(await new Promise((r) => child.once("exit", r)), 0);
  assert.deepEqual(running.filter(alive), [], "nothing left running");
  assert.ok(!fs.existsSync(path.join(dir, "status.json")) && !fs.existsSync(path.join(dir, "children")), "no status left behind");
});
