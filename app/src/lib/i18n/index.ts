// The app's messages in the person's language. Each language is one module of the same shape
// (en.ts, hi.ts, mr.ts: `Messages`). The browser loads only the chosen one, as a chunk of its own
// (the root layout's load waits for it before anything renders); the server holds all three and
// answers each request in its own language (hooks.server.ts). `t` reads the active one, so
// components and loads write `t.shop.cart.title` whatever the language.
import type { Messages } from "./en.js";

export type { Messages };

export const languages = ["en", "hi", "mr"] as const;
export type Language = (typeof languages)[number];

/** Each language's name in itself, for the switch. */
export const languageNames: Record<Language, string> = { en: "English", hi: "हिंदी", mr: "मराठी" };

/** The cookie that carries the choice, so the first byte of every page is in it. */
export const LANGUAGE_COOKIE = "lang";

export const isLanguage = (value: unknown): value is Language => typeof value === "string" && (languages as readonly string[]).includes(value);

/** Each language's module, split by the bundler into a chunk of its own. */
export const loaders: Record<Language, () => Promise<Messages>> = {
  en: () => import("./en.js").then((m) => m.en),
  hi: () => import("./hi.js").then((m) => m.hi),
  mr: () => import("./mr.js").then((m) => m.mr),
};

type Active = { language: Language; messages: Messages };
let browserActive: Active | undefined;
let requestActive: (() => Active) | undefined;

/** The server's per-request language (hooks.server.ts sets it once, from its request context). */
export function setRequestLanguage(read: () => Active): void {
  requestActive = read;
}

/** Loads and uses a language in the browser (the root layout's load). */
export async function useLanguage(language: Language): Promise<void> {
  if (browserActive?.language === language) return;
  browserActive = { language, messages: await loaders[language]() };
}

// Outside a browser and before the server sets its per-request source (scripts and tests that
// import the app's modules): English. Never taken in the browser, so no page ships English for it.
const outside: Active | undefined = typeof document === "undefined" ? { language: "en", messages: (await import("./en.js")).en } : undefined;

function active(): Active {
  const current = requestActive?.() ?? browserActive ?? outside;
  if (!current) throw new Error("No language loaded yet: messages are read only once the root layout has loaded one");
  return current;
}

/** The active language. */
export const language = (): Language => active().language;

/** The messages in the active language. */
export const t: Messages = new Proxy({} as Messages, {
  get: (_, key) => active().messages[key as keyof Messages],
});

/**
 * The language a browser asks for in Accept-Language ("mr-IN,mr;q=0.9,en;q=0.8"): the first of
 * ours by the weights it gives, or English.
 */
export function fromAcceptLanguage(header: string | null): Language {
  const asked = (header ?? "")
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { primary: tag.trim().toLowerCase().split("-")[0], q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((a) => a.q > 0 && !Number.isNaN(a.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return asked.map((a) => a.primary).find(isLanguage) ?? "en";
}
