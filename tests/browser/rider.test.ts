import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { db } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, riderAt, type Person, type ProductSpec, type Shop } from "../support/orders.js";
import { handoverCode, handoverToken } from "../../app/src/lib/orders/orders.js";
import { appUrl, fakeCamera, outboxShows, phone, reloadThroughWorker, screen, signIn, t, waitForAsync, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());
// The rider's phone films what the test holds up: the customer's QR code at the door.
const camera = fakeCamera();

// A corner of the map of its own, more than the claim radius from the other suites' stores, so
// their ready orders are not this rider's jobs.
const CORNER = { lat: 18.62, lng: 73.95 };
const DOOR = { lat: CORNER.lat + 0.004, lng: CORNER.lng };
const shopHere = (label: string, products: ProductSpec[]) => openShop(sql, label, products, { at: CORNER });
const orderHere = (shop: Shop, lines: [string, number][]) => orderRequest(shop, lines, { delivery: { address: "3 Corner Lane, Pune", ...DOOR } });

const j = t.rider.jobs;
const job = t.rider.job;

/** Waits until the database says so (bounded like every other wait, by the context's timeout). */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: last saw ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const statusOf = async (orderId: string) => (await sql<{ status: string }[]>`select status from public.orders where id = ${orderId}`)[0]!.status;
const shiftOf = async (riderId: string) =>
  (await sql<{ is_available: boolean; located: boolean }[]>`select is_available, location is not null as located from public.rider_profiles where rider_id = ${riderId}`)[0]!;

/** A rider account signed in on a phone that shares its position (near the test stores). */
async function riderPhone(label: string): Promise<{ rider: Person; context: BrowserContext; page: Page }> {
  const rider = await person("rider", label);
  const context = await phone();
  await context.grantPermissions(["geolocation"], { origin: appUrl });
  await context.setGeolocation({ latitude: CORNER.lat, longitude: CORNER.lng });
  const page = await context.newPage();
  await signIn(page, rider.email, "/rider");
  // The outbox is open before anything is switched.
  await outboxShows(page, 0);
  return { rider, context, page };
}

const shiftSwitch = (page: Page) => page.getByRole("switch", { name: t.rider.shift.onShift });
const jobCard = (page: Page, store: string) => page.getByRole("article", { name: j.job(store) });

describe("the rider's screens", () => {
  test("on shift, a job arrives live, a lost claim is explained, the won job has directions and chat, is picked up, tracked and delivered offline with the customer's QR code verified on the phone", async () => {
    const tag = randomUUID().slice(0, 6);
    const first = await shopHere(`ui-ride-a-${tag}`, [{ sku: "MILK", price_paise: 3000, stock: 20 }]);
    const second = await shopHere(`ui-ride-b-${tag}`, [{ sku: "MILK", price_paise: 3000, stock: 20 }]);
    const customer = await person("customer", "ui-ride-buyer");
    const rival = await riderAt(sql, `ui-ride-rival-${tag}`, CORNER);
    const { rider, context, page } = await riderPhone(`ui-ride-${tag}`);

    // Off shift: no jobs, and the database agrees.
    assert.equal(await shiftSwitch(page).getAttribute("aria-checked"), "false");
    await page.getByText(j.offShift).waitFor();
    await screen(page, "rider-home");

    await shiftSwitch(page).click();
    await page.getByRole("switch", { name: t.rider.shift.onShift, checked: true }).waitFor();
    await page.getByText(j.live).waitFor();
    assert.deepEqual(await until(() => shiftOf(rider.userId), (s) => s.is_available && s.located, "on shift with a position"), { is_available: true, located: true });
    await page.getByText(j.empty).waitFor();

    // Two stores mark orders ready: both jobs appear without a reload.
    const won = await placeOrder(customer, orderHere(first, [["MILK", 2]]));
    const lost = await placeOrder(customer, orderHere(second, [["MILK", 1]]));
    await makeReady(first, won.id);
    await makeReady(second, lost.id);
    const firstStore = `ui-ride-a-${tag} Kirana`;
    const secondStore = `ui-ride-b-${tag} Kirana`;
    await jobCard(page, firstStore).waitFor();
    await jobCard(page, secondStore).waitFor();
    await jobCard(page, firstStore).getByText(j.fee(t.money(won.delivery_fee_paise))).waitFor();
    await screen(page, "rider-jobs");

    // Another rider is faster: their claim lands just before this one.
    await page.route(/\/rider\?\/claim$/, async (route) => {
      const { error } = await rival.supabase.rpc("claim_delivery", { order_id: lost.id });
      assert.equal(error, null, error?.message);
      await route.continue();
    });
    await page.getByRole("button", { name: j.claimNamed(secondStore) }).click();
    await page.getByRole("alert").filter({ hasText: j.refused.already_claimed }).waitFor();
    await jobCard(page, secondStore).waitFor({ state: "detached" });
    await page.unroute(/\/rider\?\/claim$/);
    assert.equal((await sql<{ rider_id: string }[]>`select rider_id from public.orders where id = ${lost.id}`)[0]!.rider_id, rival.userId);

    // This one is ours: the job screen with directions to the store and the customer.
    await page.getByRole("button", { name: j.claimNamed(firstStore) }).click();
    await waitForPath(page, `/rider/jobs/${won.id}`);
    await page.getByRole("heading", { name: job.title(firstStore) }).waitFor();
    for (const name of [job.directionsStore, job.directionsCustomer]) {
      assert.match((await page.getByRole("link", { name }).getAttribute("href")) ?? "", /^geo:-?\d+(\.\d+)?,-?\d+(\.\d+)?/);
    }
    await page.getByText(job.collect(t.money(won.total_paise))).waitFor();
    // The map shows the store, the customer and the rider (the phone's position).
    const map = page.getByRole("img", { name: job.mapTitle });
    for (const kind of ["store", "customer", "rider"]) await map.locator(`[data-marker="${kind}"]`).waitFor();

    // The customer writes; the rider reads it and answers from the job screen.
    const chatId = (await sql<{ id: string }[]>`select id from public.conversations where order_id = ${won.id} and kind = 'customer_rider' and closed_at is null`)[0]!.id;
    const asked = await customer.supabase.rpc("send_message", { conversation_id: chatId, client_msg_id: randomUUID(), body: "Please ring the bell twice" });
    assert.equal(asked.error, null, asked.error?.message);
    const chat = page.getByRole("region", { name: t.chat.title("customer") });
    await chat.getByRole("log").getByText("Please ring the bell twice").waitFor();
    await chat.getByLabel(t.chat.label).fill("On my way to the store");
    await chat.getByRole("button", { name: t.chat.send }).click();
    await chat.getByRole("log").getByText("On my way to the store").waitFor();
    await until(
      async () => (await sql<{ body: string }[]>`select body from public.messages where conversation_id = ${chatId} and sender_id = ${rider.userId}`).map((m) => m.body),
      (bodies) => bodies.length === 1,
      "the rider's answer",
    );
    await page.getByRole("region", { name: t.chat.title("store") }).waitFor();
    await screen(page, "rider-job");

    // Picked up: the status moves, and the phone starts sharing its position for the order.
    await page.getByRole("button", { name: job.pickup }).click();
    await page.getByText(job.status(job.statuses.picked_up)).waitFor();
    await page.getByTestId("sharing").filter({ hasText: job.sharing }).waitFor();
    assert.equal(await until(() => statusOf(won.id), (s) => s === "picked_up", "picked up"), "picked_up");
    const tracked = await until(
      async () => (await sql<{ n: number }[]>`select count(*)::int as n from public.rider_locations where order_id = ${won.id} and rider_id = ${rider.userId}`)[0]!.n,
      (n) => n >= 1,
      "a stored position",
    );
    assert.ok(tracked >= 1);
    await page.getByTestId("offline-check").waitFor();
    await screen(page, "rider-delivering");

    // The job's page, loaded once online, is kept for offline: reopened with no network, it says
    // how old it is and still verifies the customer's QR code on the phone.
    await reloadThroughWorker(page);
    await page.getByTestId("offline-check").waitFor();
    await waitForAsync(page, async () => (await (await caches.open("kirana-pages")).match(location.href)) !== undefined);

    // At a door with no network. The code alone can be guessed, so only the server takes it:
    // the phone says so and sends nothing.
    const sent: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/rpc/deliver_order")) sent.push(r.url());
    });
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await page.reload();
    await page.getByText(/^You are offline: this is how it was at /).waitFor();
    await page.getByTestId("offline-check").waitFor();
    await page.getByLabel(job.code).fill(await handoverCode(customer.supabase, won.id));
    await page.getByRole("button", { name: job.deliver }).click();
    await page.getByRole("alert").filter({ hasText: job.codeNeedsNetwork }).waitFor();

    // A genuine QR code of another order (the job the rival took) fails the phone's check.
    camera.show(await handoverToken(customer.supabase, lost.id));
    await page.getByRole("button", { name: job.scan }).click();
    await page.getByRole("alert").filter({ hasText: job.badToken }).waitFor();
    await screen(page, "rider-scan");
    await page.getByRole("button", { name: job.stopScan }).click();
    assert.deepEqual(sent, []);
    assert.equal(await statusOf(won.id), "picked_up");

    // The customer's QR code passes the phone's signature check: the delivery is queued on the
    // phone and delivers once the network returns (the server checks the token again).
    camera.show(await handoverToken(customer.supabase, won.id));
    await page.getByRole("button", { name: job.scan }).click();
    await page.getByTestId("delivery-pending").filter({ hasText: job.deliveryQueued }).waitFor();
    await outboxShows(page, 1);
    assert.equal(await statusOf(won.id), "picked_up");
    await context.setOffline(false);
    await page.getByText(job.delivered).waitFor();
    await outboxShows(page, 0);
    assert.equal(await statusOf(won.id), "delivered");
    assert.equal(sent.length, 1);
    // Delivered: no more sharing.
    await page.getByTestId("sharing").waitFor({ state: "detached" });
    await context.close();
  });

  test("a claimed job given back before pickup returns to the ready jobs", async () => {
    const tag = randomUUID().slice(0, 6);
    const shop = await shopHere(`ui-ride-back-${tag}`, [{ sku: "TEA", price_paise: 5000, stock: 5 }]);
    const customer = await person("customer", "ui-ride-back-buyer");
    const { page, context } = await riderPhone(`ui-ride-back-${tag}`);
    await shiftSwitch(page).click();
    await page.getByText(j.live).waitFor();
    const order = await placeOrder(customer, orderHere(shop, [["TEA", 1]]));
    await makeReady(shop, order.id);
    const store = `ui-ride-back-${tag} Kirana`;
    await page.getByRole("button", { name: j.claimNamed(store) }).click();
    await waitForPath(page, `/rider/jobs/${order.id}`);

    await page.getByRole("button", { name: job.release }).click();
    await waitForPath(page, "/rider");
    await jobCard(page, store).waitFor();
    assert.equal((await sql<{ rider_id: string | null }[]>`select rider_id from public.orders where id = ${order.id}`)[0]!.rider_id, null);
    await context.close();
  });

  test("going on shift offline is queued, shown as waiting, and applied once when the network returns", async () => {
    const { rider, context, page } = await riderPhone(`ui-ride-offline-${randomUUID().slice(0, 6)}`);
    const changes: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "PATCH" && r.url().includes("/rest/v1/rider_profiles") && (r.postData() ?? "").includes("is_available")) changes.push(r.url());
    });

    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await shiftSwitch(page).click();
    await page.getByTestId("shift-pending").filter({ hasText: t.rider.shift.queued }).waitFor();
    await outboxShows(page, 1);
    assert.equal((await shiftOf(rider.userId)).is_available, false);
    await screen(page, "rider-shift-queued");

    await context.setOffline(false);
    await outboxShows(page, 0);
    await page.getByTestId("shift-pending").waitFor({ state: "detached" });
    await page.getByRole("switch", { name: t.rider.shift.onShift, checked: true }).waitFor();
    assert.deepEqual(await shiftOf(rider.userId), { is_available: true, located: true });
    await page.getByText(j.live).waitFor();
    assert.equal(changes.length, 1);
    await context.close();
  });
});
