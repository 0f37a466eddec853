// `npm run test:clock [-- FILE...]`: runs the test suites with the whole process tree's clock
// moved (Debian's libfaketime), to prove that no test depends on the date or the hour it runs.
// Each moment is a fixed offset from the real clock given to every process the runner starts:
// Node, Postgres, pg_prove, the Edge Functions' Deno and Chromium all see the same moved time.
// What cannot be moved is listed in the README ("Tests and the clock").
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { cacheFunctionDependencies } from "../stack/lib/functions.js";
import { ROOT } from "../stack/lib/paths.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { at: { type: "string", multiple: true } },
});

const YEARS_AHEAD = 3;
const INDIA = "+05:30";

/** A date `years` after today's, at `hhmm` in India (an ISO string with India's offset). */
function aheadInIndia(years: number, hhmm: string, weekday: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  // Move to the asked weekday (0 Sunday … 6 Saturday), so the runs cover different days of the week.
  d.setUTCDate(d.getUTCDate() + ((weekday - d.getUTCDay() + 7) % 7));
  return `${d.toISOString().slice(0, 10)}T${hhmm}:00${INDIA}`;
}

// Three years ahead: at 03:00 in India (shops closed, the small hours of the "day"), and at
// 15:00 (the afternoon break many shops keep), on a Monday and a Thursday (weekly days off).
const moments = values.at?.length ? values.at : [aheadInIndia(YEARS_AHEAD, "03:00", 1), aheadInIndia(YEARS_AHEAD, "15:00", 4)];
for (const m of moments) {
  if (Number.isNaN(Date.parse(m))) {
    console.error(`error: --at takes an ISO date and time with its offset (YYYY-MM-DDTHH:MM+05:30), not "${m}"`);
    process.exit(2);
  }
}

/** libfaketime from Debian's `faketime` package, installed on first use as the stack installs PostgreSQL. */
function faketimeLibrary(): string {
  const find = () =>
    ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]
      .map((d) => path.join(d, "faketime", "libfaketime.so.1"))
      .find((p) => fs.existsSync(p));
  let lib = find();
  if (!lib && process.getuid?.() === 0 && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0) {
    console.log("Installing faketime with apt-get (first run only)...");
    spawnSync("apt-get", ["install", "-y", "-qq", "faketime"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    lib = find();
  }
  if (!lib) {
    console.error("error: libfaketime is missing. Install it with: sudo apt-get install -y faketime");
    process.exit(1);
  }
  return lib;
}

const lib = faketimeLibrary();

// Downloads need the real clock: years ahead, every TLS certificate looks expired. The Edge
// Functions' npm: packages are fetched into the Deno cache now, before the clock moves.
try {
  await cacheFunctionDependencies();
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
const shmBefore = new Set(fs.readdirSync("/dev/shm"));

interface Outcome {
  moment: string;
  summary: string;
  ok: boolean;
}
const outcomes: Outcome[] = [];

for (const moment of moments) {
  const offset = Math.round((Date.parse(moment) - Date.now()) / 1000);
  console.log(`\n## Tests with the clock at ${moment} (${offset >= 0 ? "+" : ""}${offset} s)`);
  const env = { ...process.env, LD_PRELOAD: lib, FAKETIME: `${offset >= 0 ? "+" : ""}${offset}`, TEST_CLOCK_EXPECTED: moment };
  const child = spawn(process.execPath, ["--import", "tsx", "tests/run.ts", ...positionals], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  let tail = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  });
  const code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  const summary = /(\d+ passed, \d+ failed)\s*$/.exec(tail)?.[1] ?? "no summary";
  outcomes.push({ moment, summary, ok: code === 0 });
}

// libfaketime leaves a shared-memory file per process tree behind.
for (const f of fs.readdirSync("/dev/shm")) {
  if (f.startsWith("faketime") && !shmBefore.has(f)) fs.rmSync(path.join("/dev/shm", f), { force: true });
}

console.log("\n## The suites with the clock moved");
for (const o of outcomes) console.log(`${o.ok ? "ok    " : "FAILED"} ${o.moment}: ${o.summary}`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
