// One order from start to finish across three phones: the customer orders in the app, the store
// sees it arrive live and gets it ready, a rider claims it, shares their position and delivers it
// with the customer's code, while the customer watches the status and the rider move and chats
// with the store.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import type { Locator } from "playwright-core";
import { db } from "../support/env.js";
import { openShop, person } from "../support/orders.js";
import { addToCart, appUrl, outboxShows, phone, screen, signIn, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

// A corner of the map of its own, more than the claim radius from the other suites' stores, so
// the rider's list holds only this store's job.
const STORE_POINT = { lat: 18.4, lng: 73.75 };
const HOME = { lat: 18.404, lng: 73.752 };

/** Where a map marker is drawn (its translate), to see it move. */
const placeOf = (marker: Locator) => marker.getAttribute("transform");

test("a customer orders, the store accepts it live, a rider claims, shares their position and delivers it with the code while the customer watches and chats", async () => {
  const tag = randomUUID().slice(0, 6);
  const shop = await openShop(sql, `ui-journey-${tag}`, [
    { sku: "ATTA", price_paise: 25000, stock: 10 },
    { sku: "DAL", price_paise: 14000, stock: 10 },
  ], { at: STORE_POINT });
  const storeName = `ui-journey-${tag} Kirana`;
  const [customer, rider] = await Promise.all([person("customer", `ui-journey-buyer-${tag}`), person("rider", `ui-journey-rider-${tag}`)]);

  // Three phones, each signed in.
  const signedIn = async (email: string, home: string, setUp?: (c: Awaited<ReturnType<typeof phone>>) => Promise<void>) => {
    const context = await phone();
    await setUp?.(context);
    const page = await context.newPage();
    await signIn(page, email, home);
    return { context, page };
  };
  const store = await signedIn(shop.merchant.email, "/merchant");
  const riding = await signedIn(rider.email, "/rider", async (context) => {
    await context.grantPermissions(["geolocation"], { origin: appUrl });
    await context.setGeolocation({ latitude: STORE_POINT.lat, longitude: STORE_POINT.lng });
  });
  const buying = await signedIn(customer.email, "/customer");

  // The store watches its orders; the rider goes on shift.
  await store.page.goto(`${appUrl}/merchant/orders`);
  await store.page.getByText(t.merchant.orders.live).waitFor();
  await outboxShows(riding.page, 0);
  await riding.page.getByRole("switch", { name: t.rider.shift.onShift }).click();
  await riding.page.getByText(t.rider.jobs.live).waitFor();

  // The customer orders: location, the store, the cart, checkout.
  const c = buying.page;
  await c.goto(`${appUrl}/customer/location`);
  await c.getByLabel(t.shop.location.latitude).fill(String(HOME.lat));
  await c.getByLabel(t.shop.location.longitude).fill(String(HOME.lng));
  await c.getByRole("button", { name: t.shop.location.save }).click();
  await waitForPath(c, "/customer");
  await c.goto(`${appUrl}/customer/stores/${shop.storeId}`);
  await addToCart(c, "Product ATTA", 1);
  await addToCart(c, "Product DAL", 2);
  await c.goto(`${appUrl}/customer/checkout`);
  await c.getByTestId("quote-total").waitFor();
  await c.getByLabel(t.shop.checkout.address).fill("7 Journey Lane, Pune");
  await c.getByRole("button", { name: t.shop.checkout.place }).click();
  await c.waitForURL((u) => u.pathname.startsWith("/customer/orders/"));
  const orderId = new URL(c.url()).pathname.split("/").pop()!;
  const status = c.getByTestId("order-status");
  await status.filter({ hasText: t.shop.orders.statuses.pending }).waitFor();
  await c.getByText(t.shop.orders.live.noRider).waitFor();

  // The store: the order arrives live; accepted, packed, ready. The customer sees each step.
  const card = store.page.getByRole("article", { name: new RegExp(`^Order ${orderId.slice(0, 8).toUpperCase()} `) });
  await card.waitFor();
  await card.getByRole("button", { name: t.merchant.orders.accept }).click();
  await status.filter({ hasText: t.shop.orders.statuses.accepted }).waitFor();
  await card.getByRole("button", { name: t.merchant.orders.preparing }).click();
  await status.filter({ hasText: t.shop.orders.statuses.preparing }).waitFor();
  await card.getByRole("button", { name: t.merchant.orders.ready }).click();
  await status.filter({ hasText: t.shop.orders.statuses.ready }).waitFor();

  // The customer and the store chat about it.
  const customerChat = c.getByRole("region", { name: t.chat.title("store") });
  await customerChat.getByLabel(t.chat.label).fill("Please ring the bell twice.");
  await customerChat.getByRole("button", { name: t.chat.send }).click();
  await customerChat.getByRole("log").locator("li.mine:not(.waiting)", { hasText: "Please ring the bell twice." }).waitFor();
  await store.page.goto(`${appUrl}/merchant/orders/${orderId}`);
  const storeChat = store.page.getByRole("region", { name: t.chat.title("customer") });
  await storeChat.getByRole("log").getByText("Please ring the bell twice.").waitFor();
  await storeChat.getByLabel(t.chat.label).fill("Will do. The rider is on the way soon.");
  await storeChat.getByRole("button", { name: t.chat.send }).click();
  await customerChat.getByRole("log").getByText("Will do. The rider is on the way soon.").waitFor();
  // The store sees that the customer read its answer.
  await storeChat.getByText(t.chat.read).waitFor();

  // The rider: the job arrives live; claimed; picked up, and their position is shared.
  const r = riding.page;
  await r.getByRole("button", { name: t.rider.jobs.claimNamed(storeName) }).click();
  await waitForPath(r, `/rider/jobs/${orderId}`);
  await r.getByRole("button", { name: t.rider.job.pickup }).click();
  await r.getByTestId("sharing").filter({ hasText: t.rider.job.sharing }).waitFor();
  await status.filter({ hasText: t.shop.orders.statuses.picked_up }).waitFor();
  // With the rider on the way, the customer's page shows the code to tell at the door.
  const code = (await c.getByTestId("handover-code").textContent())!.trim();
  assert.match(code, /^\d{4}$/);

  // The customer sees the rider on the map, how old the position is, and the ETA.
  const map = c.getByRole("img", { name: t.shop.orders.live.mapTitle });
  const riderMarker = map.locator('[data-marker="rider"]');
  await riderMarker.waitFor();
  await c.getByTestId("rider-age").waitFor();
  await c.getByTestId("eta").filter({ hasText: /Arrives in about \d+ min/ }).waitFor();
  // A chat with the rider opened when the rider took the order.
  await c.getByRole("region", { name: t.chat.title("rider") }).waitFor();
  await screen(c, "journey-customer-watching");
  const before = await placeOf(riderMarker);

  // The rider rides towards the customer; the customer's map follows.
  await riding.context.setGeolocation({ latitude: (STORE_POINT.lat + HOME.lat) / 2, longitude: (STORE_POINT.lng + HOME.lng) / 2 });
  await c.waitForFunction(
    ({ was }) => document.querySelector('[data-marker="rider"]')?.getAttribute("transform") !== was,
    { was: before },
    { timeout: 30_000 },
  );

  // At the door: the code the customer reads out delivers the order.
  await r.getByLabel(t.rider.job.code).fill(code);
  await r.getByRole("button", { name: t.rider.job.deliver }).click();
  await r.getByText(t.rider.job.delivered).waitFor();
  await status.filter({ hasText: t.shop.orders.statuses.delivered }).waitFor();
  await c.getByRole("region", { name: t.shop.orders.live.title }).waitFor({ state: "detached" });

  const [order] = await sql<{ status: string; rider_id: string }[]>`select status, rider_id from public.orders where id = ${orderId}`;
  assert.deepEqual(order, { status: "delivered", rider_id: rider.userId });
  const timeline = await sql<{ status: string }[]>`select status from public.order_events where order_id = ${orderId} order by created_at, id`;
  assert.deepEqual(timeline.map((e) => e.status), ["pending", "accepted", "preparing", "ready", "picked_up", "delivered"]);
  const positions = await sql<{ n: number }[]>`select count(*)::int as n from public.rider_locations where order_id = ${orderId} and rider_id = ${rider.userId}`;
  assert.ok(positions[0]!.n >= 1);
  await Promise.all([store.context.close(), riding.context.close(), buying.context.close()]);
});
