// Notifications in the app: the bell in every role's header, live from user:<id>; a merchant on
// another tab is alerted of a new order (bell, page title, vibration) until it is opened; a
// customer taps the "accepted" notification and lands on the order; a rider on shift hears of
// a job near them and never of one across the city.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, type Shop } from "../support/orders.js";
import { appUrl, outboxShows, phone, screen, signIn, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

// A corner of its own, north of the city's other test stores; "across the city" is 12.6 km east.
const CORNER = { lat: 18.8, lng: 73.75 };
const ACROSS = { lat: 18.8, lng: 73.87 };
const orderAt = (shop: Shop, at: { lat: number; lng: number }) =>
  orderRequest(shop, [["MILK", 1]], { delivery: { address: "4 Notice Lane", lat: at.lat + 0.003, lng: at.lng } });
const shopAt = (label: string, at: { lat: number; lng: number }) => openShop(sql, label, [{ sku: "MILK", price_paise: 3000, stock: 20 }], { at });

/** A phone signed in as the account, on its area's home. */
async function signedIn(email: string, home: string, prepare?: (page: Page) => Promise<void>): Promise<Page> {
  const context = await phone();
  const page = await context.newPage();
  await prepare?.(page);
  await signIn(page, email, home);
  return page;
}

const bell = (page: Page) => page.getByTestId("bell");
const bellCount = async (page: Page, count: number) => {
  await page.waitForFunction((n) => document.querySelector('[data-testid="bell"]')?.getAttribute("data-count") === String(n), count);
  assert.equal(await bell(page).getAttribute("aria-label"), t.notifications.bell(count));
};

describe("notifications", () => {
  test("a merchant on the Stock tab is alerted of a new order until they open the orders", async () => {
    const shop = await shopAt(`ui-notify-shop-${randomUUID().slice(0, 6)}`, CORNER);
    const customer = await person("customer", "ui-notify-buyer");
    const page = await signedIn(shop.merchant.email, "/merchant", async (p) => {
      // Record vibrations: headless Chromium has no motor to feel.
      await p.addInitScript(() => {
        const felt: unknown[] = [];
        Object.assign(window, { felt });
        navigator.vibrate = ((pattern: unknown) => (felt.push(pattern), true)) as Navigator["vibrate"];
      });
    });
    await page.getByRole("link", { name: t.merchant.nav.inventory }).click();
    await waitForPath(page, "/merchant/inventory");
    await bellCount(page, 0);
    const box = await bell(page).boundingBox();
    const calmTitle = await page.title();

    const order = await placeOrder(customer, orderAt(shop, CORNER));
    await bellCount(page, 1);
    await page.waitForFunction((prefix) => document.title.startsWith(prefix), `${t.notifications.ringing(1)} · `);
    assert.equal(await page.title(), `${t.notifications.ringing(1)} · ${calmTitle}`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { felt: unknown[] }).felt.length > 0), true, "the phone vibrated");
    assert.deepEqual(await bell(page).boundingBox(), box, "the count appearing moves nothing");
    await page.getByRole("link", { name: t.notifications.ringingBar(1) }).waitFor();
    await screen(page, "merchant-new-order-alert");

    // Still ringing on another tab; opening the orders ends it, here and in the database.
    await page.getByRole("link", { name: t.merchant.nav.store }).click();
    await waitForPath(page, "/merchant/store");
    assert.ok((await page.title()).startsWith(t.notifications.ringing(1)), "the title keeps saying so on the next screen");
    await page.getByRole("link", { name: t.areas.merchant.orders, exact: true }).click();
    await waitForPath(page, "/merchant/orders");
    await page.waitForFunction((prefix) => !document.title.startsWith(prefix), t.notifications.ringing(1));
    await bellCount(page, 0);
    const [alert] = await sql<{ read: boolean }[]>`
      select read_at is not null as read from public.notifications where user_id = ${shop.merchant.userId} and kind = 'new_order' and data ->> 'order_id' = ${order.id}`;
    assert.deepEqual(alert, { read: true });
  });

  test("a customer is told their order was accepted, and tapping the notification opens the order", async () => {
    const shop = await shopAt(`ui-notify-accept-${randomUUID().slice(0, 6)}`, CORNER);
    const customer = await person("customer", "ui-notify-customer");
    const order = await placeOrder(customer, orderAt(shop, CORNER));
    const page = await signedIn(customer.email, "/customer");
    await bellCount(page, 0);

    assert.equal((await shop.merchant.supabase.rpc("accept_order", { order_id: order.id })).error, null);
    await bellCount(page, 1);
    await bell(page).click();
    await waitForPath(page, "/customer/notifications");
    await page.getByRole("heading", { name: t.notifications.title }).waitFor();
    const accepted = page.getByRole("button", { name: new RegExp(`^${t.notifications.unread}: Order accepted`) });
    await accepted.waitFor();
    await screen(page, "customer-notifications");
    await accepted.click();
    await waitForPath(page, `/customer/orders/${order.id}`);
    await bellCount(page, 0);
  });

  test("a rider on shift hears of a job near them and not of one across the city", async () => {
    const tag = randomUUID().slice(0, 6);
    const near = await shopAt(`ui-notify-near-${tag}`, CORNER);
    const across = await shopAt(`ui-notify-across-${tag}`, ACROSS);
    const customer = await person("customer", "ui-notify-jobs");
    const rider = await person("rider", `ui-notify-rider-${tag}`);
    const page = await signedIn(rider.email, "/rider", async (p) => {
      await p.context().grantPermissions(["geolocation"], { origin: appUrl });
      await p.context().setGeolocation({ latitude: CORNER.lat, longitude: CORNER.lng });
      // Every live announcement the screen makes, in order.
      await p.addInitScript(() => {
        const heard: string[] = [];
        Object.assign(window, { heard });
        new MutationObserver(() => {
          for (const el of document.querySelectorAll("[aria-live]")) if (el.textContent && heard.at(-1) !== el.textContent) heard.push(el.textContent);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
    });
    await outboxShows(page, 0);
    await page.getByRole("switch", { name: t.rider.shift.onShift }).click();
    await page.getByText(t.rider.jobs.live).waitFor();

    // Across the city first, then near: only the near one is heard of and listed.
    const far = await placeOrder(customer, orderAt(across, ACROSS));
    await makeReady(across, far.id);
    const close = await placeOrder(customer, orderAt(near, CORNER));
    await makeReady(near, close.id);
    await page.getByRole("article", { name: t.rider.jobs.job(`ui-notify-near-${tag} Kirana`) }).waitFor();
    await page.waitForFunction((name) => (window as unknown as { heard: string[] }).heard.includes(name), t.rider.jobs.arrived(`ui-notify-near-${tag} Kirana`));
    const heard = await page.evaluate(() => (window as unknown as { heard: string[] }).heard);
    assert.ok(!heard.some((h) => h.includes(`ui-notify-across-${tag}`)), `nothing was heard of the job across the city: ${JSON.stringify(heard)}`);
    assert.equal(await page.getByRole("article", { name: t.rider.jobs.job(`ui-notify-across-${tag} Kirana`) }).count(), 0);
    await screen(page, "rider-job-near");

    // The database told this rider of the near job only (and would push it to a locked phone).
    await bellCount(page, 1);
    await bell(page).click();
    await waitForPath(page, "/rider/notifications");
    const listed = await page.getByRole("main").getByRole("listitem").allTextContents();
    assert.equal(listed.length, 1, JSON.stringify(listed));
    assert.match(listed[0]!, new RegExp(`Job near you.*ui-notify-near-${tag} Kirana has an order ready for pickup`));
  });
});
