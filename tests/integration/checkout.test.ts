// Checkout through the gateway (POST /functions/v1/checkout) and as the place_order RPC: the
// happy path priced exactly as quote_order, replays of one Idempotency-Key (also 100 at once),
// the key reused with another body, each 409 refusal, malformed bodies and callers who may not
// order. Every refusal must leave stock and orders as they were.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { client, db, env } from "../support/env.js";
import {
  FAR,
  NEAR,
  checkout,
  newKey,
  openShop,
  orderCount,
  orderRequest,
  person,
  stockOf,
  type OrderJson,
  type Person,
  type Problem,
  type Shop,
} from "../support/orders.js";

const sql = db();
after(() => sql.end());

interface Quote {
  subtotal_paise: number;
  delivery_fee_paise: number;
  small_order_fee_paise: number;
  total_paise: number;
  can_order: boolean;
  problems: { code: string }[];
}

async function quote(customer: Person, request: ReturnType<typeof orderRequest>): Promise<Quote> {
  const { data, error } = await customer.supabase.rpc("quote_order", {
    store_id: request.store_id,
    items: request.items,
    lat: request.delivery.lat,
    lng: request.delivery.lng,
  });
  assert.equal(error, null);
  return data as unknown as Quote;
}

const idempotencyKeyStored = async (userId: string, key: string) =>
  (await sql`select 1 from private.idempotency_keys where user_id = ${userId} and idempotency_key = ${key}`).length === 1;

describe("a customer checks out", () => {
  let shop: Shop;
  let customer: Person;
  let quoted: Quote;
  let order: OrderJson;
  let replayed: string | null;
  let status: number;

  before(async () => {
    // A 500.00 minimum order: this basket pays the small-order fee as well as the base delivery fee.
    shop = await openShop(sql, "happy", [
      { sku: "ATTA-5KG", price_paise: 28500, stock: 40 },
      { sku: "DAHI-400", price_paise: 3500, stock: 25 },
    ], { minimum_order_paise: 50000 });
    customer = await person("customer", "happy-buyer");
    const request = orderRequest(shop, [["ATTA-5KG", 1], ["DAHI-400", 2]], { notes: "Ring twice" });
    quoted = await quote(customer, request);
    const answer = await checkout(customer.token, newKey(), request);
    ({ status, replayed } = answer);
    order = answer.body as OrderJson;
  });

  it("answers 201, not replayed, with the total quote_order gave", () => {
    assert.equal(status, 201);
    assert.equal(replayed, "false");
    assert.equal(quoted.can_order, true);
    assert.deepEqual(
      { subtotal: quoted.subtotal_paise, delivery: quoted.delivery_fee_paise, small: quoted.small_order_fee_paise, total: quoted.total_paise },
      { subtotal: 28500 + 2 * 3500, delivery: 2000, small: 2500, total: 40000 },
    );
    assert.deepEqual(
      { subtotal: order.subtotal_paise, delivery: order.delivery_fee_paise, small: order.small_order_fee_paise, total: order.total_paise },
      { subtotal: quoted.subtotal_paise, delivery: quoted.delivery_fee_paise, small: quoted.small_order_fee_paise, total: quoted.total_paise },
    );
    assert.equal(order.status, "pending");
    assert.equal(order.customer_id, customer.userId);
    assert.equal(order.store_id, shop.storeId);
    assert.equal(order.delivery_lat, NEAR.lat);
    assert.equal(order.delivery_lng, NEAR.lng);
    assert.deepEqual(
      order.items.map((i) => [i.product_id, i.quantity, i.unit_price_paise]),
      [[shop.product["ATTA-5KG"], 1, 28500], [shop.product["DAHI-400"], 2, 3500]],
    );
  });

  it("writes the order with its items, reserves the stock and records one pending event", async () => {
    const [row] = await sql`select total_paise, status, notes from public.orders where id = ${order.id}`;
    assert.deepEqual({ ...row }, { total_paise: 40000, status: "pending", notes: "Ring twice" });
    const items = await sql`select sku, quantity, unit_price_paise from public.order_items where order_id = ${order.id} order by sku`;
    assert.deepEqual(items.map((i) => ({ ...i })), [
      { sku: "ATTA-5KG", quantity: 1, unit_price_paise: 28500 },
      { sku: "DAHI-400", quantity: 2, unit_price_paise: 3500 },
    ]);
    assert.deepEqual(await stockOf(sql, shop), { "ATTA-5KG": 39, "DAHI-400": 23 });
    const events = await sql`select status, previous_status, actor_id from public.order_events where order_id = ${order.id}`;
    assert.deepEqual(events.map((e) => ({ ...e })), [{ status: "pending", previous_status: null, actor_id: customer.userId }]);
  });

  it("the customer and the store's merchant read the order through REST; another customer does not", async () => {
    const select = "id, status, total_paise, order_items(product_id, quantity)";
    const mine = await customer.supabase.from("orders").select(select).eq("id", order.id).single();
    assert.equal(mine.error, null);
    assert.equal(mine.data!.total_paise, 40000);
    assert.equal(mine.data!.order_items.length, 2);

    const store = await shop.merchant.supabase.from("orders").select(select).eq("store_id", shop.storeId);
    assert.equal(store.error, null);
    assert.deepEqual(store.data!.map((o) => [o.id, o.status, o.total_paise]), [[order.id, "pending", 40000]]);

    const stranger = await person("customer", "stranger");
    const theirs = await stranger.supabase.from("orders").select("id").eq("id", order.id);
    assert.deepEqual(theirs.data, []);
  });

  it("gives the customer, and only the customer, the 4-digit handover code", async () => {
    const { data, error } = await customer.supabase.rpc("handover_code", { order_id: order.id });
    assert.equal(error, null);
    assert.match(data!, /^[0-9]{4}$/);
    const [stored] = await sql`select code from private.handover_codes where order_id = ${order.id}`;
    assert.equal(data, stored!.code);

    const asMerchant = await shop.merchant.supabase.rpc("handover_code", { order_id: order.id });
    assert.equal(asMerchant.status, 404);
    assert.equal(asMerchant.error?.code, "order_not_found");
  });
});

describe("a retry with the same Idempotency-Key", () => {
  let shop: Shop;
  let customer: Person;
  const key = newKey();
  let request: ReturnType<typeof orderRequest>;
  let first: { status: number; text: string; body: OrderJson };

  before(async () => {
    shop = await openShop(sql, "replay", [{ sku: "POHA-500G", price_paise: 4200, stock: 10 }]);
    customer = await person("customer", "replay-buyer");
    request = orderRequest(shop, [["POHA-500G", 3]]);
    first = await checkout(customer.token, key, request);
    assert.equal(first.status, 201, first.text);
  });

  it("answers the same 201 and body again, marked Idempotent-Replayed: true", async () => {
    const again = await checkout(customer.token, key, request);
    assert.equal(again.status, 201);
    assert.equal(again.replayed, "true");
    assert.deepEqual(again.body, first.body);
  });

  it("treats the same body with its fields in another order as the same request", async () => {
    const { payment_method, delivery, items, store_id } = request;
    const again = await checkout(customer.token, key, { payment_method, delivery: { lng: delivery.lng, lat: delivery.lat, address: delivery.address }, items, store_id });
    assert.equal(again.status, 201);
    assert.equal(again.replayed, "true");
    assert.equal((again.body as OrderJson).id, first.body.id);
  });

  it("still made one order and reserved the stock once", async () => {
    assert.equal(await orderCount(sql, { customerId: customer.userId }), 1);
    assert.deepEqual(await stockOf(sql, shop), { "POHA-500G": 7 });
  });

  it("is per customer: another customer's order with the same key is their own", async () => {
    const other = await person("customer", "replay-other");
    const theirs = await checkout(other.token, key, request);
    assert.equal(theirs.status, 201, theirs.text);
    assert.equal(theirs.replayed, "false");
    assert.notEqual((theirs.body as OrderJson).id, first.body.id);
    assert.equal((theirs.body as OrderJson).customer_id, other.userId);
  });
});

describe("100 concurrent requests with one Idempotency-Key", () => {
  let shop: Shop;
  let customer: Person;

  before(async () => {
    shop = await openShop(sql, "stampede", [{ sku: "MILK-1L", price_paise: 6800, stock: 500 }]);
    customer = await person("customer", "stampede-buyer");
  });

  it("all answer 201 with one order, placed once and replayed 99 times", async () => {
    const key = newKey();
    const request = orderRequest(shop, [["MILK-1L", 2]]);
    const answers = await Promise.all(Array.from({ length: 100 }, () => checkout(customer.token, key, request)));

    assert.deepEqual([...new Set(answers.map((a) => a.status))], [201], answers.find((a) => a.status !== 201)?.text);
    const ids = new Set(answers.map((a) => (a.body as OrderJson).id));
    assert.equal(ids.size, 1, "every answer is the same order");
    assert.equal(answers.filter((a) => a.replayed === "false").length, 1);
    assert.equal(answers.filter((a) => a.replayed === "true").length, 99);
    assert.equal(await orderCount(sql, { customerId: customer.userId }), 1);
    assert.deepEqual(await stockOf(sql, shop), { "MILK-1L": 498 });
  });
});

describe("an Idempotency-Key reused with another body", () => {
  let shop: Shop;
  let customer: Person;
  const key = newKey();

  before(async () => {
    shop = await openShop(sql, "reuse", [{ sku: "RICE-1KG", price_paise: 9000, stock: 20 }]);
    customer = await person("customer", "reuse-buyer");
    const first = await checkout(customer.token, key, orderRequest(shop, [["RICE-1KG", 1]]));
    assert.equal(first.status, 201, first.text);
  });

  it("is refused with 422 idempotency_key_reused and creates nothing", async () => {
    const answer = await checkout(customer.token, key, orderRequest(shop, [["RICE-1KG", 2]]));
    assert.equal(answer.status, 422);
    assert.equal((answer.body as Problem).code, "idempotency_key_reused");
    assert.equal(await orderCount(sql, { customerId: customer.userId }), 1);
    assert.deepEqual(await stockOf(sql, shop), { "RICE-1KG": 19 });
  });
});

// Each refusal: 409 with its code and details, nothing changed, and the same answer replayed
// for the same key (the refusal is stored), even once the cause is gone.
describe("checkout refusals (409)", () => {
  async function refusedAndUnchanged(shop: Shop, customer: Person, request: unknown, code: string): Promise<{ key: string; body: Problem }> {
    const stockBefore = await stockOf(sql, shop);
    const key = newKey();
    const answer = await checkout(customer.token, key, request);
    assert.equal(answer.status, 409, answer.text);
    assert.equal(answer.replayed, "false");
    const body = answer.body as Problem;
    assert.equal(body.code, code);
    assert.deepEqual(await stockOf(sql, shop), stockBefore, "stock is unchanged");
    assert.equal(await orderCount(sql, { storeId: shop.storeId }), 0, "no order");

    const replay = await checkout(customer.token, key, request);
    assert.equal(replay.status, 409);
    assert.equal(replay.replayed, "true");
    assert.deepEqual(replay.body, body);
    return { key, body };
  }

  describe("out_of_stock", () => {
    let shop: Shop;
    let customer: Person;
    before(async () => {
      shop = await openShop(sql, "short", [
        { sku: "ATTA-5KG", price_paise: 28500, stock: 2 },
        { sku: "DAHI-400", price_paise: 3500, stock: 5 },
      ]);
      customer = await person("customer", "short-buyer");
    });

    it("lists each short item with the quantity requested and available, and stays refused for its key", async () => {
      const request = orderRequest(shop, [["ATTA-5KG", 3], ["DAHI-400", 5]]);
      const { key, body } = await refusedAndUnchanged(shop, customer, request, "out_of_stock");
      assert.deepEqual(
        (body.details.items as { product_id: string; requested: number; available: number }[]).map(({ product_id, requested, available }) => ({ product_id, requested, available })),
        [{ product_id: shop.product["ATTA-5KG"], requested: 3, available: 2 }],
      );

      // Restocked: the old key still answers the stored refusal; a new key places the order.
      await sql`update public.products set stock = 10 where id = ${shop.product["ATTA-5KG"]!}`;
      const replay = await checkout(customer.token, key, request);
      assert.equal(replay.status, 409);
      assert.deepEqual(replay.body, body);
      const fresh = await checkout(customer.token, newKey(), request);
      assert.equal(fresh.status, 201, fresh.text);
    });
  });

  describe("store_closed", () => {
    let shop: Shop;
    let customer: Person;
    before(async () => {
      shop = await openShop(sql, "closed", [{ sku: "BREAD-400", price_paise: 4500, stock: 8 }]);
      await sql`update public.stores set temporarily_closed = true where id = ${shop.storeId}`;
      customer = await person("customer", "closed-buyer");
    });

    it("refuses while the store is temporarily closed", async () => {
      const { body } = await refusedAndUnchanged(shop, customer, orderRequest(shop, [["BREAD-400", 1]]), "store_closed");
      assert.match(body.message, /closed/);
    });
  });

  describe("outside_radius", () => {
    let shop: Shop;
    let customer: Person;
    before(async () => {
      shop = await openShop(sql, "faraway", [{ sku: "EGGS-12", price_paise: 8400, stock: 30 }], { delivery_radius_m: 3000 });
      customer = await person("customer", "faraway-buyer");
    });

    it("gives the distance and the store's radius", async () => {
      const request = orderRequest(shop, [["EGGS-12", 1]], { delivery: { address: "Far Away Lane, Pune", ...FAR } });
      const { body } = await refusedAndUnchanged(shop, customer, request, "outside_radius");
      assert.equal(body.details.delivery_radius_m, 3000);
      assert.ok(body.details.distance_m > 10_000 && body.details.distance_m < 12_000, `distance_m ${body.details.distance_m}`);
    });
  });

  describe("price_changed", () => {
    let shop: Shop;
    let customer: Person;
    before(async () => {
      shop = await openShop(sql, "reprice", [{ sku: "TEA-250G", price_paise: 14000, stock: 15 }]);
      customer = await person("customer", "reprice-buyer");
    });

    it("refuses an outdated expected total with the new quote; a new key with the new total succeeds", async () => {
      const lines: [string, number][] = [["TEA-250G", 2]];
      const was = await quote(customer, orderRequest(shop, lines));
      await sql`update public.products set price_paise = 15000 where id = ${shop.product["TEA-250G"]!}`;
      const now = await quote(customer, orderRequest(shop, lines));
      assert.equal(now.total_paise, was.total_paise + 2000);

      const outdated = orderRequest(shop, lines, { expected_total_paise: was.total_paise });
      const { body } = await refusedAndUnchanged(shop, customer, outdated, "price_changed");
      assert.equal(body.details.expected_total_paise, was.total_paise);
      assert.equal(body.details.quote.total_paise, now.total_paise);

      const agreed = await checkout(customer.token, newKey(), orderRequest(shop, lines, { expected_total_paise: body.details.quote.total_paise }));
      assert.equal(agreed.status, 201, agreed.text);
      assert.equal((agreed.body as OrderJson).total_paise, now.total_paise);
      assert.deepEqual(await stockOf(sql, shop), { "TEA-250G": 13 });
    });
  });
});

describe("malformed checkout requests (400)", () => {
  let shop: Shop;
  let customer: Person;
  let valid: ReturnType<typeof orderRequest>;

  before(async () => {
    shop = await openShop(sql, "strict", [
      { sku: "SALT-1KG", price_paise: 2800, stock: 10 },
      { sku: "SUGAR-1KG", price_paise: 5200, stock: 10 },
    ]);
    customer = await person("customer", "strict-buyer");
    valid = orderRequest(shop, [["SALT-1KG", 1]]);
  });

  const withItem = (item: Record<string, unknown>) => ({ ...valid, items: [{ ...valid.items[0], ...item }] });
  const without = (field: string) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field));

  // [what, body, the field paths details must name (message pattern for each)]
  const CASES: [string, () => unknown, Record<string, RegExp>][] = [
    ["an empty object", () => ({}), { store_id: /./, items: /./, delivery: /./, payment_method: /./ }],
    ["no items", () => without("items"), { items: /./ }],
    ["no delivery", () => without("delivery"), { delivery: /./ }],
    ["an empty item list", () => ({ ...valid, items: [] }), { items: /./ }],
    ["a quantity of 0", () => withItem({ quantity: 0 }), { "items.0.quantity": /./ }],
    ["a quantity of 101", () => withItem({ quantity: 101 }), { "items.0.quantity": /./ }],
    ["a quantity of 1.5", () => withItem({ quantity: 1.5 }), { "items.0.quantity": /./ }],
    ["a quantity as a string", () => withItem({ quantity: "2" }), { "items.0.quantity": /./ }],
    ["a product_id that is not a uuid", () => withItem({ product_id: "salt" }), { "items.0.product_id": /./ }],
    ["the same product twice", () => ({ ...valid, items: [valid.items[0], { ...valid.items[0], quantity: 2 }] }), { items: /once/ }],
    ["an unknown field", () => ({ ...valid, coupon: "FREE100" }), { coupon: /Unknown field/ }],
    ["an unknown item field", () => withItem({ colour: "red" }), { "items.0.colour": /Unknown field/ }],
    ["a latitude of 91", () => ({ ...valid, delivery: { ...valid.delivery, lat: 91 } }), { "delivery.lat": /./ }],
    ["a latitude as a string", () => ({ ...valid, delivery: { ...valid.delivery, lat: "18.52" } }), { "delivery.lat": /./ }],
    ["a blank address", () => ({ ...valid, delivery: { ...valid.delivery, address: "    " } }), { "delivery.address": /./ }],
    ["payment_method card", () => ({ ...valid, payment_method: "card" }), { payment_method: /./ }],
    ["a negative expected total", () => ({ ...valid, expected_total_paise: -1 }), { expected_total_paise: /./ }],
  ];

  for (const [what, body, fields] of CASES) {
    it(`${what}: 400 invalid_request naming ${Object.keys(fields).join(", ")}; nothing created`, async () => {
      const key = newKey();
      const answer = await checkout(customer.token, key, body());
      assert.equal(answer.status, 400, answer.text);
      const problem = answer.body as Problem;
      assert.equal(problem.code, "invalid_request");
      for (const [field, message] of Object.entries(fields)) {
        const messages = problem.details?.[field] as string[] | undefined;
        assert.ok(Array.isArray(messages) && messages.length > 0, `details names ${field}: ${answer.text}`);
        assert.ok(messages.some((m) => message.test(m)), `${field}: ${messages.join("; ")}`);
      }
      assert.equal(await idempotencyKeyStored(customer.userId, key), false, "the key is not stored");
    });
  }

  it("a body that is not JSON: 400 invalid_json", async () => {
    const answer = await checkout(customer.token, newKey(), "{store_id: oops");
    assert.equal(answer.status, 400);
    assert.equal((answer.body as Problem).code, "invalid_json");
  });

  it("no Idempotency-Key, or one that is not a uuid: 400 idempotency_key_required", async () => {
    for (const key of [null, "order-1"]) {
      const answer = await checkout(customer.token, key, valid);
      assert.equal(answer.status, 400, answer.text);
      assert.equal((answer.body as Problem).code, "idempotency_key_required");
    }
  });

  it("none of them created an order or touched stock", async () => {
    assert.equal(await orderCount(sql, { customerId: customer.userId }), 0);
    assert.deepEqual(await stockOf(sql, shop), { "SALT-1KG": 10, "SUGAR-1KG": 10 });
  });

  it("a 400 does not use up its key: the same key then places the valid order", async () => {
    const key = newKey();
    const bad = await checkout(customer.token, key, withItem({ quantity: 0 }));
    assert.equal(bad.status, 400);
    const good = await checkout(customer.token, key, valid);
    assert.equal(good.status, 201, good.text);
    assert.equal(good.replayed, "false");
    assert.deepEqual(await stockOf(sql, shop), { "SALT-1KG": 9, "SUGAR-1KG": 10 });
  });
});

describe("who may check out", () => {
  let shop: Shop;
  let request: ReturnType<typeof orderRequest>;

  before(async () => {
    shop = await openShop(sql, "gate", [{ sku: "SOAP-100G", price_paise: 3900, stock: 10 }]);
    request = orderRequest(shop, [["SOAP-100G", 1]]);
  });

  it("no Authorization header: 401 from the gateway", async () => {
    const answer = await checkout(null, newKey(), request, { apikey: undefined });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body, { msg: "Error: Missing authorization header" });
  });

  it("a forged JWT: 401 from the gateway", async () => {
    const customer = await person("customer", "forger");
    const forged = customer.token.slice(0, -4) + (customer.token.endsWith("AAAA") ? "BBBB" : "AAAA");
    const answer = await checkout(forged, newKey(), request);
    assert.equal(answer.status, 401);
  });

  it("only the anon key: 401 sign_in_required", async () => {
    const answer = await checkout(env.anonKey, newKey(), request);
    assert.equal(answer.status, 401);
    assert.equal((answer.body as Problem).code, "sign_in_required");
  });

  for (const role of ["merchant", "rider"] as const) {
    it(`a ${role}: 403 not_a_customer`, async () => {
      const caller = await person(role, `gate-${role}`);
      const answer = await checkout(caller.token, newKey(), request);
      assert.equal(answer.status, 403, answer.text);
      assert.equal((answer.body as Problem).code, "not_a_customer");
    });
  }

  it("none of them created an order or touched stock", async () => {
    assert.equal(await orderCount(sql, { storeId: shop.storeId }), 0);
    assert.deepEqual(await stockOf(sql, shop), { "SOAP-100G": 10 });
  });
});

describe("the place_order RPC through REST", () => {
  let shop: Shop;
  let closed: Shop;
  let customer: Person;

  before(async () => {
    shop = await openShop(sql, "rpc", [
      { sku: "OIL-1L", price_paise: 16500, stock: 4 },
      { sku: "DAL-1KG", price_paise: 12000, stock: 9 },
    ]);
    closed = await openShop(sql, "rpc-closed", [{ sku: "OIL-1L", price_paise: 16500, stock: 4 }]);
    await sql`update public.stores set temporarily_closed = true where id = ${closed.storeId}`;
    customer = await person("customer", "rpc-buyer");
  });

  const args = (request: ReturnType<typeof orderRequest>, key: string) => ({
    idempotency_key: key,
    store_id: request.store_id,
    items: request.items,
    delivery: request.delivery,
    payment_method: request.payment_method,
    ...("expected_total_paise" in request ? { expected_total_paise: request.expected_total_paise as number } : {}),
  });

  it("places the order at quote_order's total, and the same key gives the same order", async () => {
    const request = orderRequest(shop, [["OIL-1L", 1], ["DAL-1KG", 2]]);
    const quoted = await quote(customer, request);
    const key = newKey();
    const first = await customer.supabase.rpc("place_order", args(request, key));
    assert.equal(first.error, null);
    const order = first.data as unknown as OrderJson;
    assert.equal(order.total_paise, quoted.total_paise);
    assert.equal(order.customer_id, customer.userId);
    assert.equal(order.items.length, 2);

    const again = await customer.supabase.rpc("place_order", args(request, key));
    assert.equal(again.error, null);
    assert.deepEqual(again.data, first.data);
    assert.equal(await orderCount(sql, { customerId: customer.userId }), 1);
    assert.deepEqual(await stockOf(sql, shop), { "DAL-1KG": 7, "OIL-1L": 3 });
  });

  it("refuses with status 409 and the same codes and details as the checkout function", async () => {
    const price = (await quote(customer, orderRequest(shop, [["DAL-1KG", 1]]))).total_paise;
    const refusals: [string, ReturnType<typeof orderRequest>][] = [
      ["out_of_stock", orderRequest(shop, [["OIL-1L", 4]])],
      ["store_closed", orderRequest(closed, [["OIL-1L", 1]])],
      ["outside_radius", orderRequest(shop, [["DAL-1KG", 1]], { delivery: { address: "Far Away Lane, Pune", ...FAR } })],
      ["price_changed", orderRequest(shop, [["DAL-1KG", 1]], { expected_total_paise: price - 1 })],
    ];
    const stockBefore = await stockOf(sql, shop);
    for (const [code, request] of refusals) {
      const { data, error, status } = await customer.supabase.rpc("place_order", args(request, newKey()));
      assert.equal(status, 409, `${code}: ${JSON.stringify(error)}`);
      assert.equal(data, null);
      assert.equal(error?.code, code);
      const viaFunction = await checkout(customer.token, newKey(), request);
      assert.equal(viaFunction.status, 409);
      const fn = viaFunction.body as Problem;
      assert.deepEqual({ code: error!.code, message: error!.message, details: error!.details as unknown }, { code: fn.code, message: fn.message, details: fn.details });
    }
    assert.deepEqual(await stockOf(sql, shop), stockBefore);
    assert.equal(await orderCount(sql, { customerId: customer.userId }), 1, "only the first test's order");
  });

  it("keeps a refusal for its key, as the function does: after a restock the same key still answers 409", async () => {
    const request = orderRequest(shop, [["OIL-1L", 50]]);
    const key = newKey();
    const first = await customer.supabase.rpc("place_order", args(request, key));
    assert.equal(first.status, 409);
    assert.equal(first.error?.code, "out_of_stock");
    await sql`update public.products set stock = 100 where store_id = ${shop.storeId} and sku = 'OIL-1L'`;
    try {
      const again = await customer.supabase.rpc("place_order", args(request, key));
      assert.equal(again.status, 409);
      assert.deepEqual(again.error, first.error);
      assert.equal(await orderCount(sql, { customerId: customer.userId }), 1, "only the first test's order");
    } finally {
      await sql`update public.products set stock = 3 where store_id = ${shop.storeId} and sku = 'OIL-1L'`;
    }
  });

  it("refuses a visitor (anon key) and a merchant", async () => {
    const request = orderRequest(shop, [["DAL-1KG", 1]]);
    const visitor = await client().rpc("place_order", args(request, newKey()));
    assert.equal(visitor.data, null);
    assert.ok(visitor.status === 401 || visitor.status === 403, `visitor got ${visitor.status}`);
    const merchant = await shop.merchant.supabase.rpc("place_order", args(request, newKey()));
    assert.equal(merchant.status, 403);
    assert.equal(merchant.error?.code, "not_a_customer");
  });
});
