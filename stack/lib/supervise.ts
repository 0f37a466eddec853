// What keeps the stack's processes in hand: parts that die are started again after a short delay,
// and every child process is recorded in the instance folder, so a stack that was killed outright
// (SIGKILL, a crashed terminal) leaves nothing running that the next start does not end first.
import fs from "node:fs";
import path from "node:path";
import type { Instance } from "./instance.js";

/** How long the stack waits before starting a part that died again (STACK_RESTART_DELAY_MS). */
export function restartDelayMs(): number {
  const v = Number(process.env.STACK_RESTART_DELAY_MS);
  return Number.isFinite(v) && v >= 0 ? v : 250;
}

const childrenFile = (i: Instance) => path.join(i.dir, "children");

/** The pids of the processes the running stack started, one a line. */
export class ChildRecord {
  private readonly pids = new Set<number>();
  constructor(private readonly i: Instance) {}
  add(pid: number | undefined): void {
    if (!pid) return;
    this.pids.add(pid);
    this.write();
  }
  remove(pid: number | undefined): void {
    if (pid && this.pids.delete(pid)) this.write();
  }
  clear(): void {
    this.pids.clear();
    fs.rmSync(childrenFile(this.i), { force: true });
  }
  private write(): void {
    fs.mkdirSync(this.i.dir, { recursive: true });
    fs.writeFileSync(childrenFile(this.i), [...this.pids].join("\n"));
  }
}

/** The command line of a live process, or null when there is none (or no /proc to ask). */
export function commandLine(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return null;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Ends what a stack that did not stop cleanly left running for this instance: the children it
 * recorded, and a Postgres still holding the data folder. Only processes whose command line
 * names this repository or this data folder are touched (a recycled pid is someone else's).
 */
export async function endLeftovers(i: Instance, root: string, log: (line: string) => void): Promise<void> {
  const pids = new Set<number>();
  if (fs.existsSync(childrenFile(i))) {
    for (const line of fs.readFileSync(childrenFile(i), "utf8").split("\n")) if (/^\d+$/.test(line)) pids.add(Number(line));
  }
  const lock = path.join(i.pgData, "postmaster.pid");
  if (fs.existsSync(lock)) {
    const pid = Number(fs.readFileSync(lock, "utf8").split("\n")[0]);
    if (pid > 0) pids.add(pid);
  }
  const pgData = fs.existsSync(i.pgData) ? fs.realpathSync(i.pgData) : i.pgData;
  const ours = [...pids].filter((pid) => {
    const cmd = commandLine(pid);
    return cmd !== null && (cmd.includes(root) || cmd.includes(pgData));
  });
  if (ours.length > 0) {
    log(`Ending ${ours.length} process(es) left running by a stack that did not stop cleanly...`);
    // SIGINT is Postgres' fast shutdown; Deno ends on either.
    for (const pid of ours) process.kill(pid, commandLine(pid)?.includes(pgData) ? "SIGINT" : "SIGTERM");
    const deadline = Date.now() + 15_000;
    while (ours.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const pid of ours.filter(alive)) process.kill(pid, "SIGKILL");
    while (ours.some(alive)) await new Promise((r) => setTimeout(r, 50));
  }
  fs.rmSync(childrenFile(i), { force: true });
}
