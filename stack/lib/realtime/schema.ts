import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { STACK_SQL_DIR } from "../paths.js";

/** Applies stack/sql/03-realtime.sql; idempotent, so databases made before it get it too. */
export async function ensureRealtimeSchema(dbUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const text = fs.readFileSync(path.join(STACK_SQL_DIR, "03-realtime.sql"), "utf8");
    await sql.begin((tx) => tx.unsafe(text));
  } finally {
    await sql.end();
  }
}
