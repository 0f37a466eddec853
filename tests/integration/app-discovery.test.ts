// The app's discovery client (app/src/lib/discovery) against the stack: nearby stores nearest
// first with the filters, product search with typos and synonyms, and input checked with the
// database's own limits (each edge accepted by both, one step past it refused by both).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { $ZodError as ZodError } from "zod/v4/core";
import { nearbyStores, nearbyStoresInput, searchProducts, searchProductsInput } from "../../app/src/lib/discovery/discovery.js";
import { client, db } from "../support/env.js";
import { openShop, type Shop } from "../support/orders.js";

const sql = db();
after(() => sql.end());

// A spot of its own, far from the other suites' stores (which stand in Pune), so the nearest
// stores here are this file's.
const HERE = { lat: 21 + Math.random() * 2, lng: 79 + Math.random() * 2 };
/** About `m` metres north of HERE. */
const north = (m: number) => ({ lat: HERE.lat + m / 111_320, lng: HERE.lng });

async function shopAt(label: string, at: { lat: number; lng: number }, store: Record<string, unknown>, products: [string, string][]): Promise<Shop> {
  const shop = await openShop(sql, label, products.map(([sku]) => ({ sku, price_paise: 5000, stock: 10 })));
  await sql`update public.stores set ${sql(store)}, location = ${`SRID=4326;POINT(${at.lng} ${at.lat})`} where id = ${shop.storeId}`;
  for (const [sku, name] of products) await sql`update public.products set name = ${name} where id = ${shop.product[sku]!}`;
  return shop;
}

describe("discovery from the app", () => {
  const visitor = client();
  let grocery: Shop;
  let dairy: Shop;
  let closed: Shop;

  before(async () => {
    grocery = await shopAt("disc-grocery", HERE, { category: "grocery" }, [["ATTA", "Aashirvaad Atta 5 kg"], ["SOAP", "Lifebuoy Soap"]]);
    dairy = await shopAt("disc-dairy", north(500), { category: "dairy" }, [["DAHI", "Amul Masti Dahi 400 g"]]);
    closed = await shopAt("disc-closed", north(800), { category: "grocery", temporarily_closed: true }, [["ATTA", "Closed Atta"]]);
  });

  it("lists open stores that deliver here, nearest first, with distance and ETA", async () => {
    const stores = await nearbyStores(visitor, HERE);
    assert.deepEqual(stores.map((s) => s.id), [grocery.storeId, dairy.storeId]);
    const [first, second] = stores;
    assert.ok(first!.distance_m < 1, `the first store stands here, got ${first!.distance_m} m`);
    assert.ok(Math.abs(second!.distance_m - 500) < 5, `the second is about 500 m away, got ${second!.distance_m}`);
    assert.equal(second!.category, "dairy");
    assert.equal(second!.is_open, true);
    assert.ok(second!.eta_minutes > first!.eta_minutes);
  });

  it("filters by category and radius; openNow false includes closed stores", async () => {
    assert.deepEqual((await nearbyStores(visitor, { ...HERE, category: "dairy" })).map((s) => s.id), [dairy.storeId]);
    assert.deepEqual((await nearbyStores(visitor, { ...HERE, radiusM: 100 })).map((s) => s.id), [grocery.storeId]);
    assert.deepEqual((await nearbyStores(visitor, { ...HERE, maxResults: 1 })).map((s) => s.id), [grocery.storeId]);
    const all = await nearbyStores(visitor, { ...HERE, openNow: false });
    assert.deepEqual(all.map((s) => [s.id, s.is_open]), [
      [grocery.storeId, true],
      [dairy.storeId, true],
      [closed.storeId, false],
    ]);
  });

  it("finds products by a misspelt or Hindi word in open stores only, best first", async () => {
    const atta = await searchProducts(visitor, { query: "aata", ...HERE });
    assert.deepEqual(atta.map((p) => [p.product_id, p.store_id, p.store_name, p.price_paise, p.in_stock]), [
      [grocery.product["ATTA"], grocery.storeId, "disc-grocery Kirana", 5000, true],
    ]);
    const curd = await searchProducts(visitor, { query: "curd", ...HERE });
    assert.deepEqual(curd.map((p) => p.product_name), ["Amul Masti Dahi 400 g"]);
    assert.deepEqual(await searchProducts(visitor, { query: "ghee", ...HERE }), []);
  });

  it("refuses input out of the database's limits before sending it, with a message for the form", async () => {
    await assert.rejects(nearbyStores(visitor, { lat: 91, lng: 0 }), ZodError);
    await assert.rejects(searchProducts(visitor, { query: "   ", ...HERE }), ZodError);
    const form = searchProductsInput.safeParse({ query: "", lat: 18.5, lng: 181 });
    assert.equal(form.success, false);
    assert.deepEqual(form.error!.issues.map((i) => [i.path.join("."), i.message]), [
      ["query", "Type something to search for"],
      ["query", "A search needs a letter or digit"],
      ["lng", "Longitude must be between -180 and 180"],
    ]);
  });

  // Each limit, at its edge and one step beyond, must get the same verdict from the app's schema
  // and the database.
  const edges: { name: string; rpc: "nearby_stores" | "search_products"; args: Record<string, unknown>; ok: boolean }[] = [
    { name: "lat 90", rpc: "nearby_stores", args: { lat: 90, lng: 0 }, ok: true },
    { name: "lat -90.0001", rpc: "nearby_stores", args: { lat: -90.0001, lng: 0 }, ok: false },
    { name: "lng -180", rpc: "nearby_stores", args: { lat: 0, lng: -180 }, ok: true },
    { name: "lng 180.0001", rpc: "nearby_stores", args: { lat: 0, lng: 180.0001 }, ok: false },
    { name: "radius 0", rpc: "nearby_stores", args: { lat: 0, lng: 0, radius_m: 0 }, ok: true },
    { name: "radius 50000", rpc: "nearby_stores", args: { lat: 0, lng: 0, radius_m: 50000 }, ok: true },
    { name: "radius 50001", rpc: "nearby_stores", args: { lat: 0, lng: 0, radius_m: 50001 }, ok: false },
    { name: "radius -1", rpc: "nearby_stores", args: { lat: 0, lng: 0, radius_m: -1 }, ok: false },
    { name: "max_results 100", rpc: "nearby_stores", args: { lat: 0, lng: 0, max_results: 100 }, ok: true },
    { name: "max_results 101", rpc: "nearby_stores", args: { lat: 0, lng: 0, max_results: 101 }, ok: false },
    { name: "max_results 0", rpc: "nearby_stores", args: { lat: 0, lng: 0, max_results: 0 }, ok: false },
    { name: "query of 100", rpc: "search_products", args: { query: "a".repeat(100), lat: 0, lng: 0 }, ok: true },
    { name: "query of 101", rpc: "search_products", args: { query: "a".repeat(101), lat: 0, lng: 0 }, ok: false },
    { name: "blank query", rpc: "search_products", args: { query: " \t", lat: 0, lng: 0 }, ok: false },
    { name: "query of punctuation", rpc: "search_products", args: { query: "?!", lat: 0, lng: 0 }, ok: false },
    { name: "query of one letter", rpc: "search_products", args: { query: "a", lat: 0, lng: 0 }, ok: true },
  ];

  it("agrees with the database at every limit", async () => {
    for (const edge of edges) {
      const { radius_m, max_results, ...rest } = edge.args;
      const input = { ...rest, ...(radius_m !== undefined ? { radiusM: radius_m } : {}), ...(max_results !== undefined ? { maxResults: max_results } : {}) };
      const app = (edge.rpc === "nearby_stores" ? nearbyStoresInput : searchProductsInput).safeParse(input).success;
      const { error, status } = await visitor.rpc(edge.rpc, edge.args as never);
      assert.equal(app, edge.ok, `${edge.name}: the app's schema`);
      assert.equal(error === null, edge.ok, `${edge.name}: the database (${status} ${error?.message})`);
      if (!edge.ok) assert.equal(status, 400, edge.name);
    }
  });
});
