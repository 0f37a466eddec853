import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as prettier from "prettier";
import { StackError } from "./errors.js";
import { ROOT } from "./paths.js";

/** The schema's TypeScript types, used by the app and the tests. */
export const TYPES_FILE = path.join(ROOT, "app", "src", "lib", "database.types.ts");

const HEADER = "// Generated from the database schema by `npm run types` (supabase gen types). Do not edit.\n\n";

/** Types for the public schema as `supabase gen types typescript` writes them, formatted. */
export async function generateTypes(dbUrl: string): Promise<string> {
  const cli = path.join(ROOT, "node_modules", ".bin", "supabase");
  // The local cluster has no TLS: say so, or the CLI tries it first and warns on stdout.
  const url = new URL(dbUrl);
  if (["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) && !url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  const { stdout } = await promisify(execFile)(cli, ["gen", "types", "typescript", `--remote=${url}`, "--schema", "public"], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  }).catch((e: Error & { stderr?: string }) => {
    throw new StackError(`supabase gen types failed: ${e.stderr?.trim() || e.message}`);
  });
  // The CLI can print notices on stdout before the code; the code starts at its first export.
  const code = stdout.slice(Math.max(0, stdout.search(/^export /m)));
  return HEADER + (await prettier.format(code, { parser: "typescript", printWidth: 100 }));
}

/** Writes the types file, or with `check` fails when it differs from the schema. */
export async function updateTypes(dbUrl: string, check: boolean): Promise<string> {
  const fresh = await generateTypes(dbUrl);
  const current = fs.existsSync(TYPES_FILE) ? fs.readFileSync(TYPES_FILE, "utf8") : "";
  const relative = path.relative(ROOT, TYPES_FILE);
  if (!check) {
    fs.writeFileSync(TYPES_FILE, fresh);
    return `Wrote ${relative}.`;
  }
  if (current !== fresh) throw new StackError(`${relative} does not match the database schema: run npm run types (with the stack running) and commit the result.`);
  return `${relative} matches the database schema.`;
}
