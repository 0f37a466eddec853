// Web Push on the phone. The chain up to the push service is real (a notification row, the
// Database Webhook, the push function's encryption and VAPID, checked and decrypted by the push
// service stand-in); the last hop, the push service to Chromium, is the DevTools protocol's
// ServiceWorker.deliverPushMessage with the payload the stand-in decrypted, because headless
// Chromium cannot reach a real push service (see the README).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder } from "../support/orders.js";
import { startPushService, type PushService } from "../support/push-service.js";
import { appUrl, outboxShows, phone, screen, signIn, t, waitForPath } from "./browser.js";

const sql = db();
let push: PushService;
before(async () => {
  push = await startPushService({ key: process.env.PUSH_TLS_KEY!, cert: process.env.PUSH_TLS_CERT! });
});
after(async () => {
  await push.stop();
  await sql.end();
});

interface Shown {
  title: string;
  body: string;
  icon: string;
  tag: string;
  link: string;
}

/** The notifications the app's service worker is showing. */
const shown = (page: Page): Promise<Shown[]> =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, icon: n.icon, tag: n.tag, link: (n.data as { link: string }).link }));
  });

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The service worker's registration id, for the DevTools protocol's push delivery. */
async function workerRegistration(context: BrowserContext, page: Page): Promise<(data: string) => Promise<void>> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const cdp = await context.newCDPSession(page);
  const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e: { registrations: typeof registrations }) => registrations.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  const registration = await until(async () => registrations.find((r) => r.scopeURL === `${appUrl}/` && !r.isDeleted), Boolean, "the worker's registration");
  return async (data) => {
    await cdp.send("ServiceWorker.deliverPushMessage", { origin: appUrl, registrationId: registration!.registrationId, data });
  };
}

/** A notification row as the platform writes it; resolves with what the push service decrypted. */
async function notify(userId: string, subscription: string, row: { kind: string; title: string; body: string; orderId: string; link: string }): Promise<string> {
  const [{ id }] = (await sql`
    insert into public.notifications (user_id, kind, title, body, data)
    values (${userId}, ${row.kind}, ${row.title}, ${row.body}, ${sql.json({ order_id: row.orderId, link: row.link })})
    returning id`) as unknown as [{ id: string }];
  const [request] = await push.waitFor((r) => r.subscription === subscription && r.message?.id === id);
  return JSON.stringify(request!.message);
}

describe("Web Push", () => {
  test("a merchant on the Stock tab is shown a new order by the service worker, a later status replaces it, and a tap opens the order", async () => {
    const shop = await openShop(sql, `ui-push-${randomUUID().slice(0, 6)}`, [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const customer = await person("customer", "ui-push-buyer");
    const order = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]]));
    // This phone's subscription, as the browser's pushManager.subscribe() would give it.
    const device = push.subscribe(process.env.VAPID_PUBLIC_KEY!);
    const saved = await shop.merchant.supabase.rpc("save_push_subscription", { endpoint: device.endpoint, p256dh: device.keys.p256dh, auth: device.keys.auth, device_label: "Chrome on Android" });
    assert.equal(saved.error, null);

    const context = await phone();
    await context.grantPermissions(["notifications"], { origin: appUrl });
    const page = await context.newPage();
    await signIn(page, shop.merchant.email, "/merchant");
    await page.getByRole("link", { name: t.merchant.nav.inventory, exact: true }).click();
    await waitForPath(page, "/merchant/inventory");
    const deliver = await workerRegistration(context, page);

    const link = `/merchant/orders/${order.id}`;
    await deliver(await notify(shop.merchant.userId, device.id, { kind: "new_order", title: "New order", body: "1 item, ₹250 to collect.", orderId: order.id, link }));
    const first = await until(() => shown(page), (n) => n.length === 1, "the notification");
    assert.deepEqual(first, [{ title: "New order", body: "1 item, ₹250 to collect.", icon: `${appUrl}/icons/icon-192.png`, tag: `order:${order.id}`, link }]);

    // The same order again: the later status replaces the earlier one.
    await deliver(await notify(shop.merchant.userId, device.id, { kind: "order_cancelled", title: "Order cancelled", body: "The customer cancelled.", orderId: order.id, link }));
    await until(() => shown(page), (n) => n.length === 1 && n[0]!.title === "Order cancelled", "the replaced notification");

    // A tap: the worker's notificationclick handler brings the open window to the order. (A
    // click on a system notification cannot be made through the DevTools protocol, so the
    // handler's own function runs with the notification shown.)
    const worker = context.serviceWorkers().find((w) => w.url() === `${appUrl}/sw.js`);
    assert.ok(worker, "the app's service worker runs");
    await worker.evaluate(async () => {
      const scope = self as unknown as { registration: ServiceWorkerRegistration; openNotification(n: Notification): Promise<unknown> };
      const [notification] = await scope.registration.getNotifications();
      await scope.openNotification(notification!);
    });
    await waitForPath(page, link);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await screen(page, "push-opened-order");
    await context.close();
  });

  test("the browser is asked only from a tap on an offer that says why; refusing keeps the app working, and Not now is remembered", async () => {
    const shop = await openShop(sql, `ui-push-ask-${randomUUID().slice(0, 6)}`, [{ sku: "DAL", price_paise: 14000, stock: 10 }]);
    const context = await phone();
    const page = await context.newPage();
    await signIn(page, shop.merchant.email, "/merchant");

    // The store is open: the offer says why, and the browser has not been asked.
    const offer = page.getByTestId("push-offer");
    await offer.getByText(t.push.why.store).waitFor();
    assert.equal(await page.evaluate(() => Notification.permission), "default");
    await screen(page, "push-offer");

    // Refused: the offer says what still works, and the app goes on.
    await offer.getByRole("button", { name: t.push.turnOn }).click();
    await offer.getByText(t.push.outcome.denied).waitFor();
    await page.getByRole("link", { name: t.merchant.nav.inventory, exact: true }).click();
    await waitForPath(page, "/merchant/inventory");
    assert.equal((await sql`select count(*)::int as n from public.push_subscriptions where user_id = ${shop.merchant.userId}`)[0]!.n, 0);

    await context.close();

    // On a phone that was not asked, "Not now" is remembered for the next visit.
    const other = await phone();
    const again = await other.newPage();
    await signIn(again, shop.merchant.email, "/merchant");
    await again.getByTestId("push-offer").getByRole("button", { name: t.push.notNow }).click();
    await again.getByTestId("push-offer").waitFor({ state: "detached" });
    await again.reload();
    // The outbox opens in the signed-in layout's start, after the page's own mount ran.
    await outboxShows(again, 0);
    assert.equal(await again.getByTestId("push-offer").count(), 0);
    await other.close();
  });

  test("a rider chooses which alerts reach their phones and quiet hours; the choices are kept, and a bad form is a 400 that saves nothing", async () => {
    const rider = await person("rider", `ui-push-choices-${randomUUID().slice(0, 6)}`);
    const choices = async () =>
      (await sql`select muted_kinds, quiet_from::text, quiet_until::text from public.push_preferences where user_id = ${rider.userId}`)[0];
    const context = await phone();
    const page = await context.newPage();
    await signIn(page, rider.email, "/rider");
    await outboxShows(page, 0);
    await page.getByTestId("bell").click();
    await waitForPath(page, "/rider/notifications");

    const c = t.push.choices;
    await page.getByText(c.title, { exact: true }).click();
    for (const kind of ["job_ready", "job_assigned", "job_unassigned", "order_cancelled", "chat_message"] as const) {
      assert.equal(await page.getByRole("checkbox", { name: c.kind[kind] }).isChecked(), true, `${kind} is pushed until chosen otherwise`);
    }
    await page.getByRole("checkbox", { name: c.kind.chat_message }).uncheck();
    await page.getByRole("checkbox", { name: c.quietOn }).check();
    await page.getByLabel(c.from, { exact: true }).fill("23:00");
    await page.getByLabel(c.until, { exact: true }).fill("06:30");
    await page.getByRole("button", { name: c.save }).click();
    await page.getByRole("status").filter({ hasText: c.outcome.saved }).waitFor();
    assert.deepEqual(await choices(), { muted_kinds: ["chat_message"], quiet_from: "23:00:00", quiet_until: "06:30:00" });
    await screen(page, "push-choices");

    // Kept: a later visit shows them as saved.
    await page.reload();
    await page.getByText(c.title, { exact: true }).click();
    assert.equal(await page.getByRole("checkbox", { name: c.kind.chat_message }).isChecked(), false);
    assert.equal(await page.getByRole("checkbox", { name: c.kind.job_ready }).isChecked(), true);
    assert.equal(await page.getByLabel(c.from, { exact: true }).inputValue(), "23:00");

    // The form as a phone without the script posts it: nonsense is refused and nothing changes.
    const post = (fields: [string, string][]) =>
      page.request.post(`${appUrl}/rider/notifications?/alerts`, { form: Object.fromEntries(fields), headers: { origin: appUrl, accept: "text/html" }, maxRedirects: 0 });
    for (const bad of [
      [["pushed", "job_ready"], ["quiet", "on"], ["quiet_from", "25:00"], ["quiet_until", "06:00"]],
      [["pushed", "new_order"], ["quiet", "off"], ["quiet_from", ""], ["quiet_until", ""]],
      [["pushed", "job_ready"], ["quiet", "on"], ["quiet_from", "22:00"], ["quiet_until", "22:00"]],
    ] as [string, string][][]) {
      const res = await post(bad);
      assert.equal(res.status(), 400, `refused: ${JSON.stringify(bad)}`);
    }
    assert.deepEqual(await choices(), { muted_kinds: ["chat_message"], quiet_from: "23:00:00", quiet_until: "06:30:00" });
    await context.close();
  });
});
