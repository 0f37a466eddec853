// What every benchmark reports the same way: percentiles, a Markdown table, a JSON file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../stack/lib/paths.js";

export const RESULTS_DIR = path.join(ROOT, "bench-results");

/** The q-quantile (0..1) of ascending values, nearest rank; NaN when there are none. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;
}

/** A Markdown table: the first `textColumns` columns left-aligned, the rest right-aligned. */
export function markdownTable(rows: readonly string[][], textColumns = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => `| ${r.map((cell, c) => (c < textColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, c) => (c < textColumns ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join("\n");
}

/** Writes bench-results/<name>.json with the date and the machine the figures came from. */
export function writeResults(name: string, data: Record<string, unknown>): void {
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  const out = path.join(RESULTS_DIR, `${name}.json`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, ...data }, null, 2));
  console.error(`Wrote ${path.relative(ROOT, out)}`);
}

/**
 * Runs `run` over the work with `clients` concurrent clients, each taking the next item as soon
 * as it is free. Latencies in ms, ascending.
 */
export async function runConcurrently<T>(clients: number, run: (item: T) => Promise<void>, work: readonly T[]): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < work.length) {
        const item = work[next++]!;
        const t = performance.now();
        await run(item);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

/**
 * The first calls of each client warm up (every pooled connection opened and its plans and
 * caches made, JIT in Node): five per client, concurrently, as the measured calls run.
 */
export async function warmUp<T>(clients: number, run: (item: T) => Promise<void>, work: readonly T[]): Promise<void> {
  await runConcurrently(clients, run, work.slice(0, clients * 5));
}

/** Warms up (warmUp), then runs the work with `clients` concurrent clients (runConcurrently). */
export async function measure<T>(clients: number, run: (item: T) => Promise<void>, work: readonly T[]): Promise<{ latencies: number[]; seconds: number }> {
  await warmUp(clients, run, work);
  return runConcurrently(clients, run, work);
}
