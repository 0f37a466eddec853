// Debian's Chromium for the browser suite, installed with apt-get on first use as root (as the
// stack does for PostgreSQL); anyone else is shown the command.
import fs from "node:fs";
import { spawnSync } from "node:child_process";

/** Where Debian puts it; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y chromium";

export function ensureChromium(log: (line: string) => void): void {
  if (fs.existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!isRoot || !hasApt || process.env.CHROMIUM_PATH) throw new Error(`Chromium is not at ${CHROMIUM}. Install it with: ${INSTALL_COMMAND}`);
  log("Installing Chromium with apt-get (first run only)...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "chromium"]]) {
    const r = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed; run it by hand: ${INSTALL_COMMAND}`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Still no Chromium at ${CHROMIUM} after apt-get`);
}
