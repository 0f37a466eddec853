// Runs before `npm start`, `npm test` and `npm run db:reset`: on a fresh clone (or after the
// lockfile changed) installs the npm packages, so no step is done by hand, and makes sure the
// postgres.js fixes (patch-postgres.mjs) are in place.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { patchPackages } from "./patch-postgres.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const installed = path.join(root, "node_modules", ".package-lock.json");
const lock = path.join(root, "package-lock.json");
const stale = !fs.existsSync(installed) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs);
if (stale) {
  console.error("Installing npm packages (first run)...");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("error: npm install failed; fix the error above and run the command again.");
    process.exit(1);
  }
}
// Also when the packages were installed without running scripts (`npm install --ignore-scripts`).
patchPackages([path.join(root, "node_modules", "postgres")]);
