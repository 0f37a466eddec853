// Races the ordering functions must win: many accept_order calls for one order, more customers
// than units in stock, two riders claiming one job; and stock coming back when an order will
// not be fulfilled. Each race is a real burst of concurrent API calls, judged by the database.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { db } from "../support/env.js";
import {
  checkout,
  newKey,
  openShop,
  orderCount,
  orderRequest,
  person,
  placeOrder,
  riderAt,
  signIn,
  stockOf,
  type Answer,
  type OrderJson,
  type Person,
  type Problem,
  type Shop,
} from "../support/orders.js";

const sql = db();
after(() => sql.end());

const eventsOf = async (orderId: string) =>
  (await sql<{ status: string }[]>`select status from public.order_events where order_id = ${orderId} order by id`).map((e) => e.status);

describe("50 concurrent accept_order calls from two sessions of the store's merchant", () => {
  let shop: Shop;
  let order: OrderJson;

  before(async () => {
    shop = await openShop(sql, "accept-race", [{ sku: "ATTA-5KG", price_paise: 28500, stock: 10 }]);
    const customer = await person("customer", "accept-race-buyer");
    order = await placeOrder(customer, orderRequest(shop, [["ATTA-5KG", 2]]));
  });

  it("exactly one succeeds; the other 49 get 409 invalid_transition; one accepted event", async () => {
    const sessions = [shop.merchant.supabase, await signIn(shop.merchant.email)];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sessions[i % 2]!.rpc("accept_order", { order_id: order.id })),
    );

    const wins = results.filter((r) => r.error === null);
    assert.equal(wins.length, 1);
    assert.equal(wins[0]!.data?.status, "accepted");
    const losses = results.filter((r) => r.error !== null);
    assert.equal(losses.length, 49);
    assert.deepEqual([...new Set(losses.map((r) => `${r.status} ${r.error?.code}`))], ["409 invalid_transition"]);

    const [row] = await sql`select status from public.orders where id = ${order.id}`;
    assert.equal(row!.status, "accepted");
    assert.deepEqual(await eventsOf(order.id), ["pending", "accepted"]);
    assert.deepEqual(await stockOf(sql, shop), { "ATTA-5KG": 8 }, "accepting changes no stock");
  });
});

describe("customers racing for the last units", () => {
  const outOfStock = (a: Answer) => a.status === 409 && (a.body as Problem).code === "out_of_stock";

  describe("20 customers, 5 units, one each", () => {
    let shop: Shop;
    let customers: Person[];

    before(async () => {
      shop = await openShop(sql, "last-units", [{ sku: "MANGO-1KG", price_paise: 19900, stock: 5 }]);
      customers = await Promise.all(Array.from({ length: 20 }, (_, i) => person("customer", `mango-${i}`)));
    });

    it("exactly 5 orders succeed, 15 are refused out_of_stock, stock ends at 0", async () => {
      const request = orderRequest(shop, [["MANGO-1KG", 1]]);
      const answers = await Promise.all(customers.map((c) => checkout(c.token, newKey(), request)));

      assert.equal(answers.filter((a) => a.status === 201).length, 5, answers.map((a) => a.status).join(","));
      const refused = answers.filter(outOfStock);
      assert.equal(refused.length, 15);
      for (const a of refused) {
        assert.deepEqual((a.body as Problem).details.items.map((i: { requested: number; available: number }) => [i.requested, i.available]), [[1, 0]]);
      }
      assert.deepEqual(await stockOf(sql, shop), { "MANGO-1KG": 0 });
      assert.equal(await orderCount(sql, { storeId: shop.storeId }), 5);
      const [sold] = await sql`select coalesce(sum(i.quantity), 0)::int as n from public.order_items i join public.orders o on o.id = i.order_id where o.store_id = ${shop.storeId}`;
      assert.equal(sold!.n, 5);
    });
  });

  describe("20 customers, 6 of each of two products, two of each in either order", () => {
    let shop: Shop;
    let customers: Person[];

    before(async () => {
      shop = await openShop(sql, "two-products", [
        { sku: "OIL-1L", price_paise: 16500, stock: 6 },
        { sku: "DAL-1KG", price_paise: 12000, stock: 6 },
      ]);
      customers = await Promise.all(Array.from({ length: 20 }, (_, i) => person("customer", `basket-${i}`)));
    });

    it("exactly 3 orders succeed without deadlock or oversell, and both products end at 0", async () => {
      const answers = await Promise.all(
        customers.map((c, i) => {
          const lines: [string, number][] = i % 2 ? [["OIL-1L", 2], ["DAL-1KG", 2]] : [["DAL-1KG", 2], ["OIL-1L", 2]];
          return checkout(c.token, newKey(), orderRequest(shop, lines));
        }),
      );
      assert.equal(answers.filter((a) => a.status === 201).length, 3, answers.map((a) => a.status).join(","));
      assert.equal(answers.filter(outOfStock).length, 17);
      assert.deepEqual(await stockOf(sql, shop), { "DAL-1KG": 0, "OIL-1L": 0 });
      assert.equal(await orderCount(sql, { storeId: shop.storeId }), 3);
    });
  });
});

describe("two riders claiming one ready job", () => {
  let shop: Shop;
  let order: OrderJson;
  let riders: Person[];

  before(async () => {
    shop = await openShop(sql, "claim-race", [{ sku: "BREAD-400", price_paise: 4500, stock: 10 }]);
    const customer = await person("customer", "claim-race-buyer");
    order = await placeOrder(customer, orderRequest(shop, [["BREAD-400", 1]]));
    const merchant = shop.merchant.supabase;
    assert.equal((await merchant.rpc("accept_order", { order_id: order.id })).error, null);
    assert.equal((await merchant.rpc("update_order_status", { order_id: order.id, status: "preparing" })).error, null);
    assert.equal((await merchant.rpc("update_order_status", { order_id: order.id, status: "ready" })).error, null);
    riders = await Promise.all([riderAt(sql, "claimer-a"), riderAt(sql, "claimer-b")]);
  });

  it("both see the job; exactly one wins, the other gets 409 already_claimed", async () => {
    for (const rider of riders) {
      const jobs = await rider.supabase.rpc("ready_jobs");
      assert.equal(jobs.error, null);
      assert.ok(jobs.data!.some((j) => j.order_id === order.id), "the job is offered to both riders");
    }

    const results = await Promise.all(riders.map((r) => r.supabase.rpc("claim_delivery", { order_id: order.id })));
    const winners = riders.filter((_, i) => results[i]!.error === null);
    assert.equal(winners.length, 1);
    const loser = results.find((r) => r.error !== null)!;
    assert.equal(loser.status, 409);
    assert.equal(loser.error?.code, "already_claimed");

    const [row] = await sql`select rider_id, status from public.orders where id = ${order.id}`;
    assert.deepEqual({ ...row }, { rider_id: winners[0]!.userId, status: "ready" });
    const other = riders.find((r) => r !== winners[0])!;
    const jobs = await other.supabase.rpc("ready_jobs");
    assert.equal(jobs.data!.some((j) => j.order_id === order.id), false, "the job is gone from the loser's list");
  });
});

describe("orders that will not be fulfilled give their stock back", () => {
  let shop: Shop;
  let customer: Person;

  before(async () => {
    shop = await openShop(sql, "release", [{ sku: "RICE-5KG", price_paise: 42000, stock: 10 }]);
    customer = await person("customer", "release-buyer");
  });

  const order = async (quantity: number) => {
    const placed = await placeOrder(customer, orderRequest(shop, [["RICE-5KG", quantity]]));
    assert.deepEqual(await stockOf(sql, shop), { "RICE-5KG": 10 - quantity }, "reserved at checkout");
    return placed;
  };

  it("the merchant rejects a pending order with a reason", async () => {
    const placed = await order(3);
    const { data, error } = await shop.merchant.supabase.rpc("reject_order", { order_id: placed.id, reason: "Closing early today" });
    assert.equal(error, null);
    assert.equal(data!.status, "rejected");
    assert.deepEqual(await stockOf(sql, shop), { "RICE-5KG": 10 });
    assert.deepEqual(await eventsOf(placed.id), ["pending", "rejected"]);
  });

  it("the customer cancels a pending order", async () => {
    const placed = await order(4);
    const { data, error } = await customer.supabase.rpc("update_order_status", { order_id: placed.id, status: "cancelled" });
    assert.equal(error, null);
    assert.equal(data!.status, "cancelled");
    assert.deepEqual(await stockOf(sql, shop), { "RICE-5KG": 10 });
  });

  it("the merchant cancels an accepted order with a reason", async () => {
    const placed = await order(2);
    const merchant = shop.merchant.supabase;
    assert.equal((await merchant.rpc("accept_order", { order_id: placed.id })).error, null);
    const { error } = await merchant.rpc("update_order_status", { order_id: placed.id, status: "cancelled", note: "Rice bags damaged" });
    assert.equal(error, null);
    assert.deepEqual(await stockOf(sql, shop), { "RICE-5KG": 10 });
    assert.deepEqual(await eventsOf(placed.id), ["pending", "accepted", "cancelled"]);
  });

  it("a second cancellation is refused and releases nothing twice", async () => {
    const placed = await order(1);
    assert.equal((await customer.supabase.rpc("update_order_status", { order_id: placed.id, status: "cancelled" })).error, null);
    const again = await customer.supabase.rpc("update_order_status", { order_id: placed.id, status: "cancelled" });
    assert.equal(again.status, 409);
    assert.equal(again.error?.code, "invalid_transition");
    assert.deepEqual(await stockOf(sql, shop), { "RICE-5KG": 10 });
  });
});
