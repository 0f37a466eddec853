// Failures the person sees as a plain message are logged here with what is needed to act on
// them: where (the route), what failed and the error itself (its message, code and stack).
import type { RequestEvent } from "@sveltejs/kit";

/** A page load that failed and renders its page's own plain message (`failed: true`) instead. */
export function logLoadFailure(route: { id: string | null }, what: string, error: unknown): void {
  console.error(`load ${route.id ?? "(no route)"}: ${what} failed:`, error);
}

/**
 * An unexpected error behind an error page, logged under a short id that the page shows, so the
 * person can quote it and the log line can be found.
 */
export function logServerError(event: Pick<RequestEvent, "request" | "url" | "route">, status: number, error: unknown): string {
  const id = crypto.randomUUID().slice(0, 8);
  console.error(`error ${id}: ${status} ${event.request.method} ${event.url.pathname} (${event.route.id ?? "no route"}):`, error);
  return id;
}
