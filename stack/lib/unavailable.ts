// What each API answers while the database is away: a 503 at once, with Retry-After, in the shape
// that API's clients already read. supabase-js treats a 503 from Auth as retryable
// (AuthRetryableFetchError); PostgREST's own answer to a lost connection is this 503 with code
// PGRST000 (it cannot connect) or PGRST001 (the connection failed during the request).

import { RETRY_AFTER_SECONDS } from "../../supabase/functions/_shared/unavailable.js";

export { isConnectionError } from "../../supabase/functions/_shared/unavailable.js";

export type Api = "rest" | "auth" | "realtime";

export interface Unavailable {
  status: 503;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * The 503 for an API. `lost` says the connection failed while the request ran (PGRST001) rather
 * than the database being known to be away before it started (PGRST000).
 */
export function unavailable(api: Api, detail: string, lost = false): Unavailable {
  const headers = { "retry-after": String(RETRY_AFTER_SECONDS), "content-type": "application/json; charset=utf-8" };
  if (api === "rest") {
    const body = lost
      ? { code: "PGRST001", message: "Database client error. Retrying the connection.", details: detail, hint: null }
      : { code: "PGRST000", message: "Could not connect with the database due to an incorrect db-uri or due to the PostgreSQL service not running.", details: detail, hint: null };
    return { status: 503, headers, body };
  }
  if (api === "auth") {
    return { status: 503, headers: { ...headers, "x-sb-error-code": "database_unavailable" }, body: { code: 503, error_code: "database_unavailable", msg: "The database is not available right now; try again shortly." } };
  }
  return { status: 503, headers, body: { message: "The database is not available right now; try again shortly.", details: detail } };
}
