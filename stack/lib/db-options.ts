/**
 * postgres.js options every long-lived pool of the stack uses, so that the database coming back
 * is noticed at once. postgres.js waits `backoff(retries)` seconds before reconnecting, and its
 * default grows to 20 s after a few refused attempts: a query sent after an outage then waited
 * that long. A short flat backoff keeps each attempt cheap (a refused connect fails at once) and
 * the wait after recovery under a quarter of a second; a connect that gets no answer (a frozen
 * server) gives up after `connect_timeout` seconds instead of 30.
 */
export const RECONNECT_OPTIONS = { backoff: () => 0.2, connect_timeout: 3 } as const;
