// The local stack's command line: `npm start`, `npm run stop`, `npm run status`, `npm run db:reset`,
// `npm run types` / `npm run types:check`.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { spawn, type ChildProcess } from "node:child_process";
import { StackError } from "./lib/errors.js";
import { appNodeOptions } from "./lib/app-env.js";
import { ROOT } from "./lib/paths.js";
import { formatStatus, resetDatabase, startStack } from "./lib/stack.js";
import { readStatus } from "./lib/status.js";
import { updateTypes } from "./lib/types.js";

const APP_PORT = 5173;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    instance: { type: "string", default: "dev" },
    "api-port": { type: "string" },
    "db-port": { type: "string" },
    ephemeral: { type: "boolean", default: false },
    "no-app": { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    "db-url": { type: "string" },
    city: { type: "string" },
  },
});
const command = positionals[0] ?? "start";
const name = values.instance!;

function startApp(env: Record<string, string>): ChildProcess {
  // vite itself, not through npm, so stopping it stops the server and not just a wrapper.
  return spawn(path.join(ROOT, "node_modules", ".bin", "vite"), ["dev", "--port", String(APP_PORT), "--strictPort", "--host", "127.0.0.1"], {
    cwd: path.join(ROOT, "app"),
    env: { ...process.env, ...appNodeOptions(), ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/** `--city N`: shops in the city seeded into a new database (0: demo accounts only). */
function cityStores(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,7}$/.test(value)) {
    console.error(`error: --city takes a number of shops, such as --city 0, not "${value}".`);
    process.exit(1);
  }
  return Number(value);
}

const withApp = command === "start" && !values["no-app"] && fs.existsSync(path.join(ROOT, "app", "package.json"));
const stackOptions = {
  name,
  appUrl: withApp ? `http://127.0.0.1:${APP_PORT}` : undefined,
  apiPort: values["api-port"] ? Number(values["api-port"]) : undefined,
  dbPort: values["db-port"] ? Number(values["db-port"]) : undefined,
  ephemeral: values.ephemeral,
  cityStores: cityStores(values.city),
  log: (l: string) => console.error(l),
};

async function start(): Promise<void> {
  // A signal while starting is held until the stack is up, then stops it: nothing is orphaned.
  let signalled = false;
  let exitCode = 0;
  let stopNow: (() => Promise<void>) | null = null;
  const onSignal = () => {
    if (signalled) return;
    signalled = true;
    void stopNow?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  // A bug must not leave Postgres and the functions running without their stack: stop them too.
  const onCrash = (e: unknown) => {
    console.error("The local stack failed:", e);
    exitCode = 1;
    if (!stopNow) process.exit(1); // still starting: startStack's own failure path cleans up
    onSignal();
  };
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);

  const stack = await startStack(stackOptions);
  const app = withApp && !signalled ? startApp({ PUBLIC_SUPABASE_URL: stack.status.API_URL, PUBLIC_SUPABASE_ANON_KEY: stack.status.ANON_KEY }) : null;
  stopNow = async () => {
    console.error("Stopping the local stack...");
    if (app && app.exitCode === null) {
      const exited = new Promise((r) => app.once("exit", r));
      app.kill("SIGTERM");
      await exited;
    }
    await stack.stop();
    process.exit(exitCode);
  };
  if (signalled) return stopNow();
  app?.once("exit", (code) => {
    if (!signalled) console.error(`The app exited (code ${code}); the API keeps running.`);
  });

  // One JSON line on stdout is how test runners learn the stack is ready.
  if (values.json) console.log(JSON.stringify(stack.status));
  else console.log(`\nLocal stack is running.\n\n${formatStatus(stack.status)}\n\nPress Ctrl-C to stop.`);
}

async function stop(): Promise<void> {
  const s = readStatus(name);
  if (!s) return console.log("The local stack is not running.");
  process.kill(s.pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (readStatus(name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  console.log(readStatus(name) ? `Stack (pid ${s.pid}) did not stop within 30 s.` : "Stopped.");
}

function status(): void {
  const s = readStatus(name);
  if (!s) {
    if (values.json) console.log(JSON.stringify({ running: false }));
    else console.error("The local stack is not running. Start it with: npm start");
    process.exitCode = 1;
    return;
  }
  console.log(values.json ? JSON.stringify(s, null, 2) : formatStatus(s));
}

async function types(): Promise<void> {
  const url = values["db-url"] ?? readStatus(name)?.DB_URL;
  if (!url) throw new StackError("The local stack is not running: start it (npm start) or pass --db-url.");
  console.log(await updateTypes(url, values.check));
}

try {
  if (command === "start") await start();
  else if (command === "types") await types();
  else if (command === "stop") await stop();
  else if (command === "status") status();
  else if (command === "db-reset") await resetDatabase(stackOptions).then(() => console.log("Database rebuilt."));
  else throw new StackError(`Unknown command "${command}". Use start, stop, status, db-reset or types.`);
} catch (e) {
  if (e instanceof StackError) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
