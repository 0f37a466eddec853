import fs from "node:fs";
import path from "node:path";
import type http from "node:http";
import { loadProjectConfig, type ProjectConfig } from "./config.js";
import { StackError } from "./errors.js";
import { FunctionsRuntime } from "./functions.js";
import { createGateway } from "./gateway.js";
import { DatabaseWatch } from "./db-watch.js";
import { apiUrl, assertPortFree, dbUrl, instance, loadOrCreateKeys, type Instance, type Keys } from "./instance.js";
import { applyMigrations, bootstrapDatabase } from "./migrate.js";
import { ROOT } from "./paths.js";
import { ChildRecord, endLeftovers, restartDelayMs } from "./supervise.js";
import { clusterState, ensurePostgresInstalled, initCluster, markInitialized, removeCluster, startPostgres, type RunningPostgres } from "./postgres.js";
import { createLiteApi, type LiteApi } from "./rest.js";
import { ensureStorageSchema, syncBuckets } from "./storage.js";
import { readStatus, statusFile, type StackStatus } from "./status.js";
import { RealtimeServer } from "./realtime/server.js";
import { realtimeOptionsFromEnv } from "./realtime/options.js";
import { ensureRealtimeSchema } from "./realtime/schema.js";
import { configurePushWebhook, ensureWebhooksSchema, WebhookSender } from "./webhooks.js";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { seed, SMALL_CITY_STORES } from "../../seed/seed.js";

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
  // A stack killed outright left its status and perhaps its processes: end them first (they hold its ports).
  await endLeftovers(i, ROOT, log);
  fs.rmSync(statusFile(i.dir), { force: true });
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
  const children = new ChildRecord(i);
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups.length = 0;
    children.clear();
    fs.rmSync(statusFile(i.dir), { force: true });
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
    const pg = await superviseDatabase(i, children, log);
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
    const watch = new DatabaseWatch(dbUrl(i));
    cleanups.push(() => watch.stop());
    watch.start();
    watch.on("down", () => log("The database is away: the APIs answer 503 until it is back."));
    watch.on("up", () => log("The database is back."));

    const functions = new FunctionsRuntime(i, keys, children);
    cleanups.push(() => functions.stopAll());
    await functions.startAll();

    const realtime = new RealtimeServer(dbUrl(i), keys, realtimeOptionsFromEnv());
    cleanups.push(() => realtime.stop());
    await realtime.start();

    const gateway: http.Server = createGateway({ instance: i, keys, config, lite, functions, realtime, watch });
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
    fs.writeFileSync(statusFile(i.dir), JSON.stringify(status, null, 2), { mode: 0o600 });
    return { instance: i, keys, status, config, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Postgres, started again whenever it exits without being asked to (a crash, a kill, an OOM):
 * after the restart delay, and again on each failed attempt (a port or shared memory still held
 * by the old server's last backends) until it accepts connections or the stack stops.
 */
async function superviseDatabase(i: Instance, children: ChildRecord, log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  let current: RunningPostgres = await startPostgres(i);
  children.add(current.process.pid);
  let stopping = false;
  let restarting: Promise<void> | null = null;
  const watch = (pg: RunningPostgres) =>
    pg.process.once("exit", (code, signal) => {
      children.remove(pg.process.pid);
      if (stopping) return;
      log(`PostgreSQL exited (${signal ?? `code ${code}`}); starting it again...`);
      restarting = (async () => {
        while (!stopping) {
          await new Promise((r) => setTimeout(r, restartDelayMs()));
          if (stopping) return;
          try {
            current = await startPostgres(i);
            children.add(current.process.pid);
            if (stopping) return void (await current.stop());
            log("PostgreSQL is accepting connections again.");
            watch(current);
            return;
          } catch (e) {
            log(`PostgreSQL did not start again yet: ${(e as Error).message}`);
          }
        }
      })().finally(() => (restarting = null));
    });
  watch(current);
  return {
    async stop() {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
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
