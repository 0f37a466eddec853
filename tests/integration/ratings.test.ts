// rate_order over REST: a delivered order is rated once by its customer within 7 days of
// delivery, and the store's rating in discovery moves; every refusal is a clear 4xx with a code
// and changes nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { db, env } from "../support/env.js";
import { makeReady, NEAR, openShop, orderRequest, person, placeOrder, riderAt, type Person, type Shop } from "../support/orders.js";

const sql = db();
let shop: Shop;
let customer: Person;
let stranger: Person;
let rider: Person;
before(async () => {
  // A few metres from the customer, nearer than the other suites' shops (which stand together at
  // STORE_POINT), so it is always among the nearby stores the customer is shown.
  shop = await openShop(sql, "ratings", [{ sku: "RICE", price_paise: 6000, stock: 100 }], { at: { lat: NEAR.lat + 0.0001, lng: NEAR.lng } });
  customer = await person("customer", "rater");
  stranger = await person("customer", "stranger-rater");
  rider = await riderAt(sql, "rated-rider");
});
after(() => sql.end());

/** An order of the customer's taken to `delivered` as the app's people do it. */
async function deliveredOrder(): Promise<string> {
  const order = await placeOrder(customer, orderRequest(shop, [["RICE", 1]]));
  await makeReady(shop, order.id);
  const claimed = await rider.supabase.rpc("claim_delivery", { order_id: order.id });
  assert.equal(claimed.error, null, claimed.error?.message);
  const picked = await rider.supabase.rpc("update_order_status", { order_id: order.id, status: "picked_up" });
  assert.equal(picked.error, null, picked.error?.message);
  const code = await customer.supabase.rpc("handover_code", { order_id: order.id });
  assert.equal(code.error, null, code.error?.message);
  const delivered = await rider.supabase.rpc("deliver_order", { order_id: order.id, handover_code: code.data! });
  assert.equal(delivered.error, null, delivered.error?.message);
  return order.id;
}

/** POST /rest/v1/rpc/rate_order as `who` (a person, or null for a visitor). */
async function rate(who: Person | null, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${env.apiUrl}/rest/v1/rpc/rate_order`, {
    method: "POST",
    headers: { apikey: env.anonKey, authorization: `Bearer ${who?.token ?? env.anonKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** What a refused call must leave as it was. */
async function state(): Promise<string> {
  const [row] = await sql`
    select (select count(*)::int from public.reviews) as reviews,
           (select row(rating, rating_count)::text from public.stores where id = ${shop.storeId}) as store,
           (select row(rating, rating_count)::text from public.rider_profiles where rider_id = ${rider.userId}) as rider`;
  return JSON.stringify(row);
}

async function shownRating(): Promise<{ rating: number | null; rating_count: number | null } | undefined> {
  const { data, error } = await customer.supabase.rpc("nearby_stores", { ...NEAR, open_now: false });
  assert.equal(error, null);
  return data!.find((s) => s.id === shop.storeId);
}

test("the customer rates a delivered order; the store's rating in discovery and the rider's average move", async () => {
  assert.deepEqual(await shownRating().then((s) => s && { rating: s.rating, rating_count: s.rating_count }), { rating: null, rating_count: 0 });
  const orderId = await deliveredOrder();
  const r = await rate(customer, { order_id: orderId, store_stars: 5, rider_stars: 4, comment: "Fresh rice, quick delivery." });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.order_id, orderId);
  assert.equal(r.body.store_stars, 5);
  assert.equal(r.body.comment, "Fresh rice, quick delivery.");

  const shown = await shownRating();
  assert.deepEqual({ rating: shown!.rating, rating_count: shown!.rating_count }, { rating: 4.2, rating_count: 1 }, "one 5-star review makes 4.2");
  const search = await customer.supabase.rpc("search_products", { query: "rice", ...NEAR });
  assert.equal(search.error, null);
  const hit = search.data!.find((p) => p.store_id === shop.storeId);
  assert.deepEqual({ rating: hit?.store_rating, count: hit?.store_rating_count }, { rating: 4.2, count: 1 });
  const own = await rider.supabase.from("rider_profiles").select("rating, rating_count").eq("rider_id", rider.userId).single();
  assert.deepEqual(own.data, { rating: 4, rating_count: 1 });
  const merchantReads = await shop.merchant.supabase.from("reviews").select("store_stars, comment").eq("store_id", shop.storeId);
  assert.deepEqual(merchantReads.data, [{ store_stars: 5, comment: "Fresh rice, quick delivery." }]);
});

test("refusals are clear 4xx answers with a code, and change nothing", async () => {
  const rated = await deliveredOrder();
  assert.equal((await rate(customer, { order_id: rated, store_stars: 3, rider_stars: 3 })).status, 200);
  const open = await deliveredOrder();
  const old = await deliveredOrder();
  // Delivered eight days before now, whenever the test runs.
  await sql`update public.order_events set created_at = now() - interval '8 days' where order_id = ${old} and status = 'delivered'`;
  const undelivered = await placeOrder(customer, orderRequest(shop, [["RICE", 1]]));
  await makeReady(shop, undelivered.id);

  const before = await state();
  const cases: Array<[string, Person | null, unknown, number, string | null]> = [
    ["a second rating of the same order", customer, { order_id: rated, store_stars: 5, rider_stars: 5 }, 409, "already_rated"],
    ["someone else's order", stranger, { order_id: open, store_stars: 1, rider_stars: 1 }, 404, "order_not_found"],
    ["a rating 8 days after delivery", customer, { order_id: old, store_stars: 4, rider_stars: 4 }, 409, "rating_closed"],
    ["an order not delivered yet", customer, { order_id: undelivered.id, store_stars: 4, rider_stars: 4 }, 409, "not_delivered"],
    ["no stars", customer, { order_id: open, store_stars: 0, rider_stars: 4 }, 400, "invalid_stars"],
    ["six stars", customer, { order_id: open, store_stars: 6, rider_stars: 4 }, 400, "invalid_stars"],
    ["the rider left unrated", customer, { order_id: open, store_stars: 4 }, 400, "invalid_stars"],
    ["a 501-character comment", customer, { order_id: open, store_stars: 4, rider_stars: 4, comment: "x".repeat(501) }, 400, "comment_too_long"],
    ["half a star", customer, { order_id: open, store_stars: 4.5, rider_stars: 4 }, 400, null],
    ["stars as words", customer, { order_id: open, store_stars: "five", rider_stars: 4 }, 400, null],
    ["an order id that is no id", customer, { order_id: "order-1", store_stars: 4, rider_stars: 4 }, 400, null],
    ["a visitor", null, { order_id: open, store_stars: 4, rider_stars: 4 }, 401, null],
  ];
  for (const [what, who, body, status, code] of cases) {
    const r = await rate(who, body);
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
    assert.ok(typeof r.body?.message === "string" && r.body.message.length > 0, `${what} says why`);
    if (code) assert.equal(r.body.code, code, what);
  }
  assert.equal(await state(), before, "nothing changed");

  // The order refused for bad input is still open to a proper rating.
  assert.equal((await rate(customer, { order_id: open, store_stars: 4, rider_stars: 5, comment: "   " })).status, 200);
  const [row] = await sql`select comment from public.reviews where order_id = ${open}`;
  assert.equal(row!.comment, null, "a blank comment is no comment");
});
