import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import postgres from "postgres";
import { StackError } from "./errors.js";
import { dbUrl, type Instance } from "./instance.js";

const PG_MAJOR = 15;
// Debian's layout; POSTGRES_BIN_DIR points elsewhere (another distribution, a custom build).
const BIN_DIR = process.env.POSTGRES_BIN_DIR ?? `/usr/lib/postgresql/${PG_MAJOR}/bin`;
const EXTENSION_DIR = `/usr/share/postgresql/${PG_MAJOR}/extension`;
export const APT_PACKAGES = [
  `postgresql-${PG_MAJOR}`,
  `postgresql-${PG_MAJOR}-postgis-3`,
  `postgresql-${PG_MAJOR}-cron`,
  `postgresql-${PG_MAJOR}-pgtap`,
  "libtap-parser-sourcehandler-pgtap-perl",
];
const INSTALL_COMMAND = `sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(" ")}`;

function missingParts(): string[] {
  const missing: string[] = [];
  for (const bin of ["postgres", "initdb", "pg_ctl"]) {
    if (!fs.existsSync(path.join(BIN_DIR, bin))) missing.push(`${BIN_DIR}/${bin}`);
  }
  for (const ext of ["postgis", "pg_cron", "pgtap"]) {
    if (!fs.existsSync(path.join(EXTENSION_DIR, `${ext}.control`))) missing.push(`the ${ext} extension`);
  }
  if (spawnSync("sh", ["-c", "command -v pg_prove"]).status !== 0) missing.push("pg_prove");
  return missing;
}

/**
 * PostgreSQL 15 with PostGIS, pg_cron and pgTAP must be installed. As root on Debian/Ubuntu we
 * install them (unless the binaries were pointed elsewhere); anyone else gets the exact command.
 */
export function ensurePostgresInstalled(log: (line: string) => void): void {
  let missing = missingParts();
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!isRoot || !hasApt || process.env.POSTGRES_BIN_DIR) {
    throw new StackError(`PostgreSQL ${PG_MAJOR} parts are missing (${missing.join(", ")}). Install them with: ${INSTALL_COMMAND}`);
  }
  log(`Installing PostgreSQL ${PG_MAJOR}, PostGIS, pg_cron and pgTAP with apt-get (first run only)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...APT_PACKAGES]]) {
    const r = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
    if (r.status !== 0) throw new StackError(`apt-get ${args[0]} failed; run it by hand: ${INSTALL_COMMAND}`);
  }
  missing = missingParts();
  if (missing.length > 0) throw new StackError(`Still missing after apt-get: ${missing.join(", ")}`);
}

/** Postgres refuses to run as root, so root runs it as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
  if (!line) throw new StackError("Running as root needs the 'postgres' system user (it comes with the postgresql-15 package).");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function chownTree(dir: string, user: { uid: number; gid: number }): void {
  fs.chownSync(dir, user.uid, user.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else fs.chownSync(p, user.uid, user.gid);
  }
}

export type ClusterState = "missing" | "ready" | "damaged";

/** A cluster is ready only once its bootstrap finished; anything else half-made is damaged. */
export function clusterState(i: Instance): ClusterState {
  if (!fs.existsSync(i.pgData)) return "missing";
  const complete =
    fs.existsSync(path.join(i.pgData, "PG_VERSION")) &&
    fs.existsSync(path.join(i.pgData, "global", "pg_control")) &&
    fs.existsSync(path.join(i.dir, "initialized"));
  return complete ? "ready" : "damaged";
}

export function markInitialized(i: Instance): void {
  fs.writeFileSync(path.join(i.dir, "initialized"), new Date().toISOString());
}

/** Whether the `postgres` user can reach a folder (a checkout under a private home may not be). */
function reachableBy(user: { uid: number; gid: number }, dir: string): boolean {
  return spawnSync("test", ["-x", dir], { uid: user.uid, gid: user.gid }).status === 0;
}

/** Deletes the cluster, including the real folder when it lives outside the instance folder. */
export function removeCluster(i: Instance): void {
  if (fs.existsSync(i.pgData)) fs.rmSync(fs.realpathSync(i.pgData), { recursive: true, force: true });
  fs.rmSync(i.pgData, { recursive: true, force: true });
  fs.rmSync(path.join(i.dir, "initialized"), { force: true });
}

export function initCluster(i: Instance): void {
  fs.mkdirSync(i.logDir, { recursive: true });
  const user = serverUser();
  if (user && !reachableBy(user, i.dir)) {
    // Keep the cluster where the server user can reach it, linked from the instance folder.
    const parent = "/var/tmp/kirana-stack";
    fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
    const target = path.join(parent, createHash("sha1").update(i.pgData).digest("hex").slice(0, 16));
    fs.rmSync(target, { recursive: true, force: true }); // left by an instance folder deleted by hand
    fs.mkdirSync(target, { mode: 0o700 });
    fs.symlinkSync(target, i.pgData);
    chownTree(target, user);
  } else {
    fs.mkdirSync(i.pgData, { recursive: true, mode: 0o700 });
    if (user) chownTree(i.pgData, user);
  }
  const r = spawnSync(
    path.join(BIN_DIR, "initdb"),
    ["-D", fs.realpathSync(i.pgData), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"],
    { encoding: "utf8", ...(user ?? {}) },
  );
  if (r.status !== 0) throw new StackError(`initdb failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}`);
}

export interface RunningPostgres {
  process: ChildProcess;
  stop(): Promise<void>;
}

function serverSettings(i: Instance): string[] {
  const settings: Record<string, string> = {
    port: String(i.dbPort),
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    shared_preload_libraries: "pg_cron",
    "cron.database_name": "postgres",
    "cron.timezone": "UTC",
    timezone: "UTC",
    max_connections: "200",
    wal_level: "logical",
    logging_collector: "off",
    log_min_messages: "warning",
    // Supabase's Small compute; Debian's defaults (128 MB, 1 GB) make bulk seeds crawl.
    shared_buffers: "512MB",
    max_wal_size: "4GB",
    maintenance_work_mem: "256MB",
  };
  if (i.ephemeral) Object.assign(settings, { fsync: "off", synchronous_commit: "off", full_page_writes: "off" });
  return Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
}

export async function startPostgres(i: Instance): Promise<RunningPostgres> {
  const user = serverUser();
  const logFile = path.join(i.logDir, "postgres.log");
  fs.mkdirSync(i.logDir, { recursive: true });
  const out = fs.openSync(logFile, "a");
  if (user) fs.chownSync(logFile, user.uid, user.gid);
  const child = spawn(path.join(BIN_DIR, "postgres"), ["-D", fs.realpathSync(i.pgData), ...serverSettings(i)], {
    stdio: ["ignore", out, out],
    ...(user ?? {}),
  });
  fs.closeSync(out);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once("exit", () => { exited = true; resolve(); }));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new StackError(explainStartFailure(i, logFile));
    const sql = postgres(dbUrl(i), { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      await sql.end();
      break;
    } catch {
      await sql.end({ timeout: 0 }).catch(() => {});
      if (Date.now() > deadline) {
        child.kill("SIGQUIT");
        throw new StackError(`PostgreSQL did not accept connections within 30 s; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    process: child,
    async stop() {
      if (exited) return;
      child.kill("SIGINT"); // fast shutdown: roll back open transactions, flush, exit
      const timer = setTimeout(() => child.kill("SIGQUIT"), 15_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

function explainStartFailure(i: Instance, logFile: string): string {
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n") : "";
  if (/Address already in use|could not bind/i.test(tail)) {
    return `Port ${i.dbPort} is already in use, so PostgreSQL cannot start. Stop whatever uses it or change [db] port in supabase/config.toml.`;
  }
  if (/lock file .* already exists|is another postmaster/i.test(tail)) {
    return `Another PostgreSQL is already running on ${i.pgData}. Stop it first (npm run stop).`;
  }
  if (/PANIC|could not open file|invalid checkpoint|incompatible|corrupt/i.test(tail)) {
    return `The database folder ${path.relative(process.cwd(), i.pgData)} looks damaged. Rebuild it with: npm run db:reset`;
  }
  const last = tail.trim().split("\n").filter((l) => /FATAL|ERROR|PANIC/.test(l)).pop() ?? tail.trim().split("\n").pop();
  return `PostgreSQL exited while starting: ${last ?? "no log"} (log: ${logFile})`;
}
