// `npm test`: runs the app's unit tests (pure logic, beside its modules), then starts a throwaway
// stack (own folder, own ports), runs every other suite against it, stops everything it started
// and ends with one summary line: "N passed, N failed".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import postgres from "postgres";
import { DENO_DIR, FUNCTIONS_DIR, ROOT } from "../stack/lib/paths.js";
import { configFlags, denoBinary, functionNames } from "../stack/lib/functions.js";
import type { StackStatus } from "../stack/lib/status.js";
import { startThrowawayStack, type ThrowawayStack } from "../stack/lib/throwaway.js";
import { buildApp, startBuiltApp } from "./support/app.js";
import { SMALL_CITY_STORES } from "../seed/seed.js";
import { startTileServer } from "./support/tiles.js";
import { ensureChromium } from "./support/chromium.js";
import { updateTypes } from "../stack/lib/types.js";
import { makeTestCertificates } from "./support/push-service.js";

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
}
const results: SuiteResult[] = [];
const RESULTS_DIR = path.join(ROOT, "test-results");
fs.mkdirSync(RESULTS_DIR, { recursive: true });

function listFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(dir, f));
}

function typecheck(): SuiteResult {
  console.log("\n# TypeScript (strict): stack, seed, tests, the app, then the Edge Functions (deno check)");
  const checks = [
    spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: ROOT, stdio: "inherit" }),
    spawnSync("npm", ["run", "--silent", "check", "--workspace", "app"], { cwd: ROOT, stdio: "inherit" }),
    // One check per function, each with its own import map.
    ...functionNames().map((name) =>
      spawnSync(denoBinary(), ["check", "--quiet", "--node-modules-dir=none", ...configFlags(name), path.join(FUNCTIONS_DIR, name, "index.ts")], {
        cwd: ROOT,
        stdio: "inherit",
        env: { ...process.env, DENO_DIR, DENO_NO_PACKAGE_JSON: "1", NO_COLOR: "1" },
      }),
    ),
  ];
  const failed = checks.filter((r) => r.status !== 0).length;
  return { name: "typecheck", passed: checks.length - failed, failed };
}

function lint(): SuiteResult {
  console.log("\n# Lint (eslint with typescript-eslint and eslint-plugin-svelte)");
  const r = spawnSync("npx", ["eslint", "."], { cwd: ROOT, stdio: "inherit" });
  return { name: "lint", passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1 };
}

function pgTap(status: StackStatus, files: string[]): SuiteResult {
  console.log(`\n# pgTAP (${files.length} files)`);
  const url = new URL(status.DB_URL);
  const r = spawnSync(
    "pg_prove",
    ["--host", url.hostname, "--port", url.port, "--username", "postgres", "--dbname", "postgres", "--ext", ".sql", "--verbose", ...files],
    { cwd: ROOT, encoding: "utf8" },
  );
  const out = `${r.stdout}${r.stderr}`;
  fs.writeFileSync(path.join(RESULTS_DIR, "pgtap.txt"), out);
  process.stdout.write(out.split("\n").filter((l) => !/^ok \d+/.test(l.trim())).join("\n"));
  const passed = (out.match(/^\s*ok \d+/gm) ?? []).length;
  let failed = (out.match(/^\s*not ok \d+/gm) ?? []).length;
  // A file that dies before its plan (syntax error, missing function) counts as a failure.
  if (r.status !== 0 && failed === 0) failed = 1;
  return { name: "pgTAP", passed, failed };
}

/**
 * The clocks the suites run under: this process's and the database's. Under `npm run
 * test:clock` (tests/clock.ts) both must show the moved time, or the run proves nothing.
 */
async function clocks(status: StackStatus): Promise<SuiteResult | null> {
  const sql = postgres(status.DB_URL, { max: 1, onnotice: () => {} });
  const [{ now }] = (await sql`select now()`) as unknown as [{ now: Date }];
  await sql.end();
  console.log(`# Clocks: this process ${new Date().toISOString()}, the database ${now.toISOString()}`);
  const expected = process.env.TEST_CLOCK_EXPECTED;
  if (!expected) return null;
  // The stack took a while to start: allow an hour after the moment asked for.
  const moved = (t: number) => t >= Date.parse(expected) - 60_000 && t <= Date.parse(expected) + 3_600_000;
  const ok = moved(Date.now()) && moved(now.getTime());
  if (!ok) console.log(`not ok: the clock should be near ${expected}`);
  return { name: "clock", passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
}

/** The committed database types must match the schema the migrations build. */
async function generatedTypes(status: StackStatus): Promise<SuiteResult> {
  console.log("\n# Generated types");
  try {
    console.log(await updateTypes(status.DB_URL, true));
    return { name: "types", passed: 1, failed: 0 };
  } catch (e) {
    console.log(`not ok: ${(e as Error).message}`);
    return { name: "types", passed: 0, failed: 1 };
  }
}

async function nodeTests(name: string, files: string[], env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<SuiteResult> {
  console.log(`\n# ${name} (${files.length} files)`);
  if (files.length === 0) return { name, passed: 0, failed: 0 };
  const tap = path.join(RESULTS_DIR, `${name}.tap`);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=1", ...extraArgs, "--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=tap", `--test-reporter-destination=${tap}`, ...files],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: "inherit" },
  );
  const code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  const text = fs.existsSync(tap) ? fs.readFileSync(tap, "utf8") : "";
  // Node 20 with --test-force-exit leaves the summary lines out of the file; then count the
  // top-level results themselves (a cancelled test is a "not ok" line there).
  const tally: Record<string, RegExp> = { pass: /^ok \d+(?! .*# (SKIP|TODO))/gm, fail: /^not ok \d+/gm, skipped: /^ok \d+ .*# SKIP/gm, todo: /^ok \d+ .*# TODO/gm, cancelled: /(?!)/g };
  const count = (k: string) => {
    const summary = new RegExp(`^# ${k} (\\d+)`, "m").exec(text)?.[1];
    return summary !== undefined ? Number(summary) : (text.match(tally[k]!) ?? []).length;
  };
  const passed = count("pass");
  // Skipped and todo tests are defects here: they count as failures.
  let failed = count("fail") + count("skipped") + count("todo") + count("cancelled");
  if (code !== 0 && failed === 0) failed = 1;
  return { name, passed, failed };
}

/** The stack's addresses and keys, as the suites read them (tests/support/env.ts). */
const stackEnv = (status: StackStatus) => ({
  API_URL: status.API_URL,
  DB_URL: status.DB_URL,
  ANON_KEY: status.ANON_KEY,
  SERVICE_ROLE_KEY: status.SERVICE_ROLE_KEY,
  PUBLISHABLE_KEY: status.PUBLISHABLE_KEY,
  SECRET_KEY: status.SECRET_KEY,
  JWT_SECRET: status.JWT_SECRET,
  VAPID_PUBLIC_KEY: status.VAPID_PUBLIC_KEY,
  PUSH_WEBHOOK_SECRET: status.PUSH_WEBHOOK_SECRET,
  // The push service stand-in's TLS (tests/support/push-service.ts), made for this run.
  PUSH_TLS_KEY: pushCerts.key,
  PUSH_TLS_CERT: pushCerts.cert,
});

let appBuilt = false;
/** The app built (once per run) and served against a stack, driven by Chromium. */
async function appTests(name: string, status: StackStatus, files: string[]): Promise<SuiteResult> {
  console.log(`\n# Starting the built app for the ${name} suite`);
  let app;
  const appLog = path.join(RESULTS_DIR, `app-${name}.log`);
  const tiles = await startTileServer();
  try {
    ensureChromium((l) => console.log(l));
    if (!appBuilt) buildApp(path.join(RESULTS_DIR, "app-build.log"));
    appBuilt = true;
    app = await startBuiltApp({ apiUrl: status.API_URL, anonKey: status.ANON_KEY, mapTiles: tiles.template, logFile: appLog });
  } catch (e) {
    console.log(`not ok: ${(e as Error).message}`);
    await tiles.stop();
    return { name, passed: 0, failed: 1 };
  }
  try {
    return await nodeTests(name, files, { ...stackEnv(status), APP_URL: app.url, APP_LOG: appLog, MAP_TILES: tiles.template });
  } finally {
    await app.stop();
    await tiles.stop();
  }
}

/**
 * The city suite: the app and the API on the city `npm start` seeds (seed 1, SMALL_CITY_STORES
 * shops), the data a new user actually sees, in a stack of its own so no other suite's fixtures
 * stand among its shops.
 */
async function cityTests(files: string[]): Promise<SuiteResult> {
  console.log("\n# Starting a throwaway stack with the seeded city");
  const city = await startThrowawayStack({ name: `city-${process.pid}`, logFile: path.join(RESULTS_DIR, "stack-city.log"), cityStores: SMALL_CITY_STORES });
  try {
    return await appTests("city", city.status, files);
  } finally {
    await city.stop();
  }
}

// `npm test -- FILE...` runs only those files (pgTAP .sql files and test files of any suite)
// against the throwaway stack, without the type checks; with no files, everything runs.
const chosen = process.argv.slice(2).map((f) => path.resolve(f));
for (const f of chosen) if (!fs.existsSync(f)) throw new Error(`no such test file: ${f}`);
const suite = (dir: string, suffix: string) => {
  const all = listFiles(dir, suffix);
  return chosen.length === 0 ? all : all.filter((f) => chosen.includes(f));
};
// pgTAP files share helpers from the files named 000_* (tests.sign_in, outcome, ...): a named
// pgTAP file brings them along.
const pgTapFiles = () => {
  const named = suite(path.join(ROOT, "supabase", "tests"), ".sql");
  if (chosen.length === 0 || named.length === 0) return named;
  const helpers = listFiles(path.join(ROOT, "supabase", "tests"), ".sql").filter((f) => path.basename(f).startsWith("000_"));
  return [...new Set([...helpers, ...named])];
};
const files = {
  // The app's pure logic, tested beside its modules (app/src/lib/<domain>/*.test.ts): no stack.
  unit: suite(path.join(ROOT, "app", "src"), ".test.ts"),
  pgTap: pgTapFiles(),
  integration: suite(path.join(ROOT, "tests", "integration"), ".test.ts"),
  realtime: suite(path.join(ROOT, "tests", "realtime"), ".test.ts"),
  browser: suite(path.join(ROOT, "tests", "browser"), ".test.ts"),
  city: suite(path.join(ROOT, "tests", "city"), ".test.ts"),
  stack: suite(path.join(ROOT, "tests", "stack"), ".test.ts"),
};
const unknown = chosen.filter((f) => !Object.values(files).some((list) => list.includes(f)));
if (unknown.length > 0) throw new Error(`not a test file of any suite: ${unknown.join(", ")}`);

const started = Date.now();
// The push service stand-in speaks TLS; the stack's functions trust its CA, made now (a run under
// a moved clock gets certificates valid at that time).
const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "kirana-push-"));
const pushCerts = makeTestCertificates(certDir);
let stack: ThrowawayStack | null = null;
const stopStack = async () => {
  await stack?.stop();
  stack = null;
};
process.on("SIGINT", () => void stopStack().then(() => process.exit(130)));

try {
  if (files.unit.length > 0) results.push(await nodeTests("unit", files.unit, {}));
  if (chosen.length === 0) results.push(typecheck(), lint());
  // The shared stack only for the suites that use it (a run of unit files alone starts none).
  const sharedStack = chosen.length === 0 || [files.pgTap, files.integration, files.realtime, files.browser].some((list) => list.length > 0);
  if (sharedStack) {
    const name = `test-${process.pid}`;
    console.log(`\n# Starting a throwaway stack (.stack/${name})`);
    stack = await startThrowawayStack({
      name,
      logFile: path.join(RESULTS_DIR, "stack.log"),
      // Realtime waits 5 s before answering a refused join; like Supabase's own test setup, the
      // throwaway stack waits less so the refusal tests stay fast.
      env: { REALTIME_CHANNEL_ERROR_BACKOFF_MS: "200", NODE_EXTRA_CA_CERTS: pushCerts.ca },
    });
    const env = stackEnv(stack.status);
    const clock = await clocks(stack.status);
    if (clock) results.push(clock);
    if (chosen.length === 0) results.push(await generatedTypes(stack.status));
    if (files.pgTap.length > 0) results.push(pgTap(stack.status, files.pgTap));
    if (files.integration.length > 0) results.push(await nodeTests("integration", files.integration, env));
    // realtime-js leaves a 10 s timer behind each disconnect; these files exit once their tests are done.
    if (files.realtime.length > 0) results.push(await nodeTests("realtime", files.realtime, env, ["--test-force-exit"]));
    if (files.browser.length > 0) results.push(await appTests("browser", stack.status, files.browser));
    await stopStack();
  }
  if (files.city.length > 0) results.push(await cityTests(files.city));
  // Suites that start stacks of their own (start/stop behaviour) run after the shared one is gone.
  if (files.stack.length > 0) results.push(await nodeTests("stack", files.stack, {}, ["--test-force-exit"]));
} catch (e) {
  console.error(`\nerror: ${(e as Error).message}`);
  results.push({ name: "setup", passed: 0, failed: 1 });
} finally {
  await stopStack();
  fs.rmSync(certDir, { recursive: true, force: true });
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`\n${results.map((r) => `${r.name}: ${r.passed} passed, ${r.failed} failed`).join("\n")}`);
console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
