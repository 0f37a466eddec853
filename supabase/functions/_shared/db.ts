import { postgres } from "./deps.ts";

/**
 * A small pool straight to Postgres, for functions whose work is one SQL call: it skips the REST
 * hop. SUPABASE_DB_URL is set by Supabase's edge runtime (and the local stack). No prepared
 * statements, so it also works through a transaction-mode pooler.
 */
export const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, {
  max: 4,
  prepare: false,
  onnotice: () => {},
  // postgres.js' own backoff grows to 20 s after a few refused connects, and a request arriving
  // then waited that long: a short flat one fails each attempt fast and reconnects at once.
  backoff: () => 0.2,
  connect_timeout: 3,
});

/** A refusal raised by private.refuse (SQLSTATE PGRST): its HTTP status and body. */
export function refusal(error: unknown): { status: number; body: Record<string, unknown> } | null {
  const e = error as { code?: string; message?: string; detail?: string };
  if (e?.code !== "PGRST" || !e.message || !e.detail) return null;
  try {
    return { status: JSON.parse(e.detail).status, body: JSON.parse(e.message) };
  } catch {
    return null;
  }
}
