// A stack that lives for one test run or benchmark: its own folder and free ports, fast
// durability settings, deleted when it stops. It runs as a child process, as `npm start` does.
import fs from "node:fs";
import { spawn } from "node:child_process";
import { freePort } from "./instance.js";
import { ROOT } from "./paths.js";
import type { StackStatus } from "./status.js";

// Tests and benchmarks sign in from one address thousands of times in minutes; config.toml's
// limits stay for `npm start`, and a test of the limits sets its own.
const HIGH_AUTH_LIMITS = Object.fromEntries(
  ["SIGN_IN_SIGN_UPS", "TOKEN_REFRESH", "TOKEN_VERIFICATIONS", "ANONYMOUS_USERS"].map((k) => [`AUTH_RATE_LIMIT_${k}`, "1000000"]),
);

export interface ThrowawayStack {
  status: StackStatus;
  stop(): Promise<void>;
}

export async function startThrowawayStack(opts: {
  name: string;
  /** Where the stack's own log goes (it writes to stderr). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Shops in the seeded city (default none: the demo accounts only). */
  cityStores?: number;
}): Promise<ThrowawayStack> {
  const [apiPort, dbPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "stack/cli.ts", "start", "--instance", opts.name, "--api-port", String(apiPort), "--db-port", String(dbPort), "--ephemeral", "--no-app", "--city", String(opts.cityStores ?? 0), "--json"],
    { cwd: ROOT, env: { ...process.env, LITE_TELEMETRY: "0", ...HIGH_AUTH_LIMITS, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stderr!.pipe(fs.createWriteStream(opts.logFile));
  const status = await new Promise<StackStatus>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (c: Buffer) => {
      buf += c.toString();
      const line = buf.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line) as StackStatus);
    });
    child.once("exit", (code) => reject(new Error(`the throwaway stack exited with code ${code}; see ${opts.logFile}`)));
  });
  return {
    status,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
