import { RETRY_AFTER_SECONDS } from "./unavailable.ts";

// Edge Functions answer CORS themselves, as on Supabase.
export const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, idempotency-key",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Expose-Headers": "Idempotent-Replayed, Retry-After",
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json", ...headers },
  });
}

export const problem = (status: number, code: string, message: string, details?: unknown) =>
  json(status, details === undefined ? { code, message } : { code, message, details });

/** The database is away: a 503 the client retries after Retry-After, with the same request. */
export const databaseUnavailable = () =>
  json(503, { code: "database_unavailable", message: "The database is not available right now; try again shortly with the same request." }, { "Retry-After": String(RETRY_AFTER_SECONDS) });

/**
 * The caller's user id from the JWT the gateway already verified, or null for the anon key.
 * The platform verifies the signature (verify_jwt); this only reads the claims.
 */
export function callerId(req: Request): string | null {
  const token = req.headers.get("Authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    return claims.role === "authenticated" && typeof claims.sub === "string" ? claims.sub : null;
  } catch {
    return null;
  }
}
