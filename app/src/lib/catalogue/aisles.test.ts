// A store's products in aisles (app/src/lib/catalogue): pure logic, no server. Pages of whole
// aisles, the page before, the shelf a URL asks for, and the in-store filter.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { aisleRange, aisleSlug, aislesOf, filterProducts, MAX_MATCHES, PAGE_PRODUCTS, previousStart, rangeAfter, rangeBefore } from "./aisles.js";
import { shelfFor } from "./shelf.js";

const product = (category: string, name: string) => ({ id: randomUUID(), name, category });
// Aisles of 30, 30, 5, 50 and 2 products, in aisle order.
const sizes: [string, number][] = [["Atta, Rice & Dal", 30], ["Bread & Bakery", 30], ["Eggs", 5], ["Vegetables", 50], ["Frozen Food", 2]];
const products = sizes.flatMap(([aisle, n]) => Array.from({ length: n }, (_, i) => product(aisle, `${aisle.split(/\W/)[0]} item ${i}`)));
const url = (query = "") => new URL(`http://app.test/customer/stores/x${query}`);

describe("aisles", () => {
  it("lists the aisles in order with their sizes and slugs", () => {
    assert.deepEqual(aislesOf(products).map((a) => [a.name, a.slug, a.count]), sizes.map(([name, n]) => [name, aisleSlug(name), n]));
    assert.equal(aisleSlug("Atta, Rice & Dal"), "atta-rice-dal");
    assert.equal(aisleSlug("!!"), "other");
  });

  it("a page is whole aisles up to a page of products, at least one aisle", () => {
    const aisles = aislesOf(products);
    assert.equal(PAGE_PRODUCTS, 40);
    assert.deepEqual(aisleRange(aisles, 0), { start: 0, end: 2 });
    assert.deepEqual(aisleRange(aisles, 2), { start: 2, end: 4 });
    assert.deepEqual(aisleRange(aisles, 3), { start: 3, end: 4 });
    assert.deepEqual(aisleRange(aisles, 4), { start: 4, end: 5 });
    assert.equal(previousStart(aisles, 4), 3);
    assert.equal(previousStart(aisles, 3), 0);
    assert.equal(previousStart(aisles, 2), 0);
    assert.equal(previousStart(aisles, 0), 0);
  });

  it("scrolling on or back adds a page of aisles, and the ones far away give way", () => {
    const aisles = aislesOf(products);
    // Past two pages (80), the aisles before the one the person is in give way.
    assert.deepEqual(rangeAfter(aisles, { start: 0, end: 2 }), { start: 1, end: 4 });
    assert.deepEqual(rangeAfter(aisles, { start: 1, end: 4 }), { start: 2, end: 5 });
    assert.deepEqual(rangeAfter(aisles, { start: 0, end: 1 }), { start: 0, end: 4 });
    assert.deepEqual(rangeBefore(aisles, { start: 4, end: 5 }), { start: 3, end: 5 });
    assert.deepEqual(rangeBefore(aisles, { start: 2, end: 4 }), { start: 0, end: 3 });
    // A smaller page for heavier rows.
    assert.deepEqual(aisleRange(aisles, 0, 20), { start: 0, end: 1 });
    assert.deepEqual(rangeAfter(aisles, { start: 0, end: 1 }, 20), { start: 0, end: 2 });
  });

  it("a URL asks for the first aisles, an aisle, a product (marked) or a filter", () => {
    const first = shelfFor(products, url());
    assert.deepEqual([first.start, first.products.length, first.highlight, first.query], [0, 60, null, ""]);
    const eggs = shelfFor(products, url("?aisle=eggs"));
    assert.deepEqual([eggs.start, eggs.products.length], [2, 55]);
    const veg = products.find((p) => p.category === "Vegetables")!;
    const hit = shelfFor(products, url(`?product=${veg.id.toUpperCase()}`));
    assert.deepEqual([hit.start, hit.highlight, hit.products.includes(veg)], [3, veg.id, true]);
    const unknown = shelfFor(products, url(`?product=${randomUUID()}&aisle=nowhere`));
    assert.deepEqual([unknown.start, unknown.highlight], [0, null]);
    const filtered = shelfFor(products, url("?q=item"));
    assert.deepEqual([filtered.query, filtered.matchCount, filtered.products.length], ["item", products.length, MAX_MATCHES]);
  });

  it("filters by the start of every word typed, in the name or the aisle, any case", () => {
    const shelf = [product("Vegetables", "Onion (Pyaz / Kanda)"), product("Atta, Rice & Dal", "Toor Dal 1 kg"), product("Snacks", "Kanda Lasun Masala")];
    const names = (q: string) => filterProducts(shelf, q).map((p) => p.name);
    assert.deepEqual(names("kanda"), ["Onion (Pyaz / Kanda)", "Kanda Lasun Masala"]);
    assert.deepEqual(names("KANDA veg"), ["Onion (Pyaz / Kanda)"]);
    assert.deepEqual(names("dal toor"), ["Toor Dal 1 kg"]);
    assert.deepEqual(names("oor"), []);
    assert.deepEqual(names("  "), []);
  });

  it("filters by the local name in Devanagari too, with or without the nukta", () => {
    const shelf = [
      { ...product("Vegetables", "Onion (Pyaz / Kanda)"), local_name: "प्याज़ / कांदा" },
      { ...product("Atta, Rice & Dal", "Toor Dal 1 kg"), local_name: "अरहर दाल / तूर डाळ" },
      product("Snacks", "Kanda Lasun Masala"),
    ];
    const names = (q: string) => filterProducts(shelf, q).map((p) => p.name);
    assert.deepEqual(names("कांदा"), ["Onion (Pyaz / Kanda)"]);
    assert.deepEqual(names("प्याज"), ["Onion (Pyaz / Kanda)"]);
    assert.deepEqual(names("तूर dal"), ["Toor Dal 1 kg"]);
    assert.deepEqual(names("डाळ"), ["Toor Dal 1 kg"]);
    assert.deepEqual(names("दाल कांदा"), []);
  });
});
