// One order attempt's idempotency key, kept in sessionStorage until checkout gives an answer other
// than "retry": a double click, a reload or a retry after a dropped connection sends the same key,
// so the server places the order at most once.
const KEY = "kirana.checkout.key";

export function attemptKey(): string {
  const kept = sessionStorage.getItem(KEY);
  if (kept) return kept;
  const key = crypto.randomUUID();
  sessionStorage.setItem(KEY, key);
  return key;
}

export function endAttempt(): void {
  sessionStorage.removeItem(KEY);
}
