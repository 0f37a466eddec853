// The store page as a shop, on the seeded city: the demo customer taps a search hit (in English,
// or in Devanagari, which shows the product's local name) and lands on the product, marked; on
// the city's largest store (the demo merchant's grocery, every product it may sell) jumps to an
// aisle, filters, adds with the stepper, sees the cart bar, and the page stays within its budgets
// (DOM elements, compressed HTML); the same without JavaScript; and the merchant's Stock page of
// that store within the same budgets. Which shops are open depends on
// the hour in India: the search goes to whatever the database answers, the big store is reached
// with "show closed".
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { aislesOf, filterProducts } from "../../app/src/lib/catalogue/aisles.js";
import { db } from "../support/env.js";
import { appUrl, fillSignIn, phone, screen, snapshot, t, waitForPath } from "../browser/browser.js";

const sql = db();
after(() => sql.end());

const MAX_ELEMENTS = 1500;
const MAX_GZIP_BYTES = 25_000;

interface Product {
  id: string;
  name: string;
  category: string;
  price_paise: number;
  stock: number;
}

/**
 * The approved store with the most listed products, and its products in aisle order: the listed
 * ones (what customers see), or all of them (the merchant's Stock page).
 */
async function largestStore(all = false): Promise<{ id: string; name: string; products: Product[] }> {
  const [store] = await sql<{ id: string; name: string }[]>`
    select s.id, s.name from public.stores s join public.products p on p.store_id = s.id and p.is_active
    where s.status = 'approved' group by s.id order by count(*) desc, s.id limit 1`;
  const products = await sql<Product[]>`
    select id, name, category, price_paise, stock from public.products
    where store_id = ${store!.id} and (is_active or ${all}) order by category, name, sku`;
  return { ...store!, products: [...products] };
}

/** Elements in the page, as a browser counts its DOM's size. */
const elements = (page: Page) => page.evaluate(() => document.getElementsByTagName("*").length);

/** The page's HTML as the server sends it (the browser's cookies), and its gzip size. */
async function htmlBudget(page: Page): Promise<{ bytes: number; gzipBytes: number }> {
  const response = await page.request.get(page.url());
  assert.equal(response.status(), 200);
  const body = await response.body();
  return { bytes: body.length, gzipBytes: gzipSync(body).length };
}

async function signIn(context: BrowserContext, email: string, home: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${appUrl}/sign-in`);
  await fillSignIn(page, email, DEMO_PASSWORD);
  await waitForPath(page, home);
  return page;
}

/** The demo customer in Kothrud, on the home screen with closed stores shown too. */
async function customerInKothrud(context: BrowserContext): Promise<Page> {
  const page = await signIn(context, "customer@example.com", "/customer");
  await page.getByRole("link", { name: t.shop.location.choose }).or(page.getByRole("link", { name: t.shop.location.change })).click();
  await page.getByRole("button", { name: t.shop.localities.kothrud, exact: true }).click();
  await waitForPath(page, "/customer");
  await page.getByText(t.shop.location.current(t.shop.localities.kothrud)).waitFor();
  return page;
}

/** From the home screen, with "show closed", a tap on the store's link. */
async function openStore(page: Page, store: { id: string; name: string }, script: boolean): Promise<void> {
  await page.getByLabel(t.shop.stores.showClosed).check();
  if (!script) await page.getByRole("button", { name: t.shop.stores.apply }).click();
  await page.waitForURL((u) => u.searchParams.get("closed") === "1");
  await page.getByRole("list", { name: t.shop.stores.title }).getByRole("link", { name: store.name, exact: true }).first().click();
  await waitForPath(page, `/customer/stores/${store.id}`);
  await page.getByRole("heading", { level: 1, name: store.name }).waitFor();
}

/** Swipes on until the aisle is drawn; the most DOM elements seen on the way. */
async function scrollToEnd(page: Page, slug: string): Promise<number> {
  let most = 0;
  for (let swipes = 0; swipes < 400 && (await page.locator(`#aisle-${slug}`).count()) === 0; swipes += 1) {
    await page.mouse.wheel(0, 1200);
    await page.evaluate(() => new Promise(requestAnimationFrame));
    most = Math.max(most, await elements(page));
  }
  await page.locator(`#aisle-${slug}`).waitFor();
  return most;
}

const inView = (page: Page, selector: string) =>
  page.waitForFunction((s) => {
    const box = document.querySelector(s)?.getBoundingClientRect();
    return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
  }, selector);

describe("the store page on the seeded city", () => {
  test("a search hit opens the store at the product; the largest store jumps, filters, adds and stays light", async () => {
    const big = await largestStore();
    const aisles = aislesOf(big.products);
    assert.ok(big.products.length > 300 && aisles.length > 5, `the largest store has ${big.products.length} products in ${aisles.length} aisles`);
    const context = await phone();
    const page = await customerInKothrud(context);

    // A search hit, tapped: the store opens at that product, marked and in view.
    await page.getByLabel(t.shop.search.label).fill("soap");
    await page.getByRole("button", { name: t.shop.search.submit }).click();
    await waitForPath(page, "/customer/search");
    const hit = page.getByRole("heading", { name: t.shop.search.results("soap") }).locator("xpath=following-sibling::ul[1]").getByRole("link").first();
    const hitName = (await hit.textContent())!.trim();
    await hit.click();
    await page.waitForURL((u) => u.pathname.startsWith("/customer/stores/") && u.searchParams.has("product"));
    const productId = new URL(page.url()).searchParams.get("product")!;
    const marked = page.locator(`li#p-${productId}[aria-current="true"]`);
    await marked.getByText(hitName, { exact: true }).waitFor();
    await inView(page, `li#p-${productId}`);
    await screen(page, "city-store-search-hit");
    await snapshot(page, "city-store-search-hit-screen", false);

    // The largest store, by taps.
    await page.getByRole("link", { name: t.shop.store.back }).click();
    await waitForPath(page, "/customer");
    await openStore(page, big, true);
    await page.getByRole("heading", { level: 2, name: aisles[0]!.name, exact: true }).waitFor();
    await page.waitForLoadState("networkidle");
    const first = { elements: await elements(page), ...(await htmlBudget(page)) };
    console.log(`# store page of ${big.products.length} products: ${first.elements} elements, HTML ${first.bytes} B, ${first.gzipBytes} B gzip`);
    assert.ok(first.elements < MAX_ELEMENTS, `${first.elements} DOM elements on the store page`);
    assert.ok(first.gzipBytes < MAX_GZIP_BYTES, `${first.gzipBytes} B of gzip-compressed HTML`);
    await screen(page, "city-store-top");

    // Scrolling on to the end: aisles come as the end nears, those far behind give way.
    const last = aisles.at(-1)!;
    const lastHeading = page.getByRole("heading", { level: 2, name: last.name, exact: true });
    const firstHeading = page.getByRole("heading", { level: 2, name: aisles[0]!.name, exact: true });
    const most = await scrollToEnd(page, last.slug);
    console.log(`# scrolled to the last aisle: at most ${most} elements`);
    assert.ok(most < MAX_ELEMENTS, `${most} DOM elements while scrolling through the store`);
    assert.equal(await firstHeading.count(), 0, "the first aisles gave way");

    // A jump to the first aisle (no longer drawn) brings it back into view.
    await page.getByRole("navigation", { name: t.aisles.label }).getByRole("link", { name: aisles[0]!.name, exact: true }).click();
    await inView(page, `#aisle-${aisles[0]!.slug}`);

    // A jump to the last aisle brings it into view, and the page stays light.
    await page.getByRole("navigation", { name: t.aisles.label }).getByRole("link", { name: last.name, exact: true }).click();
    await lastHeading.waitFor();
    await inView(page, `#aisle-${last.slug}`);
    // The jump bar marks the aisle on screen.
    await page.getByRole("navigation", { name: t.aisles.label }).locator('a[aria-current="location"]').filter({ hasText: last.name }).waitFor();
    const lastProduct = big.products.filter((p) => p.category === last.name)[0]!;
    await page.locator(`li#p-${lastProduct.id}`).getByText(lastProduct.name, { exact: true }).waitFor();
    assert.ok((await elements(page)) < MAX_ELEMENTS, "an aisle jump keeps the page light");
    await screen(page, "city-store-aisle");
    await snapshot(page, "city-store-aisle-screen", false);

    // Scrolling back up to the start brings earlier aisles back.
    await page.getByRole("link", { name: t.aisles.earlier }).click();
    await page.getByRole("heading", { level: 2, name: aisles.at(-2)!.name, exact: true }).waitFor();

    // The filter, as the customer types: exactly the store's products with those words.
    const wanted = big.products.find((p) => p.category === aisles[Math.floor(aisles.length / 2)]!.name && p.stock > 0)!;
    const typed = wanted.name.split(/\s+/).slice(0, 2).join(" ").toLowerCase();
    await page.getByLabel(t.shop.store.filterLabel).pressSequentially(typed, { delay: 30 });
    const expected = filterProducts(big.products, typed);
    const results = page.getByRole("list", { name: t.aisles.matches(expected.length, typed) });
    await results.waitFor();
    const shown = await results.locator(":scope > li").evaluateAll((items) => items.map((li) => li.id.slice(2)));
    assert.deepEqual(shown, expected.slice(0, 40).map((p) => p.id), `the filter "${typed}" shows the store's matching products`);
    assert.ok(shown.includes(wanted.id));

    // The stepper: Add, then +; "Added" next to it, and the cart bar at the foot of the screen.
    const row = page.locator(`li#p-${wanted.id}`);
    await row.getByRole("button", { name: t.shop.store.addNamed(wanted.name) }).click();
    await row.getByText(t.shop.store.addedShort).waitFor();
    await row.getByRole("button", { name: t.shop.cart.more(wanted.name), exact: true }).click();
    await row.getByLabel(t.shop.cart.quantityOf(wanted.name, 2), { exact: true }).waitFor();
    const bar = page.getByRole("complementary", { name: t.shop.cartBar.label });
    await bar.getByText(t.shop.cartBar.items(2)).waitFor();
    await bar.getByText(t.money(2 * wanted.price_paise)).waitFor();
    const box = (await bar.boundingBox())!;
    assert.equal(Math.round(box.y + box.height), 740, "the cart bar sits at the foot of the screen");
    await snapshot(page, "city-store-filter-added", false);
    await screen(page, "city-store-filter");

    // The bar on the search and home screens too; View cart opens the cart.
    await page.getByRole("navigation", { name: t.shop.nav.label }).getByRole("link", { name: t.shop.nav.search }).click();
    await waitForPath(page, "/customer/search");
    await bar.getByText(t.shop.cartBar.items(2)).waitFor();
    await page.getByRole("navigation", { name: t.shop.nav.label }).getByRole("link", { name: t.shop.nav.stores }).click();
    await waitForPath(page, "/customer");
    await bar.getByRole("link", { name: t.shop.store.viewCart }).click();
    await waitForPath(page, "/customer/cart");
    await page.getByLabel(t.shop.cart.quantityOf(wanted.name, 2), { exact: true }).waitFor();
    await context.close();
  });

  test("a search in Devanagari finds potatoes, shown with their local name there and on the store page", async () => {
    const context = await phone();
    const page = await customerInKothrud(context);
    await page.getByLabel(t.shop.search.label).fill("आलू");
    await page.getByRole("button", { name: t.shop.search.submit }).click();
    await waitForPath(page, "/customer/search");
    // The demo merchant's grocery in Kothrud is open around the clock and sells potatoes.
    const potato = page
      .getByRole("heading", { name: t.shop.search.results("आलू") })
      .locator("xpath=following-sibling::ul[1]/li")
      .filter({ has: page.getByRole("link", { name: /^Potato \(Aloo\)/ }) })
      .first();
    await potato.getByText("आलू / बटाटा", { exact: true }).waitFor();
    await screen(page, "city-search-devanagari");
    await snapshot(page, "city-search-devanagari-screen", false);
    await potato.getByRole("link").click();
    await page.waitForURL((u) => u.searchParams.has("product"));
    const productId = new URL(page.url()).searchParams.get("product")!;
    const row = page.locator(`li#p-${productId}[aria-current="true"]`);
    await row.getByText("आलू / बटाटा", { exact: true }).waitFor();
    await inView(page, `li#p-${productId}`);
    await snapshot(page, "city-store-local-name-screen", false);
    await context.close();
  });

  test("without JavaScript the stepper, aisles and filter are plain links and forms", async () => {
    const big = await largestStore();
    const aisles = aislesOf(big.products);
    const context = await phone({ javaScriptEnabled: false });
    const page = await customerInKothrud(context);
    await openStore(page, big, false);

    const product = big.products.find((p) => p.category === aisles[0]!.name && p.stock > 0)!;
    const row = page.locator(`li#p-${product.id}`);
    await row.getByRole("button", { name: t.shop.store.addNamed(product.name) }).click();
    await row.getByText(t.shop.store.addedShort).waitFor();
    await row.getByRole("button", { name: t.shop.cart.more(product.name), exact: true }).click();
    await row.getByLabel(t.shop.cart.quantityOf(product.name, 2), { exact: true }).waitFor();
    await row.getByRole("button", { name: t.shop.cart.fewer(product.name), exact: true }).click();
    await row.getByLabel(t.shop.cart.quantityOf(product.name, 1), { exact: true }).waitFor();
    const bar = page.getByRole("complementary", { name: t.shop.cartBar.label });
    await bar.getByText(t.shop.cartBar.items(1)).waitFor();
    await bar.getByText(t.money(product.price_paise)).waitFor();
    await snapshot(page, "city-store-no-script", false);
    const kept = (await context.cookies()).find((c) => c.name === "kirana_cart");
    const cart = JSON.parse(decodeURIComponent(kept!.value)) as { store: { id: string }; lines: { productId: string; quantity: number }[] };
    assert.deepEqual([cart.store.id, cart.lines.map((l) => [l.productId, l.quantity])], [big.id, [[product.id, 1]]]);

    // An aisle is a link; the filter a form.
    const aisle = aisles[3]!;
    await page.getByRole("navigation", { name: t.aisles.label }).getByRole("link", { name: aisle.name, exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get("aisle") === aisle.slug);
    await page.getByRole("heading", { level: 2, name: aisle.name, exact: true }).waitFor();
    const word = big.products.find((p) => p.category === aisle.name)!.name.split(/\s+/)[0]!;
    await page.getByLabel(t.shop.store.filterLabel).fill(word);
    await page.getByRole("button", { name: t.aisles.filterSubmit }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === word);
    const expected = filterProducts(big.products, word);
    await page.getByRole("list", { name: t.aisles.matches(expected.length, word) }).waitFor();
    await bar.getByText(t.shop.cartBar.items(1)).waitFor();

    // The same browser with JavaScript again: the kept cart becomes the device's, the cookie goes.
    const withScript = await phone();
    await withScript.addCookies(await context.cookies());
    await context.close();
    const again = await withScript.newPage();
    await again.goto(`${appUrl}/customer/cart`);
    await again.getByLabel(t.shop.cart.quantityOf(product.name, 1), { exact: true }).waitFor();
    await again.waitForFunction(() => !document.cookie.includes("kirana_cart=") && localStorage.getItem("kirana.cart") !== null);
    await withScript.close();
  });

  test("the merchant's Stock page of the largest store stays light, with aisles and a filter", async () => {
    const big = await largestStore(true);
    const aisles = aislesOf(big.products);
    const context = await phone();
    const page = await signIn(context, "merchant@example.com", "/merchant");
    await page.getByRole("link", { name: t.merchant.nav.inventory, exact: true }).click();
    await waitForPath(page, "/merchant/inventory");
    await page.getByRole("heading", { level: 2, name: aisles[0]!.name, exact: true }).waitFor();
    const [owner] = await sql<{ email: string }[]>`select u.email from public.stores s join auth.users u on u.id = s.owner_id where s.id = ${big.id}`;
    assert.equal(owner?.email, "merchant@example.com", "the demo merchant owns the largest store");
    await page.waitForLoadState("networkidle");
    const budget = { elements: await elements(page), ...(await htmlBudget(page)) };
    console.log(`# Stock page of ${big.products.length} products: ${budget.elements} elements, HTML ${budget.bytes} B, ${budget.gzipBytes} B gzip`);
    assert.ok(budget.elements < MAX_ELEMENTS, `${budget.elements} DOM elements on the Stock page`);
    assert.ok(budget.gzipBytes < MAX_GZIP_BYTES, `${budget.gzipBytes} B of gzip-compressed HTML`);

    const last = aisles.at(-1)!;
    const most = await scrollToEnd(page, last.slug);
    console.log(`# Stock page scrolled to the last aisle: at most ${most} elements`);
    assert.ok(most < MAX_ELEMENTS, `${most} DOM elements while scrolling through the Stock page`);
    await page.getByRole("navigation", { name: t.aisles.label }).getByRole("link", { name: aisles[0]!.name, exact: true }).click();
    await inView(page, `#aisle-${aisles[0]!.slug}`);
    await page.getByRole("navigation", { name: t.aisles.label }).getByRole("link", { name: last.name, exact: true }).click();
    await inView(page, `#aisle-${last.slug}`);
    const product = big.products.find((p) => p.category === last.name)!;
    await page.getByRole("form", { name: t.merchant.inventory.label(product.name) }).waitFor();

    const word = product.name.split(/\s+/)[0]!;
    await page.getByLabel(t.merchant.inventory.search).fill(word);
    await page.getByRole("list", { name: t.aisles.matches(filterProducts(big.products, word).length, word) }).waitFor();
    await page.getByRole("form", { name: t.merchant.inventory.label(product.name) }).waitFor();
    await screen(page, "city-stock-filter");
    await context.close();
  });
});
