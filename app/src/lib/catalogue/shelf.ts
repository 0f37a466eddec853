// What a page of aisles gets from the server: the aisle list, where it starts, and only the
// products it renders (the rest come as JSON from the page's `products` endpoint).
import { z } from "../zod.js";
import { aisleRange, aislesOf, filterProducts, filterQuery, MAX_MATCHES, PAGE_PRODUCTS, productsIn, type Aisle, type Shelved } from "./aisles.js";

export interface Shelf<T extends Shelved> {
  aisles: Aisle[];
  /** Products to a page (PAGE_PRODUCTS unless the page's rows are heavier). */
  page: number;
  start: number;
  products: T[];
  query: string;
  matchCount: number;
  highlight: string | null;
}

/**
 * The shelf for a URL: `?q=` filters, `?product=<id>` starts at that product's aisle and marks it,
 * `?aisle=<slug>` starts at that aisle, else the first aisles. `products` is in aisle order.
 */
export function shelfFor<T extends Shelved>(products: T[], url: URL, page = PAGE_PRODUCTS): Shelf<T> {
  const aisles = aislesOf(products);
  const query = filterQuery.parse(url.searchParams.get("q") ?? "");
  const productId = z.uuid().safeParse(url.searchParams.get("product"));
  const product = productId.success ? products.find((p) => p.id.toLowerCase() === productId.data.toLowerCase()) : undefined;
  const aisleName = product?.category ?? aisles.find((a) => a.slug === url.searchParams.get("aisle"))?.name;
  const range = aisleRange(aisles, Math.max(0, aisles.findIndex((a) => a.name === aisleName)), page);
  const matches = query ? filterProducts(products, query) : [];
  return {
    aisles,
    page,
    start: range.start,
    products: query ? matches.slice(0, MAX_MATCHES) : productsIn(products, aisles, range),
    query,
    matchCount: matches.length,
    highlight: product?.id ?? null,
  };
}
