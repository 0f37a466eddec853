import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, riderAt, STORE_POINT, type Shop } from "../support/orders.js";
import { appUrl, phone, reloadThroughWorker, screen, signIn, t, waitForAsync, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const m = t.merchant.orders;
/** The order's card on the orders screen, found by its short reference. */
const card = (page: Page, orderId: string) => page.getByRole("article", { name: new RegExp(`^Order ${orderId.slice(0, 8).toUpperCase()} `) });
/** The merchant of the shop, signed in on a phone, on the orders screen. */
async function ordersScreen(shop: Shop) {
  const context = await phone();
  const page = await context.newPage();
  await signIn(page, shop.merchant.email, "/merchant");
  await page.goto(`${appUrl}/merchant/orders`);
  await page.getByText(m.live).waitFor();
  return { context, page };
}
const statusOf = async (orderId: string) => (await sql<{ status: string; status_reason: string | null }[]>`select status, status_reason from public.orders where id = ${orderId}`)[0]!;

describe("the merchant's orders screen", () => {
  test("shows new orders live, accepts one with an item unavailable, prepares it, and rejects another with a reason", async () => {
    const shop = await openShop(sql, "ui-orders", [
      { sku: "ATTA", price_paise: 25000, stock: 10 },
      { sku: "DAL", price_paise: 14000, stock: 10 },
    ]);
    const buyer = await person("customer", "ui-orders-buyer");

    const context = await phone();
    const page = await context.newPage();
    await signIn(page, shop.merchant.email, "/merchant");
    await page.getByRole("link", { name: t.areas.merchant.orders }).click();
    await waitForPath(page, "/merchant/orders");
    await page.getByText(m.empty).waitFor();
    // Joined the store's topic: from now on orders arrive without a reload.
    await page.getByText(m.live).waitFor();

    const first = await placeOrder(buyer, orderRequest(shop, [["ATTA", 1], ["DAL", 2]]));
    const firstCard = card(page, first.id);
    await firstCard.waitFor();
    await page.getByText(m.pendingBadge(1)).waitFor();
    await page.locator('[aria-live="assertive"]', { hasText: m.arrived(t.money(first.total_paise), 2) }).waitFor({ state: "attached" });
    assert.match((await firstCard.textContent()) ?? "", new RegExp(`2 × Product DAL`));
    assert.match((await firstCard.textContent()) ?? "", new RegExp(m.total(t.money(first.total_paise)).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await screen(page, "merchant-orders");

    // Accepted with the dal marked unavailable: the database drops that line.
    await firstCard.getByRole("checkbox", { name: m.unavailableLabel("Product DAL") }).check();
    await firstCard.getByRole("button", { name: m.accept }).click();
    await firstCard.getByText(m.statuses.accepted, { exact: true }).waitFor();
    await page.getByText(m.pendingBadge(1)).waitFor({ state: "detached" });
    assert.equal((await statusOf(first.id)).status, "accepted");
    const items = await sql<{ sku: string; unavailable: boolean }[]>`select sku, unavailable from public.order_items where order_id = ${first.id} order by sku`;
    assert.deepEqual(items.map((i) => [i.sku, i.unavailable]), [["ATTA", false], ["DAL", true]]);

    await firstCard.getByRole("button", { name: m.preparing }).click();
    await firstCard.getByRole("button", { name: m.ready }).click();
    await firstCard.getByText(m.statuses.ready, { exact: true }).waitFor();
    assert.equal((await statusOf(first.id)).status, "ready");

    // A second order is rejected, but not without a reason.
    const second = await placeOrder(buyer, orderRequest(shop, [["ATTA", 1]]));
    const secondCard = card(page, second.id);
    await secondCard.waitFor();
    await page.getByText(m.pendingBadge(1)).waitFor();
    await secondCard.getByRole("button", { name: m.reject }).click();
    await secondCard.getByText(m.reasonRequired).waitFor();
    assert.equal((await statusOf(second.id)).status, "pending");
    // The reason's limit is shown and counted; the field holds no more than the database keeps.
    const reason = secondCard.getByLabel(m.reason);
    assert.equal(await reason.getAttribute("maxlength"), "500");
    await reason.fill("x".repeat(500));
    await secondCard.getByText(t.characters(500, 500)).waitFor();
    await reason.fill("Out of atta today");
    await secondCard.getByText(t.characters("Out of atta today".length, 500)).waitFor();
    await secondCard.getByText(m.reasonRequired).waitFor({ state: "detached" });
    // Rejecting asks first; keeping the order changes nothing.
    await secondCard.getByRole("button", { name: m.reject }).click();
    await secondCard.getByText(m.confirmReject).waitFor();
    await screen(page, "merchant-reject-confirm");
    await secondCard.getByRole("button", { name: m.keepOrder }).click();
    await secondCard.getByText(m.confirmReject).waitFor({ state: "detached" });
    assert.equal((await statusOf(second.id)).status, "pending");
    await secondCard.getByRole("button", { name: m.reject }).click();
    await secondCard.getByRole("button", { name: m.confirmRejectYes }).click();
    await secondCard.waitFor({ state: "detached" });
    assert.deepEqual(await statusOf(second.id), { status: "rejected", status_reason: "Out of atta today" });
    // The first order is still on the screen, ready for a rider.
    await firstCard.getByText(m.statuses.ready, { exact: true }).waitFor();
    await context.close();
  });

  test("a second device's accept is refused on the card and the list reloaded", async () => {
    const shop = await openShop(sql, "ui-race", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const buyer = await person("customer", "ui-race-buyer");
    const order = await placeOrder(buyer, orderRequest(shop, [["ATTA", 1]]));
    const { context, page } = await ordersScreen(shop);
    const orderCard = card(page, order.id);
    await orderCard.getByRole("button", { name: m.accept }).waitFor();

    // The other phone of the shop accepts just before this one's accept reaches the server.
    await page.route(
      (url) => url.pathname === "/merchant/orders" && url.search === "?/accept",
      async (route) => {
        const { error } = await shop.merchant.supabase.rpc("accept_order", { order_id: order.id });
        assert.equal(error, null, error?.message);
        await route.continue();
      },
    );
    await orderCard.getByRole("button", { name: m.accept }).click();
    await orderCard.getByRole("alert").getByText(m.refused.invalid_transition).waitFor();
    // Reloaded: the order is accepted (once), with the next step offered.
    await orderCard.getByRole("button", { name: m.preparing }).waitFor();
    assert.equal((await statusOf(order.id)).status, "accepted");
    const [events] = await sql<{ n: number }[]>`select count(*)::int as n from public.order_events where order_id = ${order.id} and status = 'accepted'`;
    assert.equal(events!.n, 1);
    await context.close();
  });

  test("suggests free riders near the store and assigns one; a rider gone busy meanwhile is refused", async () => {
    const shop = await openShop(sql, "ui-riders", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const buyer = await person("customer", "ui-riders-buyer");
    // At the store's door: nearer than the riders other tests leave around.
    const gone = await riderAt(sql, "ui-riders-gone", STORE_POINT);
    const free = await riderAt(sql, "ui-riders-free", STORE_POINT);
    const order = await placeOrder(buyer, orderRequest(shop, [["ATTA", 1]]));
    await makeReady(shop, order.id);
    const { context, page } = await ordersScreen(shop);
    const orderCard = card(page, order.id);

    await orderCard.getByRole("button", { name: t.merchant.riders.find }).click();
    const riders = orderCard.getByRole("region", { name: t.merchant.riders.title });
    await riders.getByText(t.merchant.riders.rider("ui-riders-free", t.distance(0))).waitFor();
    await riders.getByText(t.merchant.riders.rider("ui-riders-gone", t.distance(0))).waitFor();
    await screen(page, "merchant-orders-riders");

    // The rider goes off shift before the merchant chooses them.
    await sql`update public.rider_profiles set is_available = false where rider_id = ${gone.userId}`;
    await riders.getByRole("button", { name: t.merchant.riders.assignNamed("ui-riders-gone") }).click();
    await orderCard.getByRole("alert").getByText(t.merchant.riders.refused.rider_unavailable).waitFor();
    assert.equal((await sql<{ rider_id: string | null }[]>`select rider_id from public.orders where id = ${order.id}`)[0]!.rider_id, null);

    await orderCard.getByRole("button", { name: t.merchant.riders.find }).click();
    await riders.getByRole("button", { name: t.merchant.riders.assignNamed("ui-riders-free") }).click();
    await orderCard.getByText(t.merchant.riders.assigned("ui-riders-free")).waitFor();
    assert.equal((await sql<{ rider_id: string | null }[]>`select rider_id from public.orders where id = ${order.id}`)[0]!.rider_id, free.userId);
    await context.close();
  });

  test("chats with the customer on the order's page", async () => {
    const shop = await openShop(sql, "ui-chat", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const buyer = await person("customer", "ui-chat-buyer");
    const order = await placeOrder(buyer, orderRequest(shop, [["ATTA", 1]]));
    const [conversation] = await sql<{ id: string }[]>`select id from public.conversations where order_id = ${order.id} and kind = 'customer_store'`;
    const { context, page } = await ordersScreen(shop);
    await card(page, order.id).getByRole("link", { name: new RegExp(`^Order ${order.id.slice(0, 8).toUpperCase()} `) }).click();
    await waitForPath(page, `/merchant/orders/${order.id}`);
    const chat = page.getByRole("region", { name: t.chat.title("customer") });
    await chat.getByText(t.chat.empty).waitFor();

    // The customer writes from their phone; it arrives without a reload.
    const asked = await buyer.supabase.rpc("send_message", { conversation_id: conversation!.id, client_msg_id: randomUUID(), body: "Is the atta fresh?" });
    assert.equal(asked.error, null, asked.error?.message);
    await chat.getByRole("log").getByText("Is the atta fresh?").waitFor();

    await chat.getByLabel(t.chat.label).fill("Yes, packed this morning.");
    await chat.getByRole("button", { name: t.chat.send }).click();
    // Stored by the server (no longer waiting in the outbox).
    await chat.getByRole("log").locator("li.mine:not(.waiting)", { hasText: "Yes, packed this morning." }).waitFor();
    await screen(page, "merchant-order");
    const messages = await sql<{ sender_id: string; body: string }[]>`select sender_id, body from public.messages where conversation_id = ${conversation!.id} order by seq`;
    assert.deepEqual(messages.map((m) => [m.sender_id, m.body]), [
      [buyer.userId, "Is the atta fresh?"],
      [shop.merchant.userId, "Yes, packed this morning."],
    ]);

    // The order's page, loaded once online through the service worker, opens offline with its
    // chat as last seen.
    await reloadThroughWorker(page);
    await chat.getByRole("log").getByText("Is the atta fresh?").waitFor();
    await chat.getByRole("log").getByText("Yes, packed this morning.").waitFor();
    await waitForAsync(page, async () => (await (await caches.open("kirana-pages")).match(location.href)) !== undefined);
    await context.setOffline(true);
    await page.reload();
    await page.getByText(/^You are offline: this is how it was at /).waitFor();
    await chat.getByRole("log").getByText("Is the atta fresh?").waitFor();
    await chat.getByRole("log").getByText("Yes, packed this morning.").waitFor();
    await context.close();
  });
});
