// Fixes for postgres.js 3.4.x, applied to every copy the project runs: Node's (node_modules) and
// the Edge Functions' (the stack's Deno cache). Upstream: porsager/postgres#1154, #1199, #1208.
//
// When the database restarts or a backend is killed, three things go wrong in 3.4.9/3.4.10:
// - a write shorter than 1 KB is sent from a `setImmediate`; when the socket closed first, that
//   callback throws from a timer, where no caller can catch it, and the whole process dies;
// - a connection reset (hadError) leaves the queries sent meanwhile waiting for ever; the
//   teardown cancels the pending write's timer without forgetting it, so a reconnected
//   connection never sends a short write again, and keeps the dead backend's last error, which
//   the connection's next query then receives;
// - releasing a reserved connection whose socket closed puts the dead connection back in the
//   pool, so a share of later queries fail for ever (kysely, and with it lite's REST, reserves a
//   connection for every request).
// With the fixes those queries fail at once with CONNECTION_CLOSED, and the pool reconnects.
//
// Run by `npm install` (postinstall), by every `npm start`/`npm test` (stack/bin/ensure-deps.mjs)
// and by the stack before it starts the Edge Functions. Idempotent; it refuses to guess when the
// driver's text is not the one it knows (a new version must be checked by hand).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const MARK = "/* closed-socket fixes (stack/bin/patch-postgres.mjs) */";

/** Exact text to find (how many times) and what replaces it, per file of the package. */
const EDITS = {
  "connection.js": [
    {
      before: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
      after: `  function nextWrite(fn) {\n    if (!socket) ${MARK}\n      return writeAfterClose()\n    const x = socket.write(chunk, fn)\n`,
    },
    {
      before: "  function connectTimedOut() {\n",
      after:
        "  function writeAfterClose() {\n    chunk = nextWriteTimer = null\n    error(Errors.connection('CONNECTION_CLOSED', options))\n    return false\n  }\n\n  function connectTimedOut() {\n",
    },
    {
      // terminate() and closed()
      before: "    clearImmediate(nextWriteTimer)\n",
      after: "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n",
      count: 2,
    },
    {
      before: "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n",
      after: "    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n    query = results = errorResponse = null\n",
    },
  ],
  "index.js": [
    {
      before: "    sql.release = () => {\n      c.reserved = null\n      onopen(c)\n    }\n",
      after: `    sql.release = () => {\n      c.reserved = null\n      c.queue === closed || c.queue === ended || onopen(c) ${MARK}\n    }\n`,
    },
  ],
};

/** Patches one copy of connection.js; returns "patched", "already" or throws on unknown text. */
export function patchFile(file) {
  let text = fs.readFileSync(file, "utf8");
  if (text.includes(MARK)) return "already";
  for (const edit of EDITS[path.basename(file)]) {
    const found = text.split(edit.before).length - 1;
    if (found !== (edit.count ?? 1)) {
      throw new Error(`${file}: expected ${edit.count ?? 1} of ${JSON.stringify(edit.before.trim())}, found ${found}; check the fix against this postgres.js version`);
    }
    text = text.split(edit.before).join(edit.after);
  }
  // A new file rather than writing in place: package managers may hard-link it from a shared store.
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return "patched";
}

/** The patched files of every postgres.js 3.x package in `packageDirs`. */
export function patchPackages(packageDirs) {
  const results = [];
  for (const dir of packageDirs) {
    const pkg = path.join(dir, "package.json");
    if (!fs.existsSync(pkg)) continue;
    const version = JSON.parse(fs.readFileSync(pkg, "utf8")).version ?? "";
    if (!version.startsWith("3.")) continue;
    for (const sub of ["src", "cjs/src", "cf/src"]) {
      for (const name of Object.keys(EDITS)) {
        const file = path.join(dir, sub, name);
        if (fs.existsSync(file)) results.push({ file, result: patchFile(file) });
      }
    }
  }
  return results;
}

/** The copies Deno keeps: <DENO_DIR>/npm/registry.npmjs.org/postgres/<version>. */
export function denoCopies(denoDir) {
  const base = path.join(denoDir, "npm", "registry.npmjs.org", "postgres");
  if (!fs.existsSync(base)) return [];
  return fs.readdirSync(base).map((v) => path.join(base, v));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  patchPackages([path.join(root, "node_modules", "postgres")]);
}
