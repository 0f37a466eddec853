import fs from "node:fs";
import path from "node:path";
import type http from "node:http";
import { loadProjectConfig, type ProjectConfig } from "./config.js";
import { StackError } from "./errors.js";
import { FunctionsRuntime } from "./functions.js";
import { createGateway } from "./gateway.js";
import { apiUrl, assertPortFree, dbUrl, instance, loadOrCreateKeys, type Instance, type Keys } from "./instance.js";
import { applyMigrations, bootstrapDatabase } from "./migrate.js";
import { STATE_ROOT } from "./paths.js";
import { clusterState, ensurePostgresInstalled, initCluster, markInitialized, removeCluster, startPostgres, type RunningPostgres } from "./postgres.js";
import { createLiteApi, type LiteApi } from "./rest.js";
import { ensureStorageSchema, syncBuckets } from "./storage.js";
import { RealtimeServer } from "./realtime/server.js";
import { realtimeOptionsFromEnv } from "./realtime/options.js";
import { ensureRealtimeSchema } from "./realtime/schema.js";
import { configurePushWebhook, ensureWebhooksSchema, WebhookSender } from "./webhooks.js";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { seed, SMALL_CITY_STORES } from "../../seed/seed.js";

/** What `npm run status` prints; written while the stack runs. */
export interface StackStatus {
  pid: number;
  instance: string;
  API_URL: string;
  REST_URL: string;
  AUTH_URL: string;
  FUNCTIONS_URL: string;
  REALTIME_URL: string;
  DB_URL: string;
  PUBLISHABLE_KEY: string;
  SECRET_KEY: string;
  ANON_KEY: string;
  SERVICE_ROLE_KEY: string;
  JWT_SECRET: string;
  VAPID_PUBLIC_KEY: string;
  VAPID_PRIVATE_KEY: string;
  PUSH_WEBHOOK_SECRET: string;
  APP_URL?: string;
}

const statusFile = (i: Instance) => path.join(i.dir, "status.json");

export function describe(i: Instance, keys: Keys): StackStatus {
  const api = apiUrl(i);
  return {
    pid: process.pid,
    instance: i.name,
    API_URL: api,
    REST_URL: `${api}/rest/v1`,
    AUTH_URL: `${api}/auth/v1`,
    FUNCTIONS_URL: `${api}/functions/v1`,
    REALTIME_URL: `${api.replace(/^http/, "ws")}/realtime/v1`,
    DB_URL: dbUrl(i),
    PUBLISHABLE_KEY: keys.publishableKey,
    SECRET_KEY: keys.secretKey,
    ANON_KEY: keys.anonKey,
    SERVICE_ROLE_KEY: keys.serviceRoleKey,
    JWT_SECRET: keys.jwtSecret,
    VAPID_PUBLIC_KEY: keys.vapidPublicKey,
    VAPID_PRIVATE_KEY: keys.vapidPrivateKey,
    PUSH_WEBHOOK_SECRET: keys.pushWebhookSecret,
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The status of the stack running for this instance folder, or null. */
export function readStatus(name: string): StackStatus | null {
  const file = path.join(STATE_ROOT, name, "status.json");
  if (!fs.existsSync(file)) return null;
  const s = JSON.parse(fs.readFileSync(file, "utf8")) as StackStatus;
  return isAlive(s.pid) ? s : null;
}

export interface StartOptions {
  name: string;
  apiPort?: number;
  dbPort?: number;
  /** Throwaway: faster durability settings, and the whole instance folder is deleted on stop. */
  ephemeral?: boolean;
  /** Where the app is served, when it runs beside the stack; shown by status. */
  appUrl?: string;
  /** Shops in the city seeded into a new database (default SMALL_CITY_STORES; 0 for none). */
  cityStores?: number;
  log?: (line: string) => void;
}

export interface RunningStack {
  instance: Instance;
  keys: Keys;
  status: StackStatus;
  config: ProjectConfig;
  stop(): Promise<void>;
}

export async function startStack(opts: StartOptions): Promise<RunningStack> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const config = loadProjectConfig();
  const i = instance(opts.name, opts.apiPort ?? config.apiPort, opts.dbPort ?? config.dbPort, opts.ephemeral ?? false);

  const running = readStatus(i.name);
  if (running) {
    throw new StackError(`The local stack is already running (pid ${running.pid}) at ${running.API_URL}. See it with: npm run status`);
  }
  for (const port of [i.apiPort, i.dbPort]) {
    await assertPortFree(port).catch(() => {
      throw new StackError(`Port ${port} is already in use. Stop the program using it, or change the port in supabase/config.toml.`);
    });
  }
  ensurePostgresInstalled(log);

  const state = clusterState(i);
  if (state === "damaged") {
    throw new StackError(`The database folder ${path.relative(process.cwd(), i.pgData)} is damaged or was never finished. Rebuild it with: npm run db:reset`);
  }
  const fresh = state === "missing";
  const keys = loadOrCreateKeys(i);
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups.length = 0;
    fs.rmSync(statusFile(i), { force: true });
    if (i.ephemeral) {
      removeCluster(i);
      fs.rmSync(i.dir, { recursive: true, force: true });
    }
  };
  try {
    if (fresh) {
      log("Creating the local database (first run)...");
      initCluster(i);
    }
    const pg: RunningPostgres = await startPostgres(i);
    cleanups.push(() => pg.stop());
    const lite: LiteApi = createLiteApi(i, keys, config);
    cleanups.push(() => lite.close());
    if (fresh) await bootstrapDatabase(i, lite, log);
    else {
      // Databases made before stack/sql/03-realtime.sql existed get it before the migrations run.
      await ensureRealtimeSchema(dbUrl(i));
      await ensureWebhooksSchema(dbUrl(i));
      // Lite makes its storage schema only on a fresh database; the migrations need it.
      if (config.storage.enabled) await ensureStorageSchema(dbUrl(i));
      await applyMigrations(i, log);
    }
    if (config.storage.enabled) await syncBuckets(dbUrl(i), config.storage.buckets);
    await lite.connection.clearSchemaCache();
    await lite.listenForSchemaReloads();

    const functions = new FunctionsRuntime(i, keys);
    cleanups.push(() => functions.stopAll());
    await functions.startAll();

    const realtime = new RealtimeServer(dbUrl(i), keys, realtimeOptionsFromEnv());
    cleanups.push(() => realtime.stop());
    await realtime.start();

    const gateway: http.Server = createGateway({ instance: i, keys, config, lite, functions, realtime });
    await new Promise<void>((resolve, reject) => {
      gateway.once("error", reject);
      gateway.listen(i.apiPort, "127.0.0.1", () => resolve());
    });
    cleanups.push(async () => {
      // WebSockets outlive the HTTP server's own connection tracking: close them first.
      await realtime.stop();
      await new Promise<void>((resolve) => {
        gateway.closeAllConnections();
        gateway.close(() => resolve());
      });
    });

    // Database Webhooks: sent once the gateway is up, and pointed at this stack's port.
    const webhooks = new WebhookSender(dbUrl(i), log);
    await webhooks.start();
    cleanups.push(() => webhooks.stop());
    await configurePushWebhook(dbUrl(i), `${apiUrl(i)}/functions/v1/push`, keys.pushWebhookSecret);

    if (fresh) {
      const stores = opts.cityStores ?? SMALL_CITY_STORES;
      const city = await seed({ apiUrl: apiUrl(i), anonKey: keys.anonKey, dbUrl: dbUrl(i), serviceRoleKey: keys.serviceRoleKey }, { stores, seed: 1 });
      if (stores > 0) log(`Seeded a city of ${city.stores} shops and ${city.products} products, ${city.photos} with photos (npm run seed -- --stores N for another).`);
      markInitialized(i);
    }
    const status = { ...describe(i, keys), ...(opts.appUrl ? { APP_URL: opts.appUrl } : {}) };
    fs.writeFileSync(statusFile(i), JSON.stringify(status, null, 2), { mode: 0o600 });
    return { instance: i, keys, status, config, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export function formatStatus(s: StackStatus): string {
  const rows: Array<[string, string]> = [
    ["API URL", s.API_URL],
    ["REST URL", s.REST_URL],
    ["Auth URL", s.AUTH_URL],
    ["Functions URL", s.FUNCTIONS_URL],
    ["Realtime URL", s.REALTIME_URL],
    ["DB URL", s.DB_URL],
    ["Publishable key", s.PUBLISHABLE_KEY],
    ["Secret key", s.SECRET_KEY],
    ["anon key", s.ANON_KEY],
    ["service_role key", s.SERVICE_ROLE_KEY],
    ["JWT secret", s.JWT_SECRET],
    ["VAPID public key", s.VAPID_PUBLIC_KEY],
    ["VAPID private key", s.VAPID_PRIVATE_KEY],
    ["Push webhook secret", s.PUSH_WEBHOOK_SECRET],
  ];
  if (s.APP_URL) rows.unshift(["App URL", s.APP_URL]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padStart(width)}: ${v}`);
  lines.push("", `Demo accounts (password ${DEMO_PASSWORD}):`);
  for (const a of DEMO_ACCOUNTS) lines.push(`  ${a.role.padEnd(8)} ${a.email}`);
  return lines.join("\n");
}

export async function resetDatabase(opts: StartOptions): Promise<void> {
  const { name } = opts;
  if (readStatus(name)) throw new StackError("The local stack is running. Stop it (Ctrl-C in its terminal, or npm run stop) before npm run db:reset.");
  const config = loadProjectConfig();
  removeCluster(instance(name, opts.apiPort ?? config.apiPort, opts.dbPort ?? config.dbPort));
  opts.log?.("Rebuilding the local database from migrations and seed...");
  const stack = await startStack(opts);
  await stack.stop();
}
