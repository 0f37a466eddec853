import { fileURLToPath } from "node:url";
import path from "node:path";

/** The repository root, whatever the current directory. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SUPABASE_DIR = path.join(ROOT, "supabase");
export const MIGRATIONS_DIR = path.join(SUPABASE_DIR, "migrations");
export const FUNCTIONS_DIR = path.join(SUPABASE_DIR, "functions");
export const PGTAP_DIR = path.join(SUPABASE_DIR, "tests");
export const STACK_SQL_DIR = path.join(ROOT, "stack", "sql");
/** Everything the local stack writes lives under here (git-ignored). */
export const STATE_ROOT = path.join(ROOT, ".stack");
/** Deno's module cache, shared by every instance so npm: imports download once. */
export const DENO_DIR = path.join(STATE_ROOT, "deno-cache");
