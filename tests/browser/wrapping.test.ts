// Long unbroken text wraps: a 500-character reason, a 300-character address and note, a
// 5,000-character chat message, a 150-character search, a saved address as long as each of its
// fields may be and a 500-character request to cancel never make a screen of the customer or the
// merchant scroll sideways on a 360 px phone.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { NEAR, openShop, orderRequest, person, placeOrder } from "../support/orders.js";
import { appUrl, outboxShows, phone, screen, signIn } from "./browser.js";

const sql = db();
after(() => sql.end());

const unbroken = (n: number) => "Ww".repeat(Math.ceil(n / 2)).slice(0, n);

/** How far the screen reaches past the phone's width, once the page's content has come. */
async function sideways(page: Page, path: string, ready: (p: Page) => Promise<unknown>): Promise<number> {
  await page.goto(`${appUrl}${path}`);
  await ready(page);
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function signedIn(email: string, home: string): Promise<Page> {
  const page = await (await phone()).newPage();
  await signIn(page, email, home);
  await outboxShows(page, 0);
  return page;
}

describe("long text", () => {
  test("wraps on the customer's and the merchant's order, chat and search screens", async () => {
    const label = `ui-wrap-${randomUUID().slice(0, 6)}`;
    const shop = await openShop(sql, label, [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const customer = await person("customer", "ui-wrap");
    const long = { delivery: { address: unbroken(300), ...NEAR }, notes: unbroken(300) };
    const rejected = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]], long));
    const reason = unbroken(500);
    assert.equal((await shop.merchant.supabase.rpc("reject_order", { order_id: rejected.id, reason })).error, null);
    const chatting = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]], long));
    const [chat] = await sql<{ id: string }[]>`select id from public.conversations where order_id = ${chatting.id} and kind = 'customer_store'`;
    const message = unbroken(5000);
    assert.equal((await customer.supabase.rpc("send_message", { conversation_id: chat!.id, client_msg_id: randomUUID(), body: message })).error, null);

    const asking = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]], long));
    assert.equal((await shop.merchant.supabase.rpc("accept_order", { order_id: asking.id })).error, null);
    const askReason = unbroken(500);
    assert.equal((await customer.supabase.rpc("request_cancellation", { order_id: asking.id, reason: askReason })).error, null);
    const saved = { house: unbroken(100), street: unbroken(150), landmark: unbroken(100) };
    await sql`insert into public.addresses (customer_id, label, house, street, landmark, location, phone)
              values (${customer.userId}, 'other', ${saved.house}, ${saved.street}, ${saved.landmark},
                      ${`SRID=4326;POINT(${NEAR.lng} ${NEAR.lat})`}, '+919800000001')`;

    const buyer = await signedIn(customer.email, "/customer");
    const shows = (text: string) => (p: Page) => p.getByText(text.slice(0, 40)).first().waitFor();
    assert.equal(await sideways(buyer, `/customer/orders/${rejected.id}`, shows(reason)), 0, "the rejected order with its reason");
    await screen(buyer, "wrap-rejected-order");
    assert.equal(await sideways(buyer, `/customer/orders/${chatting.id}`, shows(message)), 0, "the order with a long chat message");
    assert.equal(await sideways(buyer, "/customer/orders", shows(`${label} Kirana`)), 0, "the orders list");
    const query = unbroken(150);
    assert.equal(await sideways(buyer, `/customer/search?q=${query}`, (p) => p.getByRole("heading", { level: 1 }).waitFor()), 0, "a long search");
    await screen(buyer, "wrap-search");
    assert.equal(await sideways(buyer, "/customer/addresses", shows(saved.street)), 0, "a saved address as long as its fields allow");
    assert.equal(await sideways(buyer, `/customer/orders/${asking.id}`, shows(askReason)), 0, "an order the customer asked to cancel");

    const merchant = await signedIn(shop.merchant.email, "/merchant");
    assert.equal(await sideways(merchant, `/merchant/orders/${chatting.id}`, shows(message)), 0, "the merchant's order with the chat");
    assert.equal(await sideways(merchant, "/merchant/orders", shows(long.delivery.address)), 0, "the merchant's orders");
    await screen(merchant, "wrap-merchant-orders");
    assert.equal(await sideways(merchant, `/merchant/orders/${asking.id}`, shows(askReason)), 0, "the merchant's order with the request to cancel");
  });
});
