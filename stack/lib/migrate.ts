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

/**
 * Runs one SQL file in a transaction, with `after` in the same transaction; a failure names the
 * file and line, which is what a person needs to fix it.
 */
async function runFile(sql: postgres.Sql, file: string, after?: (tx: postgres.TransactionSql, text: string) => Promise<unknown>): Promise<void> {
  const text = fs.readFileSync(file, "utf8");
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe(text);
      await after?.(tx, text);
    });
  } catch (e) {
    const err = e as postgres.PostgresError;
    const line = err.position ? ` at line ${text.slice(0, Number(err.position) - 1).split("\n").length}` : "";
    throw new StackError(`${path.basename(file)} failed${line}: ${err.message}`);
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
    // The rest of stack/sql needs the auth tables lite just made.
    for (const f of fs.readdirSync(STACK_SQL_DIR).filter((f) => /^\d\d-/.test(f) && !f.startsWith("01-")).sort()) {
      await runFile(sql, path.join(STACK_SQL_DIR, f));
    }
  } finally {
    await sql.end();
  }
  await applyMigrations(i, log);
}

/** Applies the migrations not yet recorded; the caller clears lite's schema cache afterwards. */
export async function applyMigrations(i: Instance, log: (l: string) => void): Promise<void> {
  const sql = postgres(dbUrl(i), { max: 1, onnotice: () => {} });
  try {
    const applied = new Set(
      (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map((r) => r.version),
    );
    for (const m of migrationFiles()) {
      if (applied.has(m.version)) continue;
      await runFile(sql, m.file, (tx, text) =>
        tx`insert into supabase_migrations.schema_migrations (version, name, statements)
           values (${m.version}, ${m.name}, ${[text]})`,
      );
      log(`Applied migration ${m.version}_${m.name}`);
    }
  } finally {
    await sql.end();
  }
}
