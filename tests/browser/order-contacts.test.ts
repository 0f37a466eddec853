// Reaching people: while an order runs, each party sees the others' names with a call button
// (tel: links to the store's phone, the rider's and the phone given with the delivery address);
// once the order has ended the numbers are gone from every screen.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { makeReady, NEAR, openShop, orderRequest, person, placeOrder, riderAt } from "../support/orders.js";
import { appUrl, phone, screen, signIn, t } from "./browser.js";

const sql = db();
after(() => sql.end());

const c = t.contacts;
const DOOR = "+919812345678";
const STORE = "+912025501234";
const RIDER = "+919822000111";

/** The call links of the page's contacts section, as "role name → number". */
async function calls(page: Page): Promise<string[]> {
  const section = page.getByTestId("order-contacts");
  if ((await section.count()) === 0) return [];
  return section.locator("li").evaluateAll((items) =>
    items.map((li) => {
      const link = li.querySelector("a[href^='tel:']");
      return `${li.querySelector(".role")?.textContent} → ${link ? link.getAttribute("href") : "none"}`;
    }),
  );
}

async function open(email: string, home: string, path: string): Promise<Page> {
  const page = await signIn(await (await phone()).newPage(), email, home);
  await page.goto(`${appUrl}${path}`);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  return page;
}

test("during an order each party can call the others; after it nobody's number is shown", async () => {
  const shop = await openShop(sql, "ui-contacts", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
  await sql`update public.stores set phone = ${STORE} where id = ${shop.storeId}`;
  const customer = await person("customer", "ui-contacts-customer");
  await sql`update public.profiles set full_name = 'Asha Kulkarni' where id = ${customer.userId}`;
  const order = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]], { delivery: { address: "7 Karve Road, Pune", ...NEAR, phone: DOOR } }));
  await makeReady(shop, order.id);
  const rider = await riderAt(sql, "ui-contacts-rider");
  await sql`update public.profiles set full_name = 'Ravi Pawar', phone = ${RIDER} where id = ${rider.userId}`;
  for (const [name, args] of [
    ["claim_delivery", { order_id: order.id }],
    ["update_order_status", { order_id: order.id, status: "picked_up" }],
  ] as const) {
    const { error } = await rider.supabase.rpc(name, args as never);
    assert.equal(error, null, error?.message);
  }

  const buyer = await open(customer.email, "/customer", `/customer/orders/${order.id}`);
  assert.deepEqual(await calls(buyer), [`${c.roles.store} → tel:${STORE}`, `${c.roles.rider} → tel:${RIDER}`]);
  await buyer.getByRole("link", { name: c.call("Ravi Pawar") }).waitFor();
  await buyer.getByRole("link", { name: c.call("ui-contacts Kirana") }).waitFor();
  await screen(buyer, "customer-order-contacts");

  const store = await open(shop.merchant.email, "/merchant", `/merchant/orders/${order.id}`);
  assert.deepEqual(await calls(store), [`${c.roles.rider} → tel:${RIDER}`, `${c.roles.customer} → tel:${DOOR}`]);
  await store.getByRole("link", { name: c.call("Asha Kulkarni") }).waitFor();

  const courier = await open(rider.email, "/rider", `/rider/jobs/${order.id}`);
  assert.deepEqual(await calls(courier), [`${c.roles.store} → tel:${STORE}`, `${c.roles.customer} → tel:${DOOR}`]);

  // The order ends (delivered): the next look at any of the screens shows no number.
  await sql`update public.orders set status = 'delivered' where id = ${order.id}`;
  for (const page of [buyer, store]) {
    await page.reload();
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    assert.deepEqual(await calls(page), []);
    assert.equal(await page.locator("a[href^='tel:']").count(), 0);
  }
  for (const page of [buyer, store, courier]) await page.context().close();
});
