// The status file of a running stack (`<state>/<instance>/status.json`), on its own so that
// whatever only needs to find a running stack (the seed's command, the tests) does not load it.
import fs from "node:fs";
import path from "node:path";
import { STATE_ROOT } from "./paths.js";
import { commandLine } from "./supervise.js";

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

/** Where a stack writes its status, in its instance folder. */
export const statusFile = (dir: string) => path.join(dir, "status.json");

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
  const file = statusFile(path.join(STATE_ROOT, name));
  if (!fs.existsSync(file)) return null;
  const s = JSON.parse(fs.readFileSync(file, "utf8")) as StackStatus;
  // A pid the system gave to another program since is not this stack.
  const cmd = commandLine(s.pid);
  return isAlive(s.pid) && (cmd === null || cmd.includes("cli.ts")) ? s : null;
}
