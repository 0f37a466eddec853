// A store's products as aisles (the catalogue's categories), for the customer's store page and the
// merchant's Stock page: the aisle list, the first aisles a page renders (a 300-product store
// would otherwise be thousands of DOM nodes on a cheap phone), and the in-store filter. Plain
// functions, so the server (the first response, and the page without JavaScript) and the browser
// (scrolling, jumping and typing) cut the same aisles the same way.
import { z } from "../zod.js";

/**
 * Products rendered at once: the first aisles up to this many (always a whole aisle). A page whose
 * rows are heavier (the Stock page's edit forms) passes a smaller page to each function.
 */
export const PAGE_PRODUCTS = 40;
/** Filter results rendered at once; typing more narrows them. */
export const MAX_MATCHES = 40;

export interface Shelved {
  id: string;
  name: string;
  /** The name in Devanagari, when the product has one. */
  local_name?: string | null;
  category: string;
}

export interface Aisle {
  name: string;
  /** The aisle in a link (`?aisle=<slug>`) and its heading's id (`aisle-<slug>`). */
  slug: string;
  count: number;
}

/** "Atta, Rice & Dal" → "atta-rice-dal": readable in a shared link. */
export const aisleSlug = (name: string): string =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "other";

/** The aisles of products already ordered by category (then name), in that order. */
export function aislesOf(products: readonly Shelved[]): Aisle[] {
  const aisles: Aisle[] = [];
  for (const p of products) {
    const last = aisles.at(-1);
    if (last && last.name === p.category) last.count += 1;
    else aisles.push({ name: p.category, slug: aisleSlug(p.category), count: 1 });
  }
  return aisles;
}

/** The aisles from `start` on that a page renders: whole aisles until PAGE_PRODUCTS are shown. */
export function aisleRange(aisles: readonly Aisle[], start: number, page = PAGE_PRODUCTS): { start: number; end: number } {
  let end = Math.min(Math.max(start, 0), aisles.length);
  for (let shown = 0; end < aisles.length && shown < page; end += 1) shown += aisles[end]!.count;
  return { start: Math.min(start, end), end };
}

/** Where the page before `start` begins, for "earlier aisles". */
export function previousStart(aisles: readonly Aisle[], start: number, page = PAGE_PRODUCTS): number {
  let from = start;
  for (let shown = 0; from > 0 && shown < page; from -= 1) shown += aisles[from - 1]!.count;
  return from;
}

type Range = { start: number; end: number };
const countIn = (aisles: readonly Aisle[], r: Range) => aisles.slice(r.start, r.end).reduce((n, a) => n + a.count, 0);

/**
 * The next page of aisles added after `range`. The aisles before the one the person is in (the
 * last of `range`) give way while more than two pages are drawn, so the DOM stays small however
 * far they scroll.
 */
export function rangeAfter(aisles: readonly Aisle[], range: Range, page = PAGE_PRODUCTS): Range {
  const next = { start: range.start, end: aisleRange(aisles, range.end, page).end };
  while (next.start < range.end - 1 && countIn(aisles, next) > 2 * page) next.start += 1;
  return next;
}

/** The page of aisles before `range` added; those after its first aisle give way the same way. */
export function rangeBefore(aisles: readonly Aisle[], range: Range, page = PAGE_PRODUCTS): Range {
  const next = { start: previousStart(aisles, range.start, page), end: range.end };
  while (next.end > range.start + 1 && countIn(aisles, next) > 2 * page) next.end -= 1;
  return next;
}

/** The products of aisles [start, end) of a list ordered by aisle. */
export function productsIn<T extends Shelved>(products: readonly T[], aisles: readonly Aisle[], range: { start: number; end: number }): T[] {
  const names = new Set(aisles.slice(range.start, range.end).map((a) => a.name));
  return products.filter((p) => names.has(p.category));
}

/** What the filter box takes: a few words, or nothing. */
export const filterQuery = z.catch(z.string().check(z.trim(), z.maxLength(100)), "");

// Latin letters and digits, or Devanagari ones with their vowel signs (NFKD: a nukta is its own
// sign, so "प्याज" begins "प्याज़").
const words = (text: string) =>
  // eslint-disable-next-line no-misleading-character-class -- ranges of code points, vowel signs meant
  text.toLowerCase().normalize("NFKD").split(/[^a-z0-9\u0900-\u0963\u0966-\u097F]+/).filter(Boolean);

/**
 * The products whose name, local name or aisle holds every word typed, each word as the start of
 * one of theirs ("dal tur" finds "Tur Dal", "तूर" finds "अरहर दाल / तूर डाळ"): an in-store filter
 * as fast as typing, not ranked search.
 */
export function filterProducts<T extends Shelved>(products: readonly T[], query: string): T[] {
  const typed = words(query);
  if (typed.length === 0) return [];
  return products.filter((p) => {
    const own = words(`${p.name} ${p.local_name ?? ""} ${p.category}`);
    return typed.every((w) => own.some((o) => o.startsWith(w)));
  });
}
