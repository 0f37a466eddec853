import { language, t } from "../i18n/index.js";
import { z } from "../zod.js";

/**
 * A refusal from the database or an Edge Function: the HTTP status, the machine-readable code
 * (`order_not_found`, `already_claimed`, `invalid_transition`, a SQLSTATE such as `22023`...) and
 * the details a screen needs. Thrown by the client functions for answers that are not part of
 * their own result type, so a page can tell "someone else took the job" from a broken network.
 */
export class Refused extends Error {
  override readonly name = "Refused";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

// PostgREST's error body. `details` is text for Postgres' own errors and an object for the
// refusals of private.refuse, so it is kept as whatever JSON arrived.
const postgrestError = z.object({
  code: z.nullish(z.string()),
  message: z.nullish(z.string()),
  details: z.optional(z.unknown()),
});

/**
 * A refusal in the person's language, translated here in one place from its code. In English the
 * server's own words stay (they can be more precise); in Hindi and Marathi a code the catalogue
 * does not know gets a plain "refused" rather than English in the middle of the page.
 */
export function refusalText(code: string, message: string | null): string {
  if (language() === "en" && message) return message;
  const known = Object.hasOwn(t.refusals, code) ? t.refusals[code] : undefined;
  return known ?? (message ? t.refusals.other : t.refusals.failed);
}

/** The Refused for a failed supabase-js call (`{ error, status }` of its answer). */
export function refusedFrom(error: unknown, status: number): Refused {
  const parsed = postgrestError.safeParse(error);
  const body = parsed.success ? parsed.data : {};
  const code = body.code ?? String(status);
  return new Refused(status, code, refusalText(code, body.message ?? (error instanceof Error ? error.message : null)), body.details ?? null);
}

/** The data of a supabase-js answer (`{ data, error, status }`), or the Refused it carries. */
export function dataOf<T>(answer: { data: T | null; error: unknown; status: number }): T {
  if (answer.error) throw refusedFrom(answer.error, answer.status);
  return answer.data as T;
}

/**
 * The rows of a list answer that match `row`. A row that does not (a field of an unexpected
 * type, say) is left out and logged with what was wrong, so one odd row never empties a screen.
 */
export function validRows<T>(row: z.ZodMiniType<T>, rows: unknown, what: string, log: (message: string) => void = console.error): T[] {
  const kept: T[] = [];
  for (const [i, candidate] of z.array(z.unknown()).parse(rows).entries()) {
    const parsed = row.safeParse(candidate);
    if (parsed.success) kept.push(parsed.data);
    else log(`${what}: row ${i} left out (${z.prettifyError(parsed.error).replaceAll("\n", " ")}): ${JSON.stringify(candidate)}`);
  }
  return kept;
}
