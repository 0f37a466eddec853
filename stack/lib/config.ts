import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { SUPABASE_DIR } from "./paths.js";

/** The parts of supabase/config.toml the local stack honours. */
export interface ProjectConfig {
  apiPort: number;
  dbPort: number;
  studioPort: number;
  siteUrl: string;
  jwtExpiry: number;
  enableSignup: boolean;
  minimumPasswordLength: number;
  /** `schema.function` of the Before User Created hook, when enabled. */
  beforeUserCreatedHook: string | null;
  /** Per-function `verify_jwt`; functions not listed verify JWTs, as on Supabase. */
  verifyJwt: Record<string, boolean>;
  /** `[auth.rate_limit]`: requests per IP address per window (rateLimitWindows). */
  authRateLimits: Record<AuthRateLimit, number>;
  /** `[storage]`: whether Storage is served, its global file size limit and its buckets. */
  storage: { enabled: boolean; fileSizeLimit: number; buckets: Record<string, BucketConfig> };
}

/** A `[storage.buckets.<name>]` table. */
export interface BucketConfig {
  public: boolean;
  /** Bytes; null for none (the global limit applies). */
  fileSizeLimit: number | null;
  /** Null for any type. */
  allowedMimeTypes: string[] | null;
}

/**
 * A size as the Supabase CLI reads config.toml's `file_size_limit` ("50MiB", "1MB", "512KB"):
 * binary units with or without the `i`, as Docker's units.RAMInBytes does.
 */
export function configSizeBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new Error(`file_size_limit must look like "50MiB", got "${text}"`);
  return Math.round(Number.parseFloat(m[1]!) * 1024 ** "bkmgtp".indexOf((m[2] || "b").toLowerCase()));
}

/** The `[auth.rate_limit]` settings the stack applies (it sends no email or SMS). */
export type AuthRateLimit = "sign_in_sign_ups" | "token_refresh" | "token_verifications" | "anonymous_users";

/** Each limit's window, as Supabase Auth counts it. */
export const RATE_LIMIT_WINDOW_MS: Record<AuthRateLimit, number> = {
  sign_in_sign_ups: 5 * 60_000,
  token_refresh: 5 * 60_000,
  token_verifications: 5 * 60_000,
  anonymous_users: 60 * 60_000,
};

// The Supabase CLI's defaults for settings config.toml leaves out.
const RATE_LIMIT_DEFAULTS: Record<AuthRateLimit, number> = { sign_in_sign_ups: 30, token_refresh: 150, token_verifications: 30, anonymous_users: 30 };

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (v && typeof v === "object" ? (v as Table) : {});

export function loadProjectConfig(file = path.join(SUPABASE_DIR, "config.toml")): ProjectConfig {
  const doc = parse(fs.readFileSync(file, "utf8")) as Table;
  const api = table(doc.api);
  const db = table(doc.db);
  const auth = table(doc.auth);
  const email = table(auth.email);
  const hook = table(table(auth.hook).before_user_created);
  const functions = table(doc.functions);
  const hookUri = typeof hook.uri === "string" ? hook.uri : "";
  // pg-functions://<database>/<schema>/<function>
  const hookMatch = /^pg-functions:\/\/[^/]+\/([a-z_][a-z0-9_]*)\/([a-z_][a-z0-9_]*)$/.exec(hookUri);
  if (hook.enabled === true && !hookMatch) {
    throw new Error(`auth.hook.before_user_created.uri must look like pg-functions://postgres/<schema>/<function>, got "${hookUri}"`);
  }
  const verifyJwt: Record<string, boolean> = {};
  for (const [name, fn] of Object.entries(functions)) {
    const v = table(fn).verify_jwt;
    if (typeof v === "boolean") verifyJwt[name] = v;
  }
  // AUTH_RATE_LIMIT_<SETTING> overrides a setting: throwaway stacks serve tests and benchmarks
  // that sign in from one address far more often than a person does.
  const rateLimit = table(auth.rate_limit);
  const authRateLimits = Object.fromEntries(
    (Object.keys(RATE_LIMIT_DEFAULTS) as AuthRateLimit[]).map((k) => [k, Number(process.env[`AUTH_RATE_LIMIT_${k.toUpperCase()}`] ?? rateLimit[k] ?? RATE_LIMIT_DEFAULTS[k])]),
  ) as Record<AuthRateLimit, number>;
  const storage = table(doc.storage);
  const buckets: Record<string, BucketConfig> = {};
  for (const [name, b] of Object.entries(table(storage.buckets))) {
    const t = table(b);
    buckets[name] = {
      public: t.public === true,
      fileSizeLimit: typeof t.file_size_limit === "string" ? configSizeBytes(t.file_size_limit) : null,
      allowedMimeTypes: Array.isArray(t.allowed_mime_types) ? t.allowed_mime_types.map(String) : null,
    };
  }
  return {
    apiPort: Number(api.port ?? 54321),
    dbPort: Number(db.port ?? 54322),
    studioPort: Number(table(doc.studio).port ?? 54323),
    siteUrl: String(auth.site_url ?? "http://127.0.0.1:3000"),
    jwtExpiry: Number(auth.jwt_expiry ?? 3600),
    enableSignup: auth.enable_signup !== false && email.enable_signup !== false,
    minimumPasswordLength: Number(auth.minimum_password_length ?? 6),
    beforeUserCreatedHook: hook.enabled === true && hookMatch ? `${hookMatch[1]}.${hookMatch[2]}` : null,
    verifyJwt,
    authRateLimits,
    storage: {
      enabled: storage.enabled !== false,
      fileSizeLimit: configSizeBytes(typeof storage.file_size_limit === "string" ? storage.file_size_limit : "50MiB"),
      buckets,
    },
  };
}
