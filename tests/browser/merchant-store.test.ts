import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { ALL_DAY, makeReady, person, placeOrder, orderRequest, riderAt, STORE_POINT, type Person } from "../support/orders.js";
import { phone, screen, signIn, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const s = t.merchant.store;
const h = t.merchant.home;
const storesOf = (ownerId: string) =>
  sql<{ id: string; name: string; status: string; temporarily_closed: boolean; delivery_radius_m: number; lat: number; lng: number; opening_hours: unknown }[]>`
    select id, name, status, temporarily_closed, delivery_radius_m, opening_hours,
           extensions.st_y(location::extensions.geometry) as lat, extensions.st_x(location::extensions.geometry) as lng
    from public.stores where owner_id = ${ownerId}`;

/** The number shown under a heading of today's numbers. */
const number = (page: Page, label: string) => page.locator("dl.numbers div", { has: page.getByText(label, { exact: true }) }).locator("dd");

/** An order delivered all the way: accepted, ready, claimed by a rider, picked up and handed over with the code. */
async function deliverAll(merchant: Person, storeId: string, customer: Person, rider: Person, orderId: string) {
  await makeReady({ merchant, storeId, product: {} }, orderId);
  for (const [who, fn, args] of [
    [rider, "claim_delivery", { order_id: orderId }],
    [rider, "update_order_status", { order_id: orderId, status: "picked_up" }],
  ] as const) {
    const { error } = await who.supabase.rpc(fn, args as never);
    assert.equal(error, null, error?.message);
  }
  const { data: code } = await customer.supabase.rpc("handover_code", { order_id: orderId });
  const { data, error } = await rider.supabase.rpc("deliver_order", { order_id: orderId, handover_code: code! });
  assert.equal(error, null, error?.message);
  assert.equal((data as { delivered: boolean }).delivered, true);
}

describe("the merchant's store", () => {
  test("is set up from the form (bad input refused field by field), waits for approval, shows today's numbers and closes for a while", async () => {
    const merchant = await person("merchant", "ui-setup");
    const context = await phone();
    // "Use my current position" reads this.
    await context.grantPermissions(["geolocation"]);
    await context.setGeolocation({ latitude: STORE_POINT.lat, longitude: STORE_POINT.lng });
    const page = await context.newPage();
    await signIn(page, merchant.email, "/merchant");
    await page.getByText(h.noStore).waitFor();
    await page.getByRole("link", { name: h.setUp }).click();
    await waitForPath(page, "/merchant/store");

    // Bad input: every problem is named at its field, focus goes to the first, nothing is created.
    await page.getByLabel(s.name).fill("K");
    await page.getByLabel(s.address).fill("1 Shivaji Road, Pune");
    await page.getByLabel(s.radius).fill("50");
    await page.getByLabel(s.closes(s.weekdays.mon, 1)).fill("07:00");
    await page.getByRole("button", { name: s.create }).click();
    await page.getByText(s.errors.name).waitFor();
    await page.getByText(s.errors.lat).waitFor();
    await page.getByText(s.errors.radius).waitFor();
    await page.getByText(s.errors.slotSame).waitFor();
    await page.getByText(t.validation.fixErrors(5)).waitFor();
    assert.equal(await page.getByLabel(s.name).evaluate((e) => e === document.activeElement), true);
    assert.equal((await storesOf(merchant.userId)).length, 0);
    await screen(page, "merchant-store");

    await page.getByLabel(s.name).fill("Setup Test Kirana");
    await page.getByRole("button", { name: s.useMine }).click();
    await page.waitForFunction(() => (document.getElementById("lat") as HTMLInputElement).value !== "");
    await page.getByLabel(s.radius).fill("2500");
    await page.getByLabel(s.closes(s.weekdays.mon, 1)).fill("22:00");
    await page.getByLabel(s.opens(s.weekdays.mon, 2)).fill("23:00");
    await page.getByLabel(s.closes(s.weekdays.mon, 2)).fill("02:00");
    await page.getByRole("button", { name: s.create }).click();
    await waitForPath(page, "/merchant");
    await page.getByText(h.pending).waitFor();
    const [created] = await storesOf(merchant.userId);
    assert.ok(created);
    assert.deepEqual([created.name, created.status, created.delivery_radius_m, created.temporarily_closed], ["Setup Test Kirana", "pending", 2500, false]);
    assert.ok(Math.abs(created.lat - STORE_POINT.lat) < 1e-6 && Math.abs(created.lng - STORE_POINT.lng) < 1e-6, "the phone's position is the store's");
    assert.deepEqual((created.opening_hours as Record<string, string[][]>).mon, [["07:00", "22:00"], ["23:00", "02:00"]]);
    await screen(page, "merchant-home-pending");

    // An admin approves it (as Studio would); open around the clock for the orders below.
    await sql`update public.stores set status = 'approved', approved_at = now(), opening_hours = ${ALL_DAY as never} where id = ${created.id}`;
    await page.reload();
    await page.getByText(h.openNow).waitFor();

    // Today's numbers, from the store's own orders: one delivered, one rejected, one waiting.
    // "Today" is the day in India; should it change while the test runs, the screen must show the
    // new day's numbers instead.
    const indiaDay = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Kolkata" }).format(new Date());
    const dayOfOrders = indiaDay();
    await sql`insert into public.products (store_id, sku, name, category, unit, price_paise, stock) values (${created.id}, 'ATTA', 'Atta', 'Staples', '1 kg', 25000, 10)`;
    const [product] = await sql<{ id: string }[]>`select id from public.products where store_id = ${created.id}`;
    const shop = { merchant, storeId: created.id, product: { ATTA: product!.id } };
    const buyer = await person("customer", "ui-setup-buyer");
    const rider = await riderAt(sql, "ui-setup-rider");
    const delivered = await placeOrder(buyer, orderRequest(shop, [["ATTA", 2]]));
    await deliverAll(merchant, created.id, buyer, rider, delivered.id);
    const rejected = await placeOrder(buyer, orderRequest(shop, [["ATTA", 1]]));
    assert.equal((await merchant.supabase.rpc("reject_order", { order_id: rejected.id, reason: "Closing early" })).error, null);
    await placeOrder(buyer, orderRequest(shop, [["ATTA", 1]]));
    await page.reload();
    const shown = async () => Promise.all([h.ordersToday, h.delivered, h.revenue, h.turnedDown].map(async (name) => number(page, name).textContent()));
    let numbers = await shown();
    if (indiaDay() === dayOfOrders) {
      assert.deepEqual(numbers, ["3", "1", t.money(delivered.total_paise), "1"]);
    } else {
      await page.reload();
      numbers = await shown();
      assert.deepEqual(numbers, ["0", "0", t.money(0), "0"], "a new day starts from nothing");
    }
    await screen(page, "merchant-home");

    // Closed for a while from the setup screen: saved, and the home says so.
    await page.getByRole("link", { name: h.edit }).click();
    await waitForPath(page, "/merchant/store");
    await page.getByRole("checkbox", { name: s.closedSwitch }).check();
    await page.getByRole("button", { name: s.save }).click();
    await page.getByText(s.saved).waitFor();
    assert.equal((await storesOf(merchant.userId))[0]!.temporarily_closed, true);
    await page.getByRole("link", { name: t.merchant.nav.home, exact: true }).click();
    await waitForPath(page, "/merchant");
    await page.getByText(h.closedNow).waitFor();
    await page.getByText(h.temporarilyClosed(null)).waitFor();

    // Suspended by an admin: the reason is shown.
    await sql`update public.stores set status = 'suspended', status_reason = 'Licence expired' where id = ${created.id}`;
    await page.reload();
    await page.getByText(h.suspended).waitFor();
    await page.getByText(h.suspendedReason("Licence expired")).waitFor();
    await context.close();
  });
});
