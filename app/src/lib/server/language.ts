import { AsyncLocalStorage } from "node:async_hooks";
import type { Cookies, Handle } from "@sveltejs/kit";
import { en } from "../i18n/en.js";
import { hi } from "../i18n/hi.js";
import { mr } from "../i18n/mr.js";
import { fromAcceptLanguage, isLanguage, LANGUAGE_COOKIE, setRequestLanguage, type Language, type Messages } from "../i18n/index.js";

// The server holds every language and answers each request in its own: concurrent requests in
// different languages each read theirs from the request's async context.
const catalogues: Record<Language, Messages> = { en, hi, mr };
const current = new AsyncLocalStorage<Language>();
setRequestLanguage(() => {
  const language = current.getStore() ?? "en";
  return { language, messages: catalogues[language] };
});

/** A year: the choice outlives the session (it is no secret, and the page is rendered in it). */
const YEAR = 60 * 60 * 24 * 365;

/** Keeps the choice in the cookie the next request is rendered from. */
export function keepLanguage(cookies: Cookies, language: Language, secure: boolean): void {
  cookies.set(LANGUAGE_COOKIE, language, { path: "/", maxAge: YEAR, httpOnly: false, sameSite: "lax", secure });
}

/**
 * The request's language: the person's choice (the cookie, set by the switch and at sign-in from
 * the profile), else what the browser asks for (Accept-Language). The page says it (`lang`).
 */
export const language: Handle = ({ event, resolve }) => {
  const chosen = event.cookies.get(LANGUAGE_COOKIE);
  const lang = isLanguage(chosen) ? chosen : fromAcceptLanguage(event.request.headers.get("accept-language"));
  event.locals.language = lang;
  return current.run(lang, () => resolve(event, { transformPageChunk: ({ html }) => html.replace("%lang%", lang) }));
};
