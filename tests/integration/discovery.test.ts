// Discovery through REST, as the app and integrators call it: bad input is a clear 400 naming
// the argument, never a 500; good input answers with the contract's columns.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { client, db, signUp } from "../support/env.js";

const sql = db();

const PUNE = { lat: 18.5204, lng: 73.8567 };
let storeId: string;

before(async () => {
  const { userId: ownerId } = await signUp("merchant", "discovery");
  const allDay = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));
  const [store] = await sql`
    insert into public.stores (owner_id, name, address, location, status, opening_hours, delivery_radius_m)
    values (${ownerId}, 'Discovery Test Kirana', '1 Shivaji Road, Pune', 'SRID=4326;POINT(73.8570 18.5210)', 'approved', ${allDay as never}, 3000)
    returning id`;
  storeId = store!.id;
  await sql`insert into public.products (store_id, sku, name, local_name, category, unit, price_paise, stock)
            values (${storeId}, 'TOM-1KG', 'Tomato Hybrid', 'हाइब्रिड टमाटर / टोमॅटो', 'Vegetables', '1 kg', 4000, 12)`;
});

after(async () => {
  await sql`delete from public.products where store_id = ${storeId}`;
  await sql`delete from public.stores where id = ${storeId}`;
  await sql.end();
});

const BAD: [string, string, Record<string, unknown>, RegExp][] = [
  ["latitude above 90", "nearby_stores", { lat: 90.5, lng: PUNE.lng }, /lat must be between -90 and 90/],
  ["latitude below -90", "nearby_stores", { lat: -91, lng: PUNE.lng }, /lat must be between -90 and 90/],
  ["longitude above 180", "nearby_stores", { lat: PUNE.lat, lng: 180.1 }, /lng must be between -180 and 180/],
  ["longitude below -180", "search_products", { query: "atta", lat: PUNE.lat, lng: -200 }, /lng must be between -180 and 180/],
  ["a radius above 50 km", "nearby_stores", { ...PUNE, radius_m: 50001 }, /radius_m must be between 0 and 50000/],
  ["a negative radius", "search_products", { query: "atta", ...PUNE, radius_m: -1 }, /radius_m must be between 0 and 50000/],
  ["max_results above 100", "nearby_stores", { ...PUNE, max_results: 101 }, /max_results must be between 1 and 100/],
  ["max_results of 0", "search_products", { query: "atta", ...PUNE, max_results: 0 }, /max_results must be between 1 and 100/],
  ["an empty query", "search_products", { query: "", ...PUNE }, /query must not be empty/],
  ["a 200-character query", "search_products", { query: "a".repeat(200), ...PUNE }, /query must be at most 100 characters/],
  ["an unknown category", "nearby_stores", { ...PUNE, category: "jewellery" }, /invalid input value for enum/],
];

for (const [what, fn, args, message] of BAD) {
  test(`${fn} with ${what} is a 400 that says so`, async () => {
    const { data, error, status } = await client().rpc(fn as "nearby_stores", args as never);
    assert.equal(status, 400);
    assert.equal(data, null);
    assert.match(error!.message, message);
  });
}

test("nearby_stores answers a visitor with the contract's columns", async () => {
  const { data, error } = await client().rpc("nearby_stores", { ...PUNE, radius_m: 2000 });
  assert.equal(error, null);
  const mine = data!.find((s) => s.id === storeId);
  assert.ok(mine, "the open store 80 m away is listed");
  assert.deepEqual(Object.keys(mine).sort(), ["category", "distance_m", "eta_minutes", "id", "is_open", "name", "rating", "rating_count"]);
  assert.equal(mine.is_open, true);
  const distance = mine.distance_m ?? Number.NaN;
  assert.ok(distance > 50 && distance < 120, `distance ${distance}`);
});

test("search_products finds a misspelt product over REST with the contract's columns", async () => {
  const { data, error } = await client().rpc("search_products", { query: "tometo", ...PUNE });
  assert.equal(error, null);
  const hit = data!.find((p) => p.store_id === storeId);
  assert.ok(hit, "tometo finds the Tomato Hybrid");
  assert.deepEqual(Object.keys(hit).sort(), [
    "distance_m", "in_stock", "price_paise", "product_id", "product_local_name", "product_name", "rank", "store_id", "store_name", "store_rating",
    "store_rating_count",
  ]);
  assert.equal(hit.product_name, "Tomato Hybrid");
  assert.equal(hit.product_local_name, "हाइब्रिड टमाटर / टोमॅटो");
  assert.equal(hit.in_stock, true);
});

test("search_products finds it in Devanagari, Hindi or Marathi, as typed, and in a Latin spelling", async () => {
  for (const query of ["टमाटर", "टोमॅटो", "हाइब्रिड", "टमाटर।", "tamaatar"]) {
    const { data, error } = await client().rpc("search_products", { query, ...PUNE });
    assert.equal(error, null, query);
    assert.ok(data!.some((p) => p.store_id === storeId && p.product_name === "Tomato Hybrid"), `"${query}" finds the Tomato Hybrid`);
  }
  const { error } = await client().rpc("search_products", { query: "।।", ...PUNE });
  assert.equal(error?.code, "22023", "a query of dandas only has no word");
});
