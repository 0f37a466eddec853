// Who may do what, as Supabase Realtime decides it: JWTs checked with the project's secret (with
// Realtime's error texts), and private channels authorized by the project's RLS policies on
// realtime.messages, evaluated under the caller's role and claims.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import postgres from "postgres";
import { API_ROLES } from "../jwt.js";

export type Claims = Record<string, unknown>;

export type TokenCheck =
  | { ok: true; claims: Claims }
  | { ok: false; kind: "malformed" | "signature" | "signer" | "expired" | "missing_claims" | "invalid"; secondsAgo?: number };

const HS: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * A token as Realtime checks it (Joken with the project's JWT secret): signature first, then the
 * claims present (`exp` in the future, `iat` a number), then `role` and `exp` must both be there.
 */
export function checkToken(raw: string, secret: string, nowMs = Date.now()): TokenCheck {
  let token = raw;
  try {
    token = decodeURIComponent(raw);
  } catch {
    // keep it as given
  }
  token = token.replace(/\s/g, "");
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, kind: "malformed" };
  const header = decodePart(parts[0]!);
  const claims = decodePart(parts[1]!);
  if (!claims || typeof claims !== "object" || Array.isArray(claims)) return { ok: false, kind: "malformed" };
  if (!header || typeof header !== "object") return { ok: false, kind: "malformed" };
  const algorithm = HS[String((header as { alg?: unknown }).alg)];
  if (!algorithm) return { ok: false, kind: "signer" };
  const expected = createHmac(algorithm, secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, kind: "signature" };
  const c = claims as Claims;
  const now = Math.floor(nowMs / 1000);
  if ("exp" in c) {
    if (typeof c.exp !== "number") return { ok: false, kind: "invalid" };
    if (!(c.exp > now)) return { ok: false, kind: "expired", secondsAgo: now - Math.round(c.exp) };
  }
  if ("iat" in c && typeof c.iat !== "number") return { ok: false, kind: "invalid" };
  if (!("role" in c) || !("exp" in c)) return { ok: false, kind: "missing_claims" };
  return { ok: true, claims: c };
}

/** The `reason` of a refused join, as Realtime words it ("<Code>: <message>"). */
export function joinRefusal(check: Exclude<TokenCheck, { ok: true }>): string {
  switch (check.kind) {
    case "malformed":
      return "MalformedJWT: The token provided is not a valid JWT";
    case "signature":
      return "JwtSignatureError: Failed to validate JWT signature";
    case "signer":
      return "JwtSignerError: Failed to generate JWT signer, check your JWT secret or JWKS configuration";
    case "expired":
      return `InvalidJWTToken: Token has expired ${check.secondsAgo} seconds ago`;
    case "missing_claims":
      return "InvalidJWTToken: Fields `role` and `exp` are required in JWT";
    case "invalid":
      return "Unknown Error on Channel";
  }
}

/** The message of the system event that closes a channel when its token stops being valid. */
export function tokenShutdownMessage(check: Exclude<TokenCheck, { ok: true }>): string {
  switch (check.kind) {
    case "malformed":
      return "The token provided is not a valid JWT";
    case "signature":
      return ":signature_error";
    case "signer":
      // Realtime words only the key-id variant of this error here; the plain one is Elixir's atom.
      return ":error_generating_signer";
    case "expired":
      return `Token has expired ${check.secondsAgo} seconds ago`;
    case "missing_claims":
      return "Fields `role` and `exp` are required in JWT";
    case "invalid":
      return "Unknown Error on Channel";
  }
}

export type Extension = "broadcast" | "presence";

/** Per extension: undefined until evaluated, then whether the policies allow it. */
export interface Policies {
  broadcast: { read?: boolean; write?: boolean };
  presence: { read?: boolean; write?: boolean };
}

export const emptyPolicies = (): Policies => ({ broadcast: {}, presence: {} });

export interface AuthContext {
  topic: string;
  claims: Claims;
  /** Request headers Realtime exposes to policies as `request.headers` (the x-* ones). */
  headers: Record<string, string>;
}

/** A database failure that is not a policy decision (connection lost, pool closed). */
export class DatabaseUnavailable extends Error {}

/** A write policy that raised an error: no decision, so Realtime keeps none and asks again next time. */
export class PolicyError extends Error {}

class Rollback<T> {
  constructor(readonly value: T) {}
}

/** Runs `fn` in a transaction that is always rolled back, returning what it produced. */
async function inRolledBackTransaction<T>(sql: postgres.Sql, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  try {
    await sql.begin(async (tx) => {
      throw new Rollback(await fn(tx));
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value as T;
    if (e instanceof postgres.PostgresError) throw e;
    throw new DatabaseUnavailable((e as Error).message);
  }
  throw new Error("unreachable");
}

/** Realtime's session settings for policies: role, topic, claims, as PostgREST sets them too. */
async function setContext(tx: postgres.TransactionSql, ctx: AuthContext): Promise<void> {
  const role = String(ctx.claims.role ?? "");
  // Realtime's database user may become only the API roles; any other role fails as it would
  // there, and a failed policy check denies.
  if (!API_ROLES.has(ctx.claims.role)) {
    throw new postgres.PostgresError({ code: "42501", message: `permission denied to set role "${role}"` } as never);
  }
  const sub = ctx.claims.sub === undefined || ctx.claims.sub === null ? "" : String(ctx.claims.sub);
  await tx`select set_config('role', ${role}, true),
                  set_config('realtime.topic', ${ctx.topic}, true),
                  set_config('request.jwt.claims', ${JSON.stringify(ctx.claims)}, true),
                  set_config('request.jwt.claim.sub', ${sub}, true),
                  set_config('request.jwt.claim.role', ${role}, true),
                  set_config('request.headers', ${JSON.stringify(ctx.headers)}, true)`;
}

/**
 * Read access, per extension: Realtime inserts one probe row per extension as itself, switches to
 * the caller, and counts the probes the caller's SELECT policies let it see; then rolls back.
 * A policy that errors denies (Realtime treats it the same way).
 */
export async function readAccess(sql: postgres.Sql, ctx: AuthContext, extensions: Extension[], log: (line: string) => void): Promise<Partial<Record<Extension, boolean>>> {
  const probes = extensions.map((extension) => ({ id: randomUUID(), topic: ctx.topic, extension }));
  try {
    return await inRolledBackTransaction(sql, async (tx) => {
      await tx`insert into realtime.messages ${tx(probes, "id", "topic", "extension")}`;
      await setContext(tx, ctx);
      const seen = new Set((await tx<{ id: string }[]>`select id from realtime.messages where id in ${tx(probes.map((p) => p.id))}`).map((r) => r.id));
      return Object.fromEntries(probes.map((p) => [p.extension, seen.has(p.id)]));
    });
  } catch (e) {
    if (e instanceof DatabaseUnavailable) throw e;
    log(`RlsPolicyError: ${(e as Error).message} (topic ${ctx.topic})`);
    return Object.fromEntries(extensions.map((x) => [x, false]));
  }
}

/**
 * Write access, per extension: an insert of a row for the topic as the caller, under a savepoint;
 * an RLS refusal (42501) denies, any other error is a PolicyError. Rolled back.
 */
export async function writeAccess(sql: postgres.Sql, ctx: AuthContext, extensions: Extension[], log: (line: string) => void): Promise<Partial<Record<Extension, boolean>>> {
  try {
    return await inRolledBackTransaction(sql, async (tx) => {
      await setContext(tx, ctx);
      const out: Partial<Record<Extension, boolean>> = {};
      for (const extension of extensions) {
        try {
          await tx.savepoint((sp) => sp`insert into realtime.messages (topic, extension) values (${ctx.topic}, ${extension})`);
          out[extension] = true;
        } catch (e) {
          if ((e as { code?: string }).code !== "42501") throw e;
          out[extension] = false;
        }
      }
      return out;
    });
  } catch (e) {
    if (e instanceof DatabaseUnavailable) throw e;
    log(`RlsPolicyError: ${(e as Error).message} (topic ${ctx.topic})`);
    throw new PolicyError((e as Error).message);
  }
}
