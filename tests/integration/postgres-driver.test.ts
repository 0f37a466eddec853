// postgres.js with the stack's fixes (stack/bin/patch-postgres.mjs), as Node (the stack, seed,
// tests) and Deno (the Edge Functions) load it: a connection whose backend dies fails its
// queries and the pool carries on, instead of the process dying or a query waiting for ever.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { patchFile } from "../../stack/bin/patch-postgres.mjs";
import { denoBinary } from "../../stack/lib/functions.js";
import { DENO_DIR, FUNCTIONS_DIR, ROOT } from "../../stack/lib/paths.js";
import { env } from "../support/env.js";

const SCENARIO = path.join(ROOT, "tests", "support", "closed-connection.mjs");
const script = (postgresSpecifier: string) =>
  `import postgres from ${JSON.stringify(postgresSpecifier)};
   import { closedConnection } from ${JSON.stringify(`file://${SCENARIO}`)};
   console.log(JSON.stringify(await closedConnection(postgres, ${JSON.stringify(env.dbUrl)})));`;

function expectSurvived(run: { status: number | null; stdout: string; stderr: string }) {
  assert.equal(run.status, 0, `the process died: ${run.stderr.trim().split("\n").slice(-6).join("\n")}`);
  const outcome = JSON.parse(run.stdout.trim().split("\n").pop()!) as { first: string; second: string; after: string[] };
  // The first query meets the reset itself or the closed connection; either is an error it can catch.
  assert.ok(["ECONNRESET", "CONNECTION_CLOSED"].includes(outcome.first), `first query: ${outcome.first}`);
  assert.equal(outcome.second, "CONNECTION_CLOSED");
  assert.deepEqual(outcome.after, Array(8).fill("ok"), "after the release every query of the pool succeeds");
}

test("Node: a reserved connection whose backend is killed fails its queries and the pool carries on", () => {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script("postgres")], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expectSurvived(run);
});

test("Deno: the Edge Functions' pinned postgres.js, from the stack's Deno cache, survives the same", () => {
  const deps = fs.readFileSync(path.join(FUNCTIONS_DIR, "_shared", "deps.ts"), "utf8");
  const specifier = /"(npm:postgres@[^"]+)"/.exec(deps)?.[1];
  assert.ok(specifier, "the functions pin postgres.js in _shared/deps.ts");
  const run = spawnSync(denoBinary(), ["eval", "--quiet", "--node-modules-dir=none", script(specifier)], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, DENO_DIR, DENO_NO_PACKAGE_JSON: "1", NO_COLOR: "1" },
  });
  expectSurvived(run);
});

test("the fix refuses a driver text it does not know, and applies once", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "patch-postgres-"));
  try {
    const unknown = path.join(dir, "connection.js");
    fs.writeFileSync(unknown, "function nextWrite(fn) { return socket.write(chunk, fn) }\n");
    assert.throws(() => patchFile(unknown), /check the fix against this postgres\.js version/);

    const original = path.join(ROOT, "node_modules", "postgres", "src", "connection.js");
    const copy = path.join(dir, "patched", "connection.js");
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(original, copy);
    assert.equal(patchFile(copy), "already", "npm install and npm test leave node_modules patched");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
