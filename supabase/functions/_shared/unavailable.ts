// The database being away, as the Edge Functions and the local stack's gateway both recognise it.
// No imports: Deno and Node load this same file.

/** Seconds a client should wait before trying again (the Retry-After of every 503). */
export const RETRY_AFTER_SECONDS = 1;

/** postgres.js and Postgres errors that mean the connection, not the request, failed. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  // Socket errors, postgres.js' own connection codes, SQLSTATE class 08 (connection exception)
  // and 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now).
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|CONNECT_TIMEOUT)$|^08|^57P0[1-3]$/.test(code);
}
