import { createHmac, timingSafeEqual } from "node:crypto";

// HS256 only: the algorithm Supabase Auth uses with a shared JWT secret.
const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };

export function signJwt(claims: JwtClaims, secret: string): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** The claims of a valid, unexpired token, or null. */
export function verifyJwt(token: string, secret: string, now = Date.now() / 1000): JwtClaims | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (header.alg !== "HS256" || typeof claims !== "object" || claims === null) return null;
  const expected = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (typeof claims.exp === "number" && claims.exp < now) return null;
  return claims;
}
