import { createHmac, timingSafeEqual } from "node:crypto";

// HS256 only: the algorithm Supabase Auth uses with a shared JWT secret.
const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/**
 * The roles Supabase's API servers switch to for a token (PostgREST's `authenticator` and
 * Realtime are granted only these): a token naming another role is refused.
 */
export const API_ROLES: ReadonlySet<unknown> = new Set(["anon", "authenticated", "service_role"]);

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };

export function signJwt(claims: JwtClaims, secret: string): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** A token signed with the secret (HS256): its header and claims, whatever its times say. */
export interface SignedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
}

export function signedJwt(token: string, secret: string): SignedJwt | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (header?.alg !== "HS256" || typeof claims !== "object" || claims === null) return null;
  const expected = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { header, claims };
}

/** The claims of a signed token that has not expired, or null. */
export function unexpired(token: SignedJwt | null, now = Date.now() / 1000): JwtClaims | null {
  if (!token || (typeof token.claims.exp === "number" && token.claims.exp < now)) return null;
  return token.claims;
}

/** The claims of a valid, unexpired token, or null. */
export function verifyJwt(token: string, secret: string, now = Date.now() / 1000): JwtClaims | null {
  return unexpired(signedJwt(token, secret), now);
}

/**
 * signedJwt for a server that sees the same few tokens on every request: each token's signature
 * is checked once (its times are the caller's to check, on every use).
 */
export function signedJwtCache(secret: string, size = 10_000): (token: string) => SignedJwt | null {
  const seen = new Map<string, SignedJwt | null>();
  return (token) => {
    let signed = seen.get(token);
    if (signed === undefined) {
      if (seen.size >= size) seen.clear();
      signed = signedJwt(token, secret);
      seen.set(token, signed);
    }
    return signed;
  };
}
