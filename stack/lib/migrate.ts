import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { StackError } from "./errors.js";
import { dbUrl, type Instance } from "./instance.js";
import { MIGRATIONS_DIR, STACK_SQL_DIR } from "./paths.js";
import type { LiteApi } from "./rest.js";

const MIGRATION_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
}

export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => {
      const m = MIGRATION_NAME.exec(f);
      if (!m) throw new StackError(`Migration ${f} must be named <14-digit timestamp>_<snake_case_name>.sql`);
      return { version: m[1]!, name: m[2]!, file: path.join(dir, f) };
    });
}

/** Line and column of a character offset, for error messages a person can act on. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}`;
}

async function runFile(sql: postgres.Sql, file: string): Promise<void> {
  const text = fs.readFileSync(file, "utf8");
  try {
    await sql.begin((tx) => tx.unsafe(text));
  } catch (e) {
    const err = e as postgres.PostgresError;
    const where = err.position ? ` at ${position(text, Number(err.position) - 1)}` : "";
    throw new StackError(`${path.basename(file)}${where}: ${err.message}`);
  }
}

/**
 * Makes a fresh cluster look like a Supabase database (stack/sql), lets lite create its auth
 * tables, then applies supabase/migrations in order, recording them where the Supabase CLI does.
 */
export async function bootstrapDatabase(i: Instance, lite: LiteApi, log: (l: string) => void): Promise<void> {
  const sql = postgres(dbUrl(i), { max: 1, onnotice: () => {} });
  try {
    await runFile(sql, path.join(STACK_SQL_DIR, "01-supabase-roles.sql"));
    await lite.app.ensureSystemSchema();
    for (const f of fs.readdirSync(STACK_SQL_DIR).filter((f) => /^\d\d-/.test(f) && !f.startsWith("01-")).sort()) {
      await runFile(sql, path.join(STACK_SQL_DIR, f));
    }
  } finally {
    await sql.end();
  }
  await applyMigrations(i, log);
}

export async function applyMigrations(i: Instance, log: (l: string) => void): Promise<number> {
  const sql = postgres(dbUrl(i), { max: 1, onnotice: () => {} });
  try {
    const applied = new Set(
      (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map((r) => r.version),
    );
    let count = 0;
    for (const m of migrationFiles()) {
      if (applied.has(m.version)) continue;
      const text = fs.readFileSync(m.file, "utf8");
      try {
        await sql.begin(async (tx) => {
          await tx.unsafe(text);
          await tx`insert into supabase_migrations.schema_migrations (version, name, statements)
                   values (${m.version}, ${m.name}, ${[text]})`;
        });
      } catch (e) {
        const err = e as postgres.PostgresError;
        const where = err.position ? ` at ${position(text, Number(err.position) - 1)}` : "";
        throw new StackError(`Migration ${path.basename(m.file)} failed${where}: ${err.message}`);
      }
      log(`Applied migration ${m.version}_${m.name}`);
      count++;
    }
    // PostgREST reloads its schema cache on this notification; lite reads the catalog per request.
    await sql`notify pgrst, 'reload schema'`;
    return count;
  } finally {
    await sql.end();
  }
}
