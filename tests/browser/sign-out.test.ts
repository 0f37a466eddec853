// Signing out on a shared phone: what the app kept for the person (the outbox, the chats, the last
// nearby stores, the kept pages and their expiry entries, the cart, the address, the cookies) is
// gone afterwards, read straight from IndexedDB, web storage, the caches and the cookies; and
// writes not yet sent are not thrown away without asking.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db, PASSWORD, uniqueEmail } from "../support/env.js";
import { NEAR, openShop } from "../support/orders.js";
import { addToCart, appUrl, fillSignUp, outboxShows, phone, reloadThroughWorker, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const ADDRESS = "12 Tilak Road, Sadashiv Peth";

/** Everything this origin keeps on the device, as text: IndexedDB, web storage, caches, cookies. */
async function deviceData(page: Page): Promise<string> {
  const inPage = await page.evaluate(async () => {
    // No named functions in here: the test's compiler would wrap them in a helper the page lacks.
    const lines: string[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const opening = indexedDB.open(name);
      const db = await new Promise<IDBDatabase>((resolve, reject) => ((opening.onsuccess = () => resolve(opening.result)), (opening.onerror = () => reject(opening.error))));
      for (const store of [...db.objectStoreNames]) {
        const reading = db.transaction(store, "readonly").objectStore(store).openCursor();
        const entries: unknown[] = [];
        await new Promise<void>((resolve, reject) => {
          reading.onerror = () => reject(reading.error);
          reading.onsuccess = () => {
            const cursor = reading.result;
            if (!cursor) return resolve();
            entries.push([cursor.primaryKey, cursor.value]);
            cursor.continue();
          };
        });
        lines.push(`indexeddb ${name}/${store} ${JSON.stringify(entries)}`);
      }
      db.close();
    }
    for (const [kind, storage] of [["local", localStorage], ["session", sessionStorage]] as const) {
      for (const key of Object.keys(storage)) lines.push(`${kind}Storage ${key} ${storage.getItem(key)}`);
    }
    for (const name of await caches.keys()) {
      lines.push(`cache ${name} ${(await (await caches.open(name)).keys()).map((r) => r.url).join(" ")}`);
    }
    return lines;
  });
  const cookies = (await page.context().cookies()).map((c) => `cookie ${c.name} ${decodeURIComponent(c.value)}`);
  return [...inPage, ...cookies].join("\n");
}

/** A new customer with a shop nearby, who has used the app: location, cart, an order and its chat. */
async function customerWhoUsedTheApp(label: string) {
  const shop = await openShop(sql, `${label}-${randomUUID().slice(0, 6)}`, [{ sku: "MNG", price_paise: 9000, stock: 5 }]);
  await sql`update public.stores set location = ${`SRID=4326;POINT(${NEAR.lng} ${NEAR.lat})`} where id = ${shop.storeId}`;
  const context = await phone();
  const page = await context.newPage();
  const email = uniqueEmail(label);
  await fillSignUp(page, { role: "customer", name: "Meera Customer", email, password: PASSWORD });
  await waitForPath(page, "/customer");
  const [row] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
  const userId = row!.id;
  await reloadThroughWorker(page);

  // A location: the home screen lists the shop and keeps the list for offline.
  await page.goto(`${appUrl}/customer/location`);
  await page.getByLabel(t.shop.location.latitude).fill(String(NEAR.lat));
  await page.getByLabel(t.shop.location.longitude).fill(String(NEAR.lng));
  await page.getByRole("button", { name: t.shop.location.save }).click();
  await waitForPath(page, "/customer");
  await page.getByRole("list", { name: t.shop.stores.title }).getByRole("listitem").first().waitFor();

  // A cart, then an order placed through the outbox, with an address typed at checkout.
  await page.goto(`${appUrl}/customer/stores/${shop.storeId}`);
  await addToCart(page, "Product MNG", 2);
  await page.goto(`${appUrl}/customer/checkout`);
  await page.getByLabel(t.shop.checkout.address).fill(ADDRESS);
  await page.getByLabel(t.shop.location.latitude).fill(String(NEAR.lat));
  await page.getByLabel(t.shop.location.longitude).fill(String(NEAR.lng));
  await page.getByRole("button", { name: t.shop.checkout.refresh }).click();
  await page.getByTestId("quote-total").waitFor();
  await page.getByRole("button", { name: t.shop.checkout.place }).click();
  await page.waitForURL((u) => /^\/customer\/orders\/[0-9a-f-]{36}$/.test(u.pathname));
  const orderId = new URL(page.url()).pathname.split("/").pop()!;

  // A chat message on the order's page, which keeps the conversation on the device.
  const panel = page.getByRole("region", { name: t.chat.title("store") });
  await panel.getByLabel(t.chat.label).fill("Please ring the bell twice");
  await panel.getByRole("button", { name: t.chat.send }).click();
  await panel.getByRole("listitem").filter({ hasText: "Please ring the bell twice" }).waitFor();
  await outboxShows(page, 0);
  return { context, page, userId, orderId };
}

describe("signing out", () => {
  test("leaves nothing of the person on the phone", async () => {
    const { context, page, userId, orderId } = await customerWhoUsedTheApp("sign-out");
    const storeSuffix = userId.replace(/[^a-zA-Z0-9]/g, "_");
    const traces = [userId, storeSuffix, orderId, ADDRESS, "Please ring the bell twice"];

    // Kept while signed in: otherwise the check after signing out would prove nothing.
    const kept = [
      ...traces,
      `kirana/outbox_${storeSuffix}`,
      `kirana/chats_${storeSuffix}`,
      `kirana/stores_${storeSuffix}`,
      "cache kirana-pages",
      "localStorage kirana.cart",
      "localStorage kirana.address",
      `cookie outbox_pending ${userId}`,
      "cookie kirana_device_cart",
    ];
    const deadline = Date.now() + 15_000;
    let before = await deviceData(page);
    while (kept.some((k) => !before.includes(k)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      before = await deviceData(page);
    }
    for (const k of kept) assert.ok(before.includes(k), `kept while signed in: ${k}`);

    await page.getByRole("button", { name: t.signOut.submit }).click();
    await waitForPath(page, "/sign-in");
    const afterwards = await deviceData(page);
    for (const trace of traces) assert.ok(!afterwards.includes(trace), `${trace} is still on the device:\n${afterwards}`);
    assert.doesNotMatch(afterwards, /^cache kirana-pages/m);
    assert.doesNotMatch(afterwards, /^(localStorage|sessionStorage) kirana\./m);
    assert.doesNotMatch(afterwards, /^cookie (outbox_pending|kirana_cart|kirana_device_cart) /m);
    // Signed out for real, and the app still works for the next person.
    await page.goto(`${appUrl}/customer`);
    await waitForPath(page, "/sign-in");
    await context.close();
  });

  test("asks before throwing away writes not yet sent", async () => {
    const { context, page, userId } = await customerWhoUsedTheApp("sign-out-unsent");
    // The server cannot be reached for chat messages: one waits in the outbox.
    await page.route("**/rest/v1/rpc/send_message", (route) => route.abort("internetdisconnected"));
    const panel = page.getByRole("region", { name: t.chat.title("store") });
    await panel.getByLabel(t.chat.label).fill("On my way home");
    await panel.getByRole("button", { name: t.chat.send }).click();
    await outboxShows(page, 1);

    const asked: string[] = [];
    page.once("dialog", (dialog) => (asked.push(dialog.message()), void dialog.dismiss()));
    await page.getByRole("button", { name: t.signOut.submit }).click();
    assert.deepEqual(asked, [t.signOut.unsent(1)]);
    // Kept signed in, with the write still waiting.
    await outboxShows(page, 1);
    assert.ok((await deviceData(page)).includes("On my way home"));

    page.once("dialog", (dialog) => (asked.push(dialog.message()), void dialog.accept()));
    await page.getByRole("button", { name: t.signOut.submit }).click();
    await waitForPath(page, "/sign-in");
    assert.equal(asked.length, 2);
    const afterwards = await deviceData(page);
    for (const trace of [userId, "On my way home"]) assert.ok(!afterwards.includes(trace), `${trace} is still on the device`);
    await context.close();
  });
});
