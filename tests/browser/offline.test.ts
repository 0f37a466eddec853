import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { db, PASSWORD, uniqueEmail } from "../support/env.js";
import { NEAR, openShop, orderRequest, person, placeOrder, type Shop } from "../support/orders.js";
import { addToCart, appUrl, fillSignUp, outboxShows, phone, reloadThroughWorker, screen, signIn, t, waitForAsync, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const orderCount = async (userId: string) => (await sql<{ n: number }[]>`select count(*)::int as n from public.orders where customer_id = ${userId}`)[0]!.n;

/** A new customer signed in on a phone, and a shop of their own with Product MNG (stock 5). */
async function setUp(label: string): Promise<{ context: BrowserContext; page: Page; userId: string; shop: Shop }> {
  const shop = await openShop(sql, `${label}-${randomUUID().slice(0, 6)}`, [{ sku: "MNG", price_paise: 9000, stock: 5 }]);
  const context = await phone();
  const page = await context.newPage();
  const email = uniqueEmail(label);
  await fillSignUp(page, { role: "customer", name: "Priya Customer", email, password: PASSWORD });
  await waitForPath(page, "/customer");
  const [row] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
  return { context, page, userId: row!.id, shop };
}

/** Three of the shop's product in the cart, and the checkout priced and ready to place. */
async function readyToPlace(page: Page, shop: Shop): Promise<void> {
  await page.goto(`${appUrl}/customer/stores/${shop.storeId}`);
  await addToCart(page, "Product MNG", 3);
  await page.goto(`${appUrl}/customer/checkout`);
  await page.getByLabel(t.shop.checkout.address).fill("7 Laxmi Road, Pune");
  await page.getByLabel(t.shop.location.latitude).fill(String(NEAR.lat));
  await page.getByLabel(t.shop.location.longitude).fill(String(NEAR.lng));
  await page.getByRole("button", { name: t.shop.checkout.refresh }).click();
  await page.getByTestId("quote-total").waitFor();
  // The outbox is open (the badge shows) before anything is placed.
  await outboxShows(page, 0);
}

/** Places the order with the network off: it waits in the outbox, counted by the badge. */
async function placeOffline(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(true);
  await page.waitForFunction(() => !navigator.onLine);
  await page.getByRole("button", { name: t.shop.checkout.place }).click();
  await page.getByRole("heading", { name: t.shop.checkout.queuedTitle }).waitFor();
  await page.getByText(t.shop.checkout.queued).waitFor();
  await outboxShows(page, 1);
}

/**
 * A customer with an order (one MNG) from a shop of their own, signed in on a phone whose service
 * worker is active, on the order's page: loaded through the worker, so it is kept for offline.
 */
async function onOrderPage(label: string) {
  const shop = await openShop(sql, `${label}-${randomUUID().slice(0, 6)}`, [{ sku: "MNG", price_paise: 9000, stock: 5 }]);
  const customer = await person("customer", label);
  const order = await placeOrder(customer, orderRequest(shop, [["MNG", 1]]));
  const [chat] = await sql<{ id: string }[]>`select id from public.conversations where order_id = ${order.id} and kind = 'customer_store'`;
  const context = await phone();
  const page = await context.newPage();
  await signIn(page, customer.email, "/customer");
  await waitForAsync(page, async () => (await navigator.serviceWorker.getRegistration())?.active?.state === "activated");
  const url = `${appUrl}/customer/orders/${order.id}`;
  await page.goto(url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await waitForAsync(page, async (u) => (await (await caches.open("kirana-pages")).match(u!)) !== undefined, url);
  const panel = page.getByRole("region", { name: t.chat.title("store") });
  return { context, page, customer, shop, order, chatId: chat!.id, url, panel };
}

/** What the customer wrote in the conversation, in the server's order. */
const customerMessages = async (chatId: string, userId: string) =>
  (await sql<{ body: string }[]>`select body from public.messages where conversation_id = ${chatId} and sender_id = ${userId} order by seq`).map((m) => m.body);

/** Types a message into the chat panel and sends it. */
async function write(panel: Locator, body: string) {
  await panel.getByLabel(t.chat.label).fill(body);
  await panel.getByRole("button", { name: t.chat.send }).click();
  await panel.getByRole("listitem").filter({ hasText: body }).waitFor();
}

const queuedState = (page: Page, state: keyof typeof t.outbox.states) =>
  page.getByTestId("queued-state").filter({ hasText: t.shop.checkout.queuedState(t.outbox.states[state]) }).waitFor();

describe("the outbox keeps what was done offline and sends it once", () => {
  test("a checkout queued offline is placed once when the network returns, and shows as sent", async () => {
    const { context, page, userId, shop } = await setUp("offline-queue");
    await readyToPlace(page, shop);
    await placeOffline(context, page);
    assert.equal(await orderCount(userId), 0);
    await screen(page, "outbox-queued");

    await context.setOffline(false);
    await queuedState(page, "done");
    await outboxShows(page, 0);
    assert.equal(await orderCount(userId), 1);

    // The pending screen lists it as sent, with its order.
    await page.getByRole("link", { name: t.shop.checkout.seePending }).click();
    await waitForPath(page, "/customer/pending");
    const item = page.getByRole("listitem").filter({ hasText: t.outbox.state(t.outbox.states.done) });
    await item.getByRole("heading", { name: /^Order from / }).waitFor();
    await item.getByRole("link", { name: t.outbox.viewOrder }).waitFor();
    await context.close();
  });

  test("a network that comes and goes during the drain still places one order", async () => {
    const { context, page, userId, shop } = await setUp("offline-flap");
    await readyToPlace(page, shop);
    await placeOffline(context, page);
    for (let i = 0; i < 4; i++) {
      await context.setOffline(false);
      await page.waitForFunction(() => navigator.onLine);
      await context.setOffline(true);
      await page.waitForFunction(() => !navigator.onLine);
    }
    await context.setOffline(false);
    await queuedState(page, "done");
    assert.equal(await orderCount(userId), 1);
    await context.close();
  });

  test("two tabs of the same person with a queued order place it once", async () => {
    const { context, page, userId, shop } = await setUp("offline-tabs");
    const other = await context.newPage();
    await other.goto(`${appUrl}/customer`);
    await outboxShows(other, 0);
    await readyToPlace(page, shop);
    await placeOffline(context, page);
    // The other tab sees the queued order too, and both drain when the network returns.
    await outboxShows(other, 1);
    await context.setOffline(false);
    await queuedState(page, "done");
    await outboxShows(other, 0);
    assert.equal(await orderCount(userId), 1);
    await context.close();
  });

  test("an order queued offline that meets a stock conflict on replay waits on the pending screen", async () => {
    const { context, page, userId, shop } = await setUp("offline-conflict");
    await readyToPlace(page, shop);
    await placeOffline(context, page);
    await sql`update public.products set stock = 1 where id = ${shop.product.MNG!}`;
    await context.setOffline(false);
    await queuedState(page, "needs_attention");
    // Not dropped: still counted until the person decides.
    await outboxShows(page, 1);
    assert.equal(await orderCount(userId), 0);

    await page.getByRole("link", { name: t.outbox.badge(1) }).click();
    await waitForPath(page, "/customer/pending");
    const conflict = page.getByRole("region", { name: t.outbox.conflictTitle });
    await conflict.getByText(t.shop.checkout.shortItem("Product MNG", 3, 1)).waitFor();
    await page.getByText(t.outbox.state(t.outbox.states.needs_attention)).waitFor();
    await conflict.getByRole("button", { name: t.outbox.editCart }).waitFor();
    await screen(page, "outbox-pending");

    // Cancelling removes it, and nothing was placed.
    await conflict.getByRole("button", { name: t.outbox.cancelOrder }).click();
    await page.getByText(t.outbox.empty).waitFor();
    await outboxShows(page, 0);
    assert.equal(await orderCount(userId), 0);
    await context.close();
  });

  test("a checkout and two chat messages queued offline are sent once each, in the order typed", async () => {
    const { context, page, customer, shop, chatId, url, panel } = await onOrderPage("offline-chat");
    await readyToPlace(page, shop);
    await placeOffline(context, page);
    // The order's page opens offline (kept by the service worker), and its chat takes messages.
    await page.goto(url);
    await panel.waitFor();
    await write(panel, "First: is the mango ripe?");
    await write(panel, "Second: please pack it well");
    await outboxShows(page, 3);
    assert.equal(await orderCount(customer.userId), 1);
    assert.deepEqual(await customerMessages(chatId, customer.userId), []);

    await context.setOffline(false);
    await outboxShows(page, 0);
    assert.equal(await orderCount(customer.userId), 2);
    assert.deepEqual(await customerMessages(chatId, customer.userId), ["First: is the mango ripe?", "Second: please pack it well"]);
    await context.close();
  });

  test("chat messages sent while the network comes and goes are stored once each, in order", async () => {
    const { context, page, customer, chatId, panel } = await onOrderPage("offline-chat-flap");
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await write(panel, "one");
    await write(panel, "two");
    await outboxShows(page, 2);
    for (let i = 0; i < 4; i++) {
      await context.setOffline(false);
      await page.waitForFunction(() => navigator.onLine);
      await context.setOffline(true);
      await page.waitForFunction(() => !navigator.onLine);
    }
    await context.setOffline(false);
    await outboxShows(page, 0);
    assert.deepEqual(await customerMessages(chatId, customer.userId), ["one", "two"]);
    await context.close();
  });

  test("the orders list and an order page with its chat open offline as last seen", async () => {
    const { context, page, shop, order, chatId, url, panel } = await onOrderPage("offline-orders");
    const sent = await shop.merchant.supabase.rpc("send_message", { conversation_id: chatId, client_msg_id: randomUUID(), body: "Mangoes are in" });
    assert.equal(sent.error, null, sent.error?.message);
    await panel.getByText("Mangoes are in").waitFor();
    await page.goto(`${appUrl}/customer/orders`);
    const link = page.getByRole("link", { name: /^Order from / });
    await link.waitFor();
    await waitForAsync(page, async () => (await (await caches.open("kirana-pages")).match(location.href)) !== undefined);

    await context.setOffline(true);
    await page.reload();
    await page.getByText(/^You are offline: this is how it was at /).waitFor();
    await link.click();
    await waitForPath(page, `/customer/orders/${order.id}`);
    await page.getByText(/^You are offline: this is how it was at /).waitFor();
    await page.getByTestId("order-status").getByText(t.shop.orders.statuses.pending, { exact: true }).waitFor();
    await panel.getByText("Mangoes are in").waitFor();
    await panel.getByText(t.chat.offlineCopy).waitFor();
    assert.equal(page.url(), url);
    await screen(page, "customer-order-offline");
    await context.close();
  });

  test("the home screen opens offline with the stores last seen", async () => {
    const { context, page, shop } = await setUp("offline-home");
    // A corner of the map of its own: the home screen lists the 20 nearest stores, and every
    // other suite's shops stand at the same point, in an order the index leaves to chance.
    const home = { lat: 18.45, lng: 73.95 };
    await sql`update public.stores set status = 'suspended' where name like 'offline-home-%' and id <> ${shop.storeId}`;
    await sql`update public.stores set location = ${`SRID=4326;POINT(${home.lng} ${home.lat + 0.0005})`} where id = ${shop.storeId}`;
    const [store] = await sql<{ name: string }[]>`select name from public.stores where id = ${shop.storeId}`;
    await page.goto(`${appUrl}/customer/location`);
    await page.getByLabel(t.shop.location.latitude).fill(String(home.lat));
    await page.getByLabel(t.shop.location.longitude).fill(String(home.lng));
    await page.getByRole("button", { name: t.shop.location.save }).click();
    await waitForPath(page, "/customer");
    // Once the service worker is active, a load of the home screen goes through it and is kept
    // for offline. A page whose navigation began while the worker was still installing is never
    // claimed by it (clients.claim() takes only pages already loaded), so the reload, not this
    // page, is the first load the worker controls.
    await waitForAsync(page, async () => (await navigator.serviceWorker.getRegistration())?.active?.state === "activated");
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.getByRole("link", { name: store!.name }).waitFor();
    await waitForAsync(page, async () => (await (await caches.open("kirana-pages")).keys()).length > 0);
    // The store's page, loaded once online (the worker keeps page loads, not in-app navigations), is kept too.
    await page.goto(`${appUrl}/customer/stores/${shop.storeId}`);
    await page.getByRole("button", { name: t.shop.store.addNamed("Product MNG") }).waitFor();
    await waitForAsync(page, async () => (await (await caches.open("kirana-pages")).match(location.href)) !== undefined);
    await page.goBack();
    await waitForPath(page, "/customer");

    await context.setOffline(true);
    await page.reload();
    await page.getByText(/^You are offline: this is how it was at /).waitFor();
    await page.getByRole("list", { name: t.shop.stores.title }).getByRole("link", { name: store!.name }).waitFor();
    await screen(page, "offline-home");
    // Its products open offline as last seen, and can go into the cart.
    await page.getByRole("link", { name: store!.name }).click();
    await waitForPath(page, `/customer/stores/${shop.storeId}`);
    await page.getByText(/^You are offline: this is how it was at /).waitFor();
    // Its filter works offline (the product list was kept with the page).
    await page.getByLabel(t.shop.store.filterLabel).fill("mng");
    await page.getByRole("list", { name: t.aisles.matches(1, "mng") }).waitFor();
    await addToCart(page, "Product MNG", 1);
    await page.getByRole("complementary", { name: t.shop.cartBar.label }).getByText(t.shop.cartBar.items(1)).waitFor();
    await context.close();
  });
});

/** The totals of the customer's orders in the database. */
const totalsOf = async (userId: string) => (await sql<{ total_paise: number }[]>`select total_paise from public.orders where customer_id = ${userId}`).map((o) => o.total_paise);

/**
 * A customer who chose a location near the shop and opened its page online (kept by the service
 * worker, with the store's delivery terms), then lost the network: three MNG (₹90 each) go into
 * the cart on that page, a tap opens the cart and another the checkout, never opened before,
 * which prices the cart on the phone (₹270 and the ₹20 delivery fee the server gave for this
 * location) and queues the order.
 */
async function checkoutOffline(label: string) {
  const { context, page, userId, shop } = await setUp(label);
  await page.goto(`${appUrl}/customer/location`);
  await page.getByLabel(t.shop.location.latitude).fill(String(NEAR.lat));
  await page.getByLabel(t.shop.location.longitude).fill(String(NEAR.lng));
  await page.getByRole("button", { name: t.shop.location.save }).click();
  await waitForPath(page, "/customer");
  await page.goto(`${appUrl}/customer/stores/${shop.storeId}`);
  await reloadThroughWorker(page);
  await page.getByRole("button", { name: t.shop.store.addNamed("Product MNG") }).waitFor();
  await waitForAsync(page, async (origin) => {
    const pages = await caches.open("kirana-pages");
    const kept = await Promise.all([location.href, `${origin}/customer/cart/__data.json`, `${origin}/customer/checkout/__data.json`].map((u) => pages.match(u)));
    return kept.every((r) => r !== undefined) && localStorage.getItem("kirana.terms") !== null;
  }, appUrl);

  await context.setOffline(true);
  await page.waitForFunction(() => !navigator.onLine);
  await addToCart(page, "Product MNG", 3);
  await page.getByRole("complementary", { name: t.shop.cartBar.label }).getByRole("link", { name: t.shop.store.viewCart }).click();
  await waitForPath(page, "/customer/cart");
  await page.getByRole("heading", { level: 1, name: t.shop.cart.title }).waitFor();
  await page.getByRole("link", { name: t.shop.cart.checkout }).click();
  await waitForPath(page, "/customer/checkout");
  await page.getByRole("heading", { level: 2, name: t.shop.checkout.estimateTitle }).waitFor();
  await page.getByTestId("estimate-note").getByText(t.shop.checkout.estimateNote).waitFor();
  assert.equal(await page.getByTestId("quote-total").textContent(), t.money(29000));
  assert.equal(await page.getByLabel(t.shop.location.latitude).inputValue(), String(NEAR.lat));
  await page.getByLabel(t.shop.checkout.address).fill("7 Laxmi Road, Pune");
  await screen(page, "checkout-offline-estimate");

  await page.getByRole("button", { name: t.shop.checkout.place }).click();
  await page.getByRole("heading", { name: t.shop.checkout.queuedTitle }).waitFor();
  await page.getByText(t.shop.checkout.queuedPrice).waitFor();
  await outboxShows(page, 1);
  assert.deepEqual(await totalsOf(userId), []);
  return { context, page, userId, shop };
}

describe("checkout with the network off, from a store page kept online", () => {
  test("the estimate is what the server charges: placed once when the network returns", async () => {
    const { context, page, userId } = await checkoutOffline("offline-checkout");
    await context.setOffline(false);
    await queuedState(page, "done");
    await outboxShows(page, 0);
    assert.deepEqual(await totalsOf(userId), [29000]);
    await context.close();
  });

  test("a price changed meanwhile is not charged: the order waits with the new total until confirmed", async () => {
    const { context, page, userId, shop } = await checkoutOffline("offline-checkout-price");
    await sql`update public.products set price_paise = 9500 where id = ${shop.product.MNG!}`;
    await context.setOffline(false);
    await queuedState(page, "needs_attention");
    await outboxShows(page, 1);
    assert.deepEqual(await totalsOf(userId), []);

    await page.getByRole("link", { name: t.shop.checkout.seePending }).click();
    await waitForPath(page, "/customer/pending");
    const conflict = page.getByRole("region", { name: t.outbox.conflictTitle });
    await conflict.getByText(t.shop.checkout.priceChanged(t.money(29000), t.money(30500))).waitFor();
    await screen(page, "checkout-offline-price-changed");
    await conflict.getByRole("button", { name: t.outbox.acceptTotal(t.money(30500)) }).click();
    await page.getByRole("listitem").filter({ hasText: t.outbox.state(t.outbox.states.done) }).getByRole("link", { name: t.outbox.viewOrder }).waitFor();
    await outboxShows(page, 0);
    assert.deepEqual(await totalsOf(userId), [30500]);
    await context.close();
  });
});
