// No live screen is left stale: an order changes while the pages following it have lost their
// Realtime socket (so the broadcast is never heard), and once the socket is back each page shows
// the change without being reloaded, because every rejoin reloads what the page shows.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder } from "../support/orders.js";
import { appUrl, phone, screen, signIn, t } from "./browser.js";

const sql = db();
after(() => sql.end());

/**
 * The context's Realtime sockets, passed through to the server until `cut`: then every open
 * one is closed and each reconnect is refused, until `restore`.
 */
async function cuttableRealtime(context: BrowserContext) {
  const open = new Set<WebSocketRoute>();
  let cut = false;
  let connects = 0;
  await context.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
    if (cut) return void ws.close({ code: 1011, reason: "cut by the test" });
    connects++;
    ws.connectToServer();
    open.add(ws);
    ws.onClose(() => open.delete(ws));
  });
  return {
    get connects() {
      return connects;
    },
    async cut() {
      cut = true;
      await Promise.all([...open].map((ws) => ws.close({ code: 1011, reason: "cut by the test" })));
    },
    restore() {
      cut = false;
    },
  };
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; !done(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 15 s`);
  }
}

async function openPage(email: string, home: string, path: string): Promise<{ page: Page; context: BrowserContext; realtime: Awaited<ReturnType<typeof cuttableRealtime>> }> {
  const context = await phone();
  const realtime = await cuttableRealtime(context);
  const page = await context.newPage();
  await signIn(page, email, home);
  await page.goto(`${appUrl}${path}`);
  return { page, context, realtime };
}

describe("live screens after a lost socket", () => {
  test("the customer's order page and the store's order page show a change made while their socket was away", async () => {
    const shop = await openShop(sql, "ui-rejoin", [{ sku: "RICE", price_paise: 9000, stock: 10 }]);
    const customer = await person("customer", "ui-rejoin-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["RICE", 1]]));

    const buyer = await openPage(customer.email, "/customer", `/customer/orders/${order.id}`);
    const status = buyer.page.getByTestId("order-status");
    await status.getByText(t.shop.orders.statuses.pending, { exact: true }).waitFor();
    const store = await openPage(shop.merchant.email, "/merchant", `/merchant/orders/${order.id}`);
    const storeStatus = store.page.locator("main strong").first();
    await storeStatus.getByText(t.merchant.orders.statuses.pending, { exact: true }).waitFor();
    // Both pages have their socket (the page follows the order live) before it goes.
    for (const side of [buyer, store]) await until(() => side.realtime.connects >= 1, "the page's Realtime socket");
    await new Promise((r) => setTimeout(r, 1000)); // and have joined on it

    // A mark on each document: gone if the page were loaded again.
    for (const side of [buyer, store]) await side.page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await Promise.all([buyer.realtime.cut(), store.realtime.cut()]);
    // Changed while no socket is there to hear it: the broadcast goes to nobody.
    const accepted = await shop.merchant.supabase.rpc("accept_order", { order_id: order.id });
    assert.equal(accepted.error, null, accepted.error?.message);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await status.getByText(t.shop.orders.statuses.pending, { exact: true }).count(), 1, "nothing was heard while cut");
    const before = { buyer: buyer.realtime.connects, store: store.realtime.connects };
    buyer.realtime.restore();
    store.realtime.restore();

    // supabase-js reconnects by itself; the rejoin reloads each page's state, with no reload.
    await status.getByText(t.shop.orders.statuses.accepted, { exact: true }).waitFor({ timeout: 20_000 });
    await storeStatus.getByText(t.merchant.orders.statuses.accepted, { exact: true }).waitFor({ timeout: 20_000 });
    assert.ok(buyer.realtime.connects > before.buyer && store.realtime.connects > before.store, "each page connected again");
    await screen(buyer.page, "order-after-rejoin");
    for (const side of [buyer, store]) assert.equal(await side.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, "the page was not loaded again");
    await Promise.all([buyer.context.close(), store.context.close()]);
  });
});
