import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { NEAR, openShop, orderRequest, person, placeOrder, riderAt, STORE_POINT } from "../support/orders.js";
import { verifyHandoverToken } from "../../app/src/lib/deliveries/handover-token.js";
import { appUrl, phone, readQr, screen, signIn, t } from "./browser.js";

const sql = db();
after(() => sql.end());

const o = t.shop.orders;
const riderMarker = (page: Page) => page.locator('[data-marker="rider"]').getAttribute("transform");

/** Waits until the database has what `check` looks for (a write made by the page). */
async function untilStored<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("not stored within 15 s");
}

describe("the customer's order page", () => {
  test("follows the status, the rider on the map with the position's age and the ETA, and chats with the store", async () => {
    const shop = await openShop(sql, "ui-live", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const customer = await person("customer", "ui-live-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["ATTA", 2]]));

    const context = await phone();
    const page = await context.newPage();
    await signIn(page, customer.email, "/customer");
    await page.goto(`${appUrl}/customer/orders/${order.id}`);
    const status = page.getByTestId("order-status");
    await status.getByText(o.statuses.pending, { exact: true }).waitFor();
    await page.getByText(o.live.noRider).waitFor();
    await page.getByTestId("eta").getByText(/^Arrives in about \d+ min$/).waitFor();
    await page.getByRole("img", { name: o.live.mapTitle }).waitFor();

    // The store accepts: the status and the timeline change without a reload, and it is announced.
    const accepted = await shop.merchant.supabase.rpc("accept_order", { order_id: order.id });
    assert.equal(accepted.error, null, accepted.error?.message);
    await status.getByText(o.statuses.accepted, { exact: true }).waitFor();
    await page.locator('[aria-live="polite"]', { hasText: o.live.changed(o.statuses.accepted) }).waitFor({ state: "attached" });
    await page.getByRole("list").filter({ hasText: o.statuses.pending }).getByText(o.statuses.accepted).waitFor();

    // Ready, a rider claims it and reports where they are: the rider shows on the map.
    for (const next of ["preparing", "ready"] as const) {
      const { error } = await shop.merchant.supabase.rpc("update_order_status", { order_id: order.id, status: next });
      assert.equal(error, null, error?.message);
    }
    await status.getByText(o.statuses.ready, { exact: true }).waitFor();
    const rider = await riderAt(sql, "ui-live-rider");
    const claimed = await rider.supabase.rpc("claim_delivery", { order_id: order.id });
    assert.equal(claimed.error, null, claimed.error?.message);
    await page.getByText(o.live.noPosition).waitFor();
    const first = await rider.supabase.rpc("report_location", { order_id: order.id, lat: STORE_POINT.lat, lng: STORE_POINT.lng });
    assert.equal(first.error, null, first.error?.message);
    await page.locator('[data-marker="rider"]').waitFor();
    const age = page.getByTestId("rider-age");
    await age.getByText(/^Rider's position updated \d+ s ago$/).waitFor();
    // The age counts up by itself between reports.
    const shownAge = await age.textContent();
    await page.waitForFunction((before) => document.querySelector('[data-testid="rider-age"]')?.textContent !== before, shownAge);
    await page.getByTestId("eta").getByText(/^Arrives in about \d+ min$/).waitFor();

    // Before pickup there is no code to show.
    assert.equal(await page.getByTestId("handover-code").count(), 0);

    // Picked up, the rider moves towards the door: the marker moves and the code appears.
    const pickedUp = await rider.supabase.rpc("update_order_status", { order_id: order.id, status: "picked_up" });
    assert.equal(pickedUp.error, null, pickedUp.error?.message);
    await status.getByText(o.statuses.picked_up, { exact: true }).waitFor();
    const before = await riderMarker(page);
    const halfway = { lat: (STORE_POINT.lat + NEAR.lat) / 2, lng: (STORE_POINT.lng + NEAR.lng) / 2 };
    const moved = await rider.supabase.rpc("report_location", { order_id: order.id, ...halfway });
    assert.equal(moved.error, null, moved.error?.message);
    await page.waitForFunction((was) => document.querySelector('[data-marker="rider"]')?.getAttribute("transform") !== was, before);
    await page.getByTestId("handover-code").filter({ hasText: /^\d{4}$/ }).waitFor();
    // Beside the code, a QR code holding the platform-signed token a rider's phone verifies.
    const scanned = await readQr(page.getByRole("img", { name: o.handoverQr }));
    const [issued] = await sql<{ token: string; key: string }[]>`
      select h.token, private.base64url(k.public_key) as key from private.handover_codes h, private.handover_signing_key k where h.order_id = ${order.id}`;
    assert.equal(scanned, issued!.token);
    assert.equal(await verifyHandoverToken({ order_id: order.id, public_key: issued!.key }, scanned), true);
    // Where the order is comes first, then the code; the timeline and the items below.
    const top = async (name: string) => (await page.getByRole("heading", { name, exact: true }).boundingBox())!.y;
    const tops = [await top(o.live.title), await top(o.handover), await top(o.timeline), await top(o.items)];
    assert.deepEqual([...tops].sort((a, b) => a - b), tops, "live, code, timeline, items from the top");
    await screen(page, "customer-order-live");

    // The store writes; the customer reads it and answers, and the answer reaches the database.
    const [chat] = await sql<{ id: string }[]>`select id from public.conversations where order_id = ${order.id} and kind = 'customer_store'`;
    const sent = await shop.merchant.supabase.rpc("send_message", { conversation_id: chat!.id, client_msg_id: randomUUID(), body: "Your atta is packed" });
    assert.equal(sent.error, null, sent.error?.message);
    const panel = page.getByRole("region", { name: t.chat.title("store") });
    await panel.getByText("Your atta is packed").waitFor();
    await panel.getByLabel(t.chat.label).fill("Thank you, please ring twice");
    await panel.getByRole("button", { name: t.chat.send }).click();
    const stored = await untilStored(async () => {
      const rows = await sql<{ seq: number; sender_id: string }[]>`select seq::int, sender_id from public.messages where conversation_id = ${chat!.id} and body = 'Thank you, please ring twice'`;
      return rows[0];
    });
    assert.deepEqual({ ...stored }, { seq: 2, sender_id: customer.userId });
    await panel.getByText(t.chat.sent).or(panel.getByText(t.chat.delivered)).or(panel.getByText(t.chat.read)).first().waitFor();
    await page.getByRole("region", { name: t.chat.title("rider") }).waitFor();
    await screen(page, "customer-chat");

    // Delivered: the live parts and the code are gone.
    const code = (await sql<{ code: string }[]>`select code from private.handover_codes where order_id = ${order.id}`)[0]!.code;
    const delivered = await rider.supabase.rpc("deliver_order", { order_id: order.id, handover_code: code });
    assert.equal(delivered.error, null, delivered.error?.message);
    await status.getByText(o.statuses.delivered, { exact: true }).waitFor();
    await page.getByRole("heading", { name: o.live.title }).waitFor({ state: "detached" });
    await page.getByTestId("handover-code").waitFor({ state: "detached" });
    await context.close();
  });
});
