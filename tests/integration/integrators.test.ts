// The calls of docs/integrators.md, over plain HTTP and through supabase-js: a POS signed in as
// the merchant syncs the catalogue, updates stock, reads changed orders; bad requests change
// nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { db, env, signUp, type Client } from "../support/env.js";

const sql = db();
after(() => sql.end());

let merchant: { supabase: Client; userId: string; token: string; storeId: string };
let rival: { supabase: Client; storeId: string };

const PUNE = "SRID=4326;POINT(73.8567 18.5204)";

async function merchantWithStore(label: string) {
  const { supabase, userId } = await signUp("merchant", label);
  const { data, error } = await supabase
    .from("stores")
    .insert({ name: `${label} Kirana`, address: "14 Laxmi Road, Pune", location: PUNE })
    .select("id, status")
    .single();
  assert.equal(error, null);
  assert.equal(data!.status, "pending");
  const token = (await supabase.auth.getSession()).data.session!.access_token;
  return { supabase, userId, token, storeId: data!.id };
}

before(async () => {
  merchant = await merchantWithStore("pos");
  rival = await merchantWithStore("rival");
});

/** A REST call as the signed-in merchant, as the curl examples make it. */
function rest(path: string, init: RequestInit = {}, token = merchant.token): Promise<Response> {
  return fetch(`${env.apiUrl}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: env.anonKey, Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers },
  });
}

const row = (sku: string, extra: Record<string, unknown> = {}) => ({
  store_id: merchant.storeId,
  sku,
  name: `Product ${sku}`,
  category: "Staples",
  unit: "1 kg",
  price_paise: 5000,
  stock: 10,
  is_active: true,
  ...extra,
});

async function catalogue(storeId = merchant.storeId) {
  return [...await sql<{ sku: string; price_paise: number; stock: number; name: string }[]>`
    select sku, price_paise, stock, name from public.products where store_id = ${storeId} order by sku`];
}

const upsert = (rows: unknown[], prefer = "resolution=merge-duplicates,return=minimal", token?: string) =>
  rest("products?on_conflict=store_id,sku", { method: "POST", headers: { Prefer: prefer }, body: JSON.stringify(rows) }, token);

test("step 1: the merchant signs in with the password grant and refreshes the session", async () => {
  const { email } = await signUp("merchant", "signin");
  const res = await fetch(`${env.apiUrl}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: env.anonKey, "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "correct-horse-battery" }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { access_token: string; refresh_token: string; user: { id: string } };
  assert.ok(body.access_token && body.refresh_token && body.user.id);

  // Before the hour is up, the refresh token buys a new pair that works the same.
  const refreshed = await fetch(`${env.apiUrl}/auth/v1/token?grant_type=refresh_token`, {
    method: "POST",
    headers: { apikey: env.anonKey, "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: body.refresh_token }),
  });
  assert.equal(refreshed.status, 200);
  const pair = (await refreshed.json()) as { access_token: string; refresh_token: string; user: { id: string } };
  assert.equal(pair.user.id, body.user.id);
  const stores = await rest("stores?select=id&limit=1", {}, pair.access_token);
  assert.equal(stores.status, 200);
});

test("step 2: the merchant finds their own store by owner_id", async () => {
  const res = await rest(`stores?select=id,name,status&owner_id=eq.${merchant.userId}`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), [{ id: merchant.storeId, name: "pos Kirana", status: "pending" }]);
});

test("step 3: a bulk upsert by SKU creates products, then updates them in place", async () => {
  const first = await upsert([row("ATTA-5KG", { price_paise: 28500, stock: 40 }), row("DAHI-400", { price_paise: 3500, stock: 25 })]);
  assert.equal(first.status, 201);
  assert.deepEqual(await catalogue(), [
    { sku: "ATTA-5KG", price_paise: 28500, stock: 40, name: "Product ATTA-5KG" },
    { sku: "DAHI-400", price_paise: 3500, stock: 25, name: "Product DAHI-400" },
  ]);
  const ids = [...await sql`select id from public.products where store_id = ${merchant.storeId} order by sku`];

  const second = await upsert(
    [row("ATTA-5KG", { price_paise: 29900, stock: 38 }), row("DAHI-400", { stock: 20 }), row("POHA-500G", { price_paise: 4200 })],
    "resolution=merge-duplicates,return=representation",
  );
  assert.equal(second.status, 201);
  const returned = (await second.json()) as { sku: string }[];
  assert.deepEqual(returned.map((r) => r.sku).sort(), ["ATTA-5KG", "DAHI-400", "POHA-500G"]);
  const after = await catalogue();
  assert.deepEqual(after.map((p) => [p.sku, p.price_paise, p.stock]), [
    ["ATTA-5KG", 29900, 38],
    ["DAHI-400", 5000, 20],
    ["POHA-500G", 4200, 10],
  ]);
  const idsAfter = [...await sql`select id from public.products where store_id = ${merchant.storeId} and sku in ('ATTA-5KG', 'DAHI-400') order by sku`];
  assert.deepEqual(idsAfter, ids, "existing products keep their ids: updated, not replaced");
});

test("step 3 through supabase-js: upsert with onConflict", async () => {
  const { error } = await merchant.supabase
    .from("products")
    .upsert([row("ATTA-5KG", { price_paise: 30100, stock: 36 })], { onConflict: "store_id,sku" });
  assert.equal(error, null);
  const atta = (await catalogue()).find((p) => p.sku === "ATTA-5KG");
  assert.equal(atta?.price_paise, 30100);
});

test("step 4: PATCH by store and SKU changes only the stock", async () => {
  const res = await rest(`products?store_id=eq.${merchant.storeId}&sku=eq.DAHI-400`, {
    method: "PATCH",
    headers: { Prefer: "return=representation" },
    body: JSON.stringify({ stock: 18 }),
  });
  assert.equal(res.status, 200);
  const [updated] = (await res.json()) as { sku: string; stock: number; price_paise: number }[];
  assert.equal(updated?.stock, 18);
  assert.equal(updated?.price_paise, 5000);

  const { data, error } = await merchant.supabase
    .from("products")
    .update({ stock: 17 })
    .eq("store_id", merchant.storeId)
    .eq("sku", "DAHI-400")
    .select("stock");
  assert.equal(error, null);
  assert.deepEqual(data, [{ stock: 17 }]);
});

test("step 4 against another merchant's product matches nothing and changes nothing", async () => {
  await sql`insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
            values (${rival.storeId}, 'DAHI-400', 'Rival Dahi', 'Dairy', '400 g', 3600, 9)`;
  const res = await rest(`products?store_id=eq.${rival.storeId}&sku=eq.DAHI-400`, {
    method: "PATCH",
    headers: { Prefer: "return=representation" },
    body: JSON.stringify({ stock: 0 }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), []);
  assert.equal((await catalogue(rival.storeId))[0]?.stock, 9);
});

const BAD_ROWS: [string, () => unknown[], number, string, RegExp][] = [
  ["negative stock", () => [row("ATTA-5KG", { stock: 1 }), row("NEG", { stock: -1 })], 400, "23514", /products_stock_not_negative/],
  ["a price of zero", () => [row("ATTA-5KG", { stock: 1 }), row("FREE", { price_paise: 0 })], 400, "23514", /products_price_positive/],
  ["a malformed SKU", () => [row("ATTA-5KG", { stock: 1 }), row("no spaces allowed")], 400, "23514", /products_sku_format/],
  ["an unknown store", () => [row("ATTA-5KG", { stock: 1 }), row("GHOST", { store_id: "00000000-0000-4000-8000-000000000000" })], 403, "42501", /row-level security/],
  ["another merchant's store", () => [row("ATTA-5KG", { stock: 1 }), row("DAHI-400", { store_id: rival.storeId })], 403, "42501", /row-level security/],
  ["the same SKU twice", () => [row("ATTA-5KG", { stock: 1 }), row("ATTA-5KG", { stock: 2 })], 400, "21000", /cannot affect row a second time/],
  ["a missing required column", () => [{ ...row("ATTA-5KG", { stock: 1 }), name: null }], 400, "23502", /name/],
  ["a column that does not exist", () => [row("ATTA-5KG", { colour: "red" })], 400, "PGRST204", /colour/],
];

for (const [what, rows, status, code, message] of BAD_ROWS) {
  test(`a bulk upsert with ${what} is refused with ${status} ${code} and changes nothing`, async () => {
    const before = await catalogue();
    const rivalBefore = await catalogue(rival.storeId);
    const auditBefore = (await sql`select count(*)::int as n from public.audit_log where table_name = 'products'`)[0]!.n;
    const res = await upsert(rows());
    assert.equal(res.status, status);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, code);
    assert.match(body.message, message);
    assert.deepEqual(await catalogue(), before);
    assert.deepEqual(await catalogue(rival.storeId), rivalBefore);
    const auditAfter = (await sql`select count(*)::int as n from public.audit_log where table_name = 'products'`)[0]!.n;
    assert.equal(auditAfter, auditBefore, "nothing was written, so nothing was audited");
  });
}

test("supabase-js reports a bad upsert as an error with the constraint, and nothing is applied", async () => {
  const before = await catalogue();
  const { error } = await merchant.supabase
    .from("products")
    .upsert([row("ATTA-5KG", { stock: 99 }), row("BAD", { stock: -5 })], { onConflict: "store_id,sku" });
  assert.equal(error?.code, "23514");
  assert.match(error!.message, /products_stock_not_negative/);
  assert.deepEqual(await catalogue(), before);
});

test("step 5: orders changed since a timestamp, oldest first, with their items", async () => {
  const customer = await signUp("customer", "buyer");
  const make = async (updatedAt: string, status: string) => {
    const [order] = await sql`
      insert into public.orders (customer_id, store_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                                 delivery_address, delivery_location, created_at, updated_at)
      values (${customer.userId}, ${merchant.storeId}, ${status}, 10000, 2000, 12000,
              '7 Karve Road, Pune', ${PUNE}, ${updatedAt}, ${updatedAt})
      returning id`;
    await sql`insert into public.order_items (order_id, sku, product_name, unit, unit_price_paise, quantity)
              values (${order!.id}, 'ATTA-5KG', 'Aashirvaad Atta', '5 kg', 5000, 2)`;
    return order!.id as string;
  };
  // Moments a few weeks back, relative to now: data an integrator filters on, never the clock.
  const day = 86_400_000;
  const at = (daysAgo: number, minutes: number) => new Date(Math.floor(Date.now() / day) * day - daysAgo * day + minutes * 60_000).toISOString();
  const since = at(16, 300);
  await make(at(17, 600), "delivered");
  const newer = await make(at(16, 330), "accepted");
  // Not "pending": the expiry job would take a pending order this old at its next minute.
  const newest = await make(at(16, 375), "ready");

  const res = await rest(
    `orders?store_id=eq.${merchant.storeId}&updated_at=gt.${since}&order=updated_at.asc` +
      "&select=id,status,total_paise,created_at,updated_at,order_items(sku,product_name,unit,quantity,unit_price_paise)",
  );
  assert.equal(res.status, 200);
  const orders = (await res.json()) as { id: string; status: string; total_paise: number; order_items: unknown[] }[];
  assert.deepEqual(orders.map((o) => [o.id, o.status]), [[newer, "accepted"], [newest, "ready"]]);
  assert.deepEqual(orders[0]!.order_items, [{ sku: "ATTA-5KG", product_name: "Aashirvaad Atta", unit: "5 kg", quantity: 2, unit_price_paise: 5000 }]);

  const viaJs = await merchant.supabase
    .from("orders")
    .select("id, status, total_paise, updated_at, order_items(sku, product_name, quantity, unit_price_paise)")
    .eq("store_id", merchant.storeId)
    .gt("updated_at", since)
    .order("updated_at");
  assert.equal(viaJs.error, null);
  assert.deepEqual(viaJs.data?.map((o) => o.id), [newer, newest]);

  const asRival = await rival.supabase.from("orders").select("id").eq("store_id", merchant.storeId);
  assert.deepEqual(asRival.data, [], "another merchant reads none of them");
});

test("step 6: the merchant's POS hears a new order with its items, then its status change, on store:<id>", async () => {
  const customer = await signUp("customer", "live-buyer");
  const heard: Array<{ event: string; payload: Record<string, any> }> = [];
  const channel = merchant.supabase
    .channel(`store:${merchant.storeId}`, { config: { private: true } })
    .on("broadcast", { event: "new_order" }, (m) => heard.push(m as never))
    .on("broadcast", { event: "order_changed" }, (m) => heard.push(m as never));
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status, err) => (status === "SUBSCRIBED" ? resolve() : status !== "CLOSED" && reject(err ?? new Error(status)))),
  );
  try {
    const orderId = await sql.begin(async (tx) => {
      const [order] = await tx`
        insert into public.orders (customer_id, store_id, subtotal_paise, delivery_fee_paise, total_paise, delivery_address, delivery_location)
        values (${customer.userId}, ${merchant.storeId}, 10000, 2000, 12000, '7 Karve Road, Pune', ${PUNE})
        returning id`;
      await tx`insert into public.order_items (order_id, sku, product_name, unit, unit_price_paise, quantity)
               values (${order!.id}, 'ATTA-5KG', 'Aashirvaad Atta', '5 kg', 5000, 2)`;
      return order!.id as string;
    });
    await sql`update public.orders set status = 'accepted' where id = ${orderId}`;
    const deadline = Date.now() + 10_000;
    while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(heard.map((m) => m.event), ["new_order", "order_changed"]);
    const placed = heard[0]!.payload;
    assert.deepEqual([placed.id, placed.status, placed.total_paise], [orderId, "pending", 12000]);
    assert.deepEqual(placed.items.map((i: any) => [i.sku, i.product_name, i.quantity, i.unit_price_paise]), [["ATTA-5KG", "Aashirvaad Atta", 2, 5000]]);
    assert.deepEqual([heard[1]!.payload.order_id, heard[1]!.payload.status, heard[1]!.payload.previous_status], [orderId, "accepted", "pending"]);
  } finally {
    await merchant.supabase.removeChannel(channel);
  }
});

test("step 6: another merchant cannot join the store's topic", async () => {
  const channel = rival.supabase.channel(`store:${merchant.storeId}`, { config: { private: true } });
  const status = await new Promise<string>((resolve) => channel.subscribe((s) => s !== "CLOSED" && resolve(s)));
  await rival.supabase.removeChannel(channel);
  assert.equal(status, "CHANNEL_ERROR");
});

test("orders are read-only for the integration: writes are refused", async () => {
  const res = await rest(`orders?store_id=eq.${merchant.storeId}`, { method: "PATCH", body: JSON.stringify({ status: "delivered" }) });
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { code: string }).code, "42501");
});

test("step 7: the OpenAPI description covers the integrator calls, for the secret key only", async () => {
  const res = await fetch(`${env.apiUrl}/rest/v1/`, { headers: { apikey: env.secretKey } });
  assert.equal(res.status, 200);
  const doc = (await res.json()) as {
    swagger: string;
    paths: Record<string, Record<string, { parameters: { $ref?: string }[] }>>;
    definitions: Record<string, { properties: Record<string, { description?: string; type?: string; format: string }>; required: string[] }>;
    parameters: Record<string, { enum?: string[] }>;
  };
  assert.equal(doc.swagger, "2.0");
  assert.deepEqual(Object.keys(doc.paths["/products"]!).sort(), ["delete", "get", "patch", "post"]);
  assert.ok(doc.paths["/products"]!.post!.parameters.some((p) => p.$ref === "#/parameters/on_conflict"));
  assert.ok(doc.parameters.preferPost!.enum!.includes("resolution=merge-duplicates"));
  const products = doc.definitions.products!;
  assert.equal(products.properties.price_paise!.type, "integer");
  assert.match(products.properties.price_paise!.description!, /paise/);
  assert.match(products.properties.store_id!.description!, /Foreign Key to `stores.id`/);
  assert.ok(products.required.includes("sku"));
  assert.ok(doc.paths["/orders"]!.get, "orders can be read");
  assert.ok(doc.paths["/rpc/my_profile"], "functions are described too");

  const asMerchant = await rest("");
  assert.ok(asMerchant.status === 401 || asMerchant.status === 403, `a merchant session gets ${asMerchant.status}`);
});
