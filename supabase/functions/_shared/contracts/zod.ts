// zod for the contracts: its functional build (zod/mini), so that a page carries only the checks
// it uses, with the English messages the full build gives by default (mini ships none), so that
// checkout's 400 and the app's forms read as before. "zod/mini" resolves from node_modules in the
// app and the tests, and through the function's deno.json under Deno.
import * as z from "zod/mini";

z.config(z.locales.en());

export { z };

/** A check's message as zod takes one: fixed text, or `{ error: () => text }` read when the check fails (so the app can give it in the request's language). */
export type Message = string | { error: () => string };

/** Postgres's char_length(s): code points, not UTF-16 units. */
export const charLength = (s: string): number => [...s].length;

/** Postgres's char_length(btrim(s)): btrim drops spaces only, not tabs or newlines. */
export const btrimLength = (s: string): number => charLength(s.replace(/^ +| +$/g, ""));

/** The tables' length checks, `char_length(btrim(...)) between min and max`. */
export const btrimBetween = (min: number, max: number, message?: Message) => z.refine<string>((s) => btrimLength(s) >= min && btrimLength(s) <= max, message);
export const btrimmed = (min: number, max: number, message?: Message) => z.string().check(btrimBetween(min, max, message));

/** Text of at most max characters, as `char_length(...) <= max`, with zod's own message by default. */
export const upTo = (max: number, message: Message = `Too big: expected string to have <=${max} characters`) =>
  z.string().check(z.refine<string>((s) => charLength(s) <= max, message));

/** A whole number from min to max (an integer column with a `between` check). */
export const whole = (min: number, max: number, message?: Message) => z.int(message).check(z.gte(min, message), z.lte(max, message));
