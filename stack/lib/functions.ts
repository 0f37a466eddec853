import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { spawn, type ChildProcess } from "node:child_process";
import { denoCopies, patchPackages } from "../bin/patch-postgres.mjs";
import { apiUrl, dbUrl, freePort, type Instance, type Keys } from "./instance.js";
import { StackError } from "./errors.js";
import { restartDelayMs, type ChildRecord } from "./supervise.js";
import { DENO_DIR, FUNCTIONS_DIR, ROOT } from "./paths.js";

const HOST = path.join(ROOT, "stack", "deno", "host.ts");
export const denoBinary = (): string => {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("deno/package.json")), "deno");
};

/** Function folders, as the Supabase CLI finds them: `supabase/functions/<name>/index.ts`. */
export function functionNames(): string[] {
  if (!fs.existsSync(FUNCTIONS_DIR)) return [];
  return fs
    .readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("_") && !d.name.startsWith("."))
    .filter((d) => fs.existsSync(path.join(FUNCTIONS_DIR, d.name, "index.ts")))
    .map((d) => d.name);
}

/**
 * The flags that give Deno a function's own deno.json (its import map, as `supabase functions
 * deploy` reads it from the function's folder); Deno itself looks for one only around the working
 * directory. No lockfile is written beside it.
 */
export function configFlags(name: string): string[] {
  const config = path.join(FUNCTIONS_DIR, name, "deno.json");
  return fs.existsSync(config) ? ["--config", config, "--no-lock"] : [];
}

/**
 * Fetches the functions' npm: packages into the stack's Deno cache, as `deno cache` does, then
 * applies stack/bin/patch-postgres.mjs to the postgres.js kept there. Downloads need the real
 * clock (a moved one makes every TLS certificate look expired): `npm run test:clock` calls this
 * before it moves the clock.
 */
export async function cacheFunctionDependencies(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // One run per function: each may have its own import map.
  for (const name of functionNames()) {
    const child = spawn(denoBinary(), ["cache", "--quiet", "--node-modules-dir=none", ...configFlags(name), HOST, path.join(FUNCTIONS_DIR, name, "index.ts")], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...env, DENO_DIR, DENO_NO_PACKAGE_JSON: "1", DENO_TLS_CA_STORE: "system,mozilla", NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new StackError(`The Edge Functions' dependencies could not be fetched into the Deno cache: ${stderr.trim().split("\n").pop() ?? `deno exited with ${code}`}`);
  }
  patchPackages(denoCopies(DENO_DIR));
}

/** The `push` function's secrets, made per data folder like the other keys. */
export const pushSecrets = (keys: Keys) => ({
  VAPID_PUBLIC_KEY: keys.vapidPublicKey,
  VAPID_PRIVATE_KEY: keys.vapidPrivateKey,
  VAPID_SUBJECT: "mailto:push@example.com",
  PUSH_WEBHOOK_SECRET: keys.pushWebhookSecret,
});

interface Worker {
  port: number;
  process: ChildProcess;
  ready: Promise<void>;
}

/**
 * One Deno process per function, started with the stack and started again shortly after it dies
 * (or on the next request, if that comes first), so a crashing function never takes the others
 * down.
 */
export class FunctionsRuntime {
  private workers = new Map<string, Worker>();
  // Read once at start, as `supabase start` does: a new function needs a restart.
  private names = new Set(functionNames());
  private stopping = false;

  constructor(private i: Instance, private keys: Keys, private children?: ChildRecord) {}

  async startAll(): Promise<void> {
    await cacheFunctionDependencies(this.env());
    await Promise.all([...this.names].map((n) => this.worker(n)));
  }

  /** The port the function listens on, or null when there is no such function. */
  async portOf(name: string): Promise<number | null> {
    if (!this.names.has(name)) return null;
    return (await this.worker(name)).port;
  }

  private env(): NodeJS.ProcessEnv {
    const fromFile: Record<string, string> = {};
    const envFile = path.join(FUNCTIONS_DIR, ".env");
    if (fs.existsSync(envFile)) {
      for (const line of fs.readFileSync(envFile, "utf8").split("\n")) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
        if (m) fromFile[m[1]!] = m[2]!.replace(/^["']|["']$/g, "");
      }
    }
    // LD_PRELOAD and FAKETIME carry a moved clock (npm run test:clock) to the functions too.
    const passThrough = ["LD_PRELOAD", "FAKETIME", "PATH", "HOME", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE", "DENO_CERT", "NODE_EXTRA_CA_CERTS", "NPM_CONFIG_REGISTRY"];
    return {
      ...Object.fromEntries(passThrough.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
      DENO_DIR,
      // Trust the machine's certificate store too, as npm and curl do (corporate proxies).
      DENO_TLS_CA_STORE: "system,mozilla",
      DENO_NO_UPDATE_CHECK: "1",
      // The repository's package.json is for Node; functions resolve npm: specifiers themselves.
      DENO_NO_PACKAGE_JSON: "1",
      NO_COLOR: "1",
      ...fromFile,
      // The names Supabase's edge runtime sets.
      SUPABASE_URL: apiUrl(this.i),
      SUPABASE_ANON_KEY: this.keys.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: this.keys.serviceRoleKey,
      SUPABASE_PUBLISHABLE_KEY: this.keys.publishableKey,
      SUPABASE_SECRET_KEY: this.keys.secretKey,
      SUPABASE_DB_URL: dbUrl(this.i),
      // Function secrets the push function reads (`supabase secrets set` on Supabase).
      ...pushSecrets(this.keys),
    };
  }

  private async worker(name: string): Promise<Worker> {
    const existing = this.workers.get(name);
    // A process killed by a signal keeps exitCode null: signalCode says it is gone.
    if (existing && existing.process.exitCode === null && existing.process.signalCode === null && !existing.process.killed) {
      await existing.ready;
      return existing;
    }
    const port = await freePort();
    fs.mkdirSync(this.i.logDir, { recursive: true });
    const log = fs.createWriteStream(path.join(this.i.logDir, `function-${name}.log`), { flags: "a" });
    const child = spawn(
      denoBinary(),
      ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-sys", "--no-prompt", "--node-modules-dir=none", ...configFlags(name), HOST, path.join(FUNCTIONS_DIR, name, "index.ts"), String(port)],
      { cwd: ROOT, env: this.env(), stdio: ["ignore", "pipe", "pipe"] },
    );
    const ready = new Promise<void>((resolve, reject) => {
      let seen = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        log.write(chunk);
        seen += chunk.toString();
        if (seen.includes("listening")) resolve();
      });
      child.stderr!.on("data", (chunk: Buffer) => log.write(chunk));
      child.once("exit", (code) => {
        log.end();
        reject(new StackError(`Edge Function ${name} exited with code ${code} before listening; see ${this.i.logDir}/function-${name}.log`));
      });
    });
    let listened = false;
    ready.then(() => (listened = true), () => {});
    const w = { port, process: child, ready };
    this.workers.set(name, w);
    this.children?.add(child.pid);
    child.once("exit", (code, signal) => {
      this.children?.remove(child.pid);
      // One that never booted fails again: each request gets its BOOT_ERROR instead.
      if (this.stopping || !listened || this.workers.get(name) !== w) return;
      console.error(`Edge Function ${name} exited (${signal ?? `code ${code}`}); starting it again...`);
      setTimeout(() => {
        if (!this.stopping && this.workers.get(name) === w) this.worker(name).catch(() => {});
      }, restartDelayMs()).unref();
    });
    await ready;
    return w;
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.workers.values()].map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.process.exitCode !== null || w.process.signalCode !== null) return resolve();
            w.process.once("exit", () => resolve());
            w.process.kill("SIGTERM");
          }),
      ),
    );
  }
}
