// Offline as people meet it: they do not reload, they tap. After one visit online, every tab of
// each demo account's navigation opens from a tap with the network off, as it was last seen and
// saying how old it is; a page never opened says it needs the network in the app's own words,
// never with the browser's error page; the app opened at "/" (the home-screen icon) goes to the
// person's kept home.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { appUrl, fillSignIn, phone, screen, t, waitForAsync, waitForPath } from "../browser/browser.js";

/** The note a kept copy shows, whatever the time it gives. */
const keptNote = new RegExp(`^${t.app.offlineCopy("\u0000").split("\u0000")[0]}`);

/** Waits until the service worker has kept the page at this path: its HTML, or its data when it was reached by a tap. */
const kept = (page: Page, pathname: string, form: "html" | "data" = "data") =>
  waitForAsync(page, async (u) => (await (await caches.open("kirana-pages")).match(u!, { ignoreSearch: true })) !== undefined, `${appUrl}${form === "html" ? pathname : `${pathname}/__data.json`}`);

/**
 * Signs a demo account in on a phone that has opened the app before (its service worker controls
 * the page), so the home the sign-in lands on is loaded through the worker.
 */
async function signedIn(email: string, home: string): Promise<Page> {
  const page = await (await phone()).newPage();
  await page.goto(`${appUrl}/sign-in`);
  await waitForAsync(page, async () => (await navigator.serviceWorker.getRegistration())?.active?.state === "activated");
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await fillSignIn(page, email, DEMO_PASSWORD);
  await waitForPath(page, home);
  await kept(page, home, "html");
  return page;
}

/** Taps a tab and waits for its page: its heading, and (offline) the note saying how old it is. */
async function tapTab(page: Page, nav: string, tab: Tab, offline: boolean): Promise<void> {
  await page.getByRole("navigation", { name: nav }).getByRole("link", { name: tab.link }).click();
  await waitForPath(page, tab.path);
  await page.getByRole("heading", { level: 1, name: tab.heading }).waitFor();
  assert.ok(page.url().startsWith(appUrl), `${tab.link}: the app's page, not ${page.url()}`);
  if (offline) await page.getByRole("status").filter({ hasText: keptNote }).waitFor();
}

async function goOffline(page: Page): Promise<void> {
  await page.context().setOffline(true);
  await page.waitForFunction(() => !navigator.onLine);
}

type Tab = { link: string; path: string; heading: string };

/** Taps each tab once online (kept as a tap keeps it), then again with the network off. */
async function tapEachOnlineThenOffline(page: Page, nav: string, tabs: Tab[]): Promise<void> {
  for (const tab of tabs) {
    await tapTab(page, nav, tab, false);
    await kept(page, tab.path);
  }
  await goOffline(page);
  for (const tab of tabs) await tapTab(page, nav, tab, true);
}

describe("every tab opens offline from a tap", () => {
  test("the demo customer: Stores, Search, Cart and Orders kept; a page never opened needs the network", async () => {
    const page = await signedIn("customer@example.com", "/customer");
    const tabs = [
      { link: t.shop.nav.search, path: "/customer/search", heading: t.shop.search.title },
      { link: t.shop.nav.cart, path: "/customer/cart", heading: t.shop.cart.title },
      { link: t.shop.nav.orders, path: "/customer/orders", heading: t.shop.orders.title },
      { link: t.shop.nav.stores, path: "/customer", heading: t.areas.customer.title },
    ];
    await tapEachOnlineThenOffline(page, t.shop.nav.label, tabs);
    await screen(page, "offline-tab-customer-home");

    // Never opened on this phone: the app's own page, with a way back.
    await page.getByRole("link", { name: t.shop.location.choose }).click();
    await waitForPath(page, "/customer/location");
    await page.getByRole("heading", { level: 1, name: "This page needs the network" }).waitFor();
    await screen(page, "offline-needs-network");
    await page.getByRole("button", { name: "Go back" }).click();
    await waitForPath(page, "/customer");
    await page.getByRole("heading", { level: 1, name: t.areas.customer.title }).waitFor();

    // The app's icon opens "/": the kept home.
    await page.getByRole("link", { name: t.app.name, exact: true }).click();
    await waitForPath(page, "/customer");
    await page.getByRole("status").filter({ hasText: keptNote }).waitFor();
    await page.context().close();
  });

  test("the demo merchant: Home, Orders, Stock and Store kept", async () => {
    const page = await signedIn("merchant@example.com", "/merchant");
    const tabs = [
      { link: t.areas.merchant.orders, path: "/merchant/orders", heading: t.merchant.orders.title },
      { link: t.merchant.nav.inventory, path: "/merchant/inventory", heading: t.merchant.inventory.title },
      { link: t.merchant.nav.store, path: "/merchant/store", heading: t.merchant.store.titleEdit },
      { link: t.merchant.nav.home, path: "/merchant", heading: t.areas.merchant.title },
    ];
    await tapEachOnlineThenOffline(page, t.merchant.nav.label, tabs);
    await screen(page, "offline-tab-merchant-stock");
    await page.context().close();
  });

  test("the demo rider: the shift screen kept, opened from the app's icon", async () => {
    const page = await signedIn("rider@example.com", "/rider");
    await goOffline(page);
    await page.getByRole("link", { name: t.app.name, exact: true }).click();
    await waitForPath(page, "/rider");
    await page.getByRole("heading", { level: 1, name: t.rider.shift.title }).waitFor();
    await page.getByRole("status").filter({ hasText: keptNote }).waitFor();
    await page.context().close();
  });
});
