// Rating on the seeded city: the demo customer, whose order from the demo merchant's shop (open
// around the clock in Kothrud) was delivered an hour ago, sees the shop's rating in the store
// list, rates the order from its page with the stars and a comment, and the list then shows the
// rating the database recounted. The merchant sees the review on their home screen and the rider
// their average. Ratings are held to the database's own numbers, never to fixed ones.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { db } from "../support/env.js";
import { appUrl, fillSignIn, phone, screen, t, waitForPath } from "../browser/browser.js";

const sql = db();
after(() => sql.end());

/** The demo shop's rating as the database keeps it, and as the app words it. */
async function shownRating(storeId: string): Promise<string> {
  const [s] = await sql<{ rating: string | null; rating_count: number }[]>`select rating::text, rating_count from public.stores where id = ${storeId}`;
  return s!.rating === null ? t.ratings.none : t.ratings.shown(s!.rating, s!.rating_count);
}

/** What a rating on the page says (to a screen reader, without the stars drawn for the eye). */
const said = (page: Page, scope = page.locator("body")) =>
  scope.getByTestId("store-rating").first().evaluate((e) => (e.querySelector(".visually-hidden") ?? e).textContent ?? "");

/** The demo customer's order from the demo shop, delivered by the demo rider an hour ago. */
async function deliveredOrder(): Promise<{ orderId: string; storeId: string; storeName: string }> {
  const [row] = await sql<{ order_id: string; store_id: string; store_name: string }[]>`
    with shop as (
      select s.id, s.name, s.location from public.stores s join auth.users u on u.id = s.owner_id
      where u.email = 'merchant@example.com' and s.status = 'approved' limit 1),
    placed as (
      insert into public.orders (customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                                 delivery_address, delivery_location, delivery_distance_m, created_at)
      select (select id from auth.users where email = 'customer@example.com'), shop.id,
             (select id from auth.users where email = 'rider@example.com'), 'delivered', p.price_paise, 2000, p.price_paise + 2000,
             'Flat 4, Karve Road, Kothrud, Pune', shop.location, 0, now() - interval '90 minutes'
      from shop cross join lateral (select price_paise from public.products where store_id = shop.id order by id limit 1) p
      returning id, store_id)
    select placed.id as order_id, shop.id as store_id, shop.name as store_name from placed join shop on shop.id = placed.store_id`;
  await sql`insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
            select ${row!.order_id}, p.id, p.sku, p.name, p.unit, p.price_paise, 1
            from public.products p where p.store_id = ${row!.store_id} order by p.id limit 1`;
  await sql`insert into public.order_events (order_id, status, previous_status, created_at)
            values (${row!.order_id}, 'delivered', 'picked_up', now() - interval '1 hour')`;
  return { orderId: row!.order_id, storeId: row!.store_id, storeName: row!.store_name };
}

async function signIn(email: string, home: string): Promise<Page> {
  const page = await (await phone()).newPage();
  await page.goto(`${appUrl}/sign-in`);
  await fillSignIn(page, email, DEMO_PASSWORD);
  await waitForPath(page, home);
  return page;
}

/** The rating the store list shows for the shop. */
async function listedRating(page: Page, storeName: string): Promise<string> {
  const item = page.getByRole("list", { name: t.shop.stores.title }).getByRole("listitem").filter({ has: page.getByRole("link", { name: storeName, exact: true }) });
  return said(page, item);
}

describe("rating a delivered order on the seeded city", () => {
  test("the customer rates the store and the rider; the store's shown rating moves; merchant and rider see it", async () => {
    const { orderId, storeId, storeName } = await deliveredOrder();
    const before = await shownRating(storeId);

    const page = await signIn("customer@example.com", "/customer");
    await page.getByRole("link", { name: t.shop.location.choose }).click();
    await waitForPath(page, "/customer/location");
    await page.getByRole("button", { name: t.shop.localities.kothrud, exact: true }).click();
    await waitForPath(page, "/customer");
    assert.equal(await listedRating(page, storeName), before, "the list shows the shop's rating as the database keeps it");

    await page.getByRole("navigation", { name: t.shop.nav.label }).getByRole("link", { name: t.shop.nav.orders }).click();
    await waitForPath(page, "/customer/orders");
    await page.locator(`a[href="/customer/orders/${orderId}"]`).click();
    await waitForPath(page, `/customer/orders/${orderId}`);
    const form = page.getByRole("region", { name: t.ratings.title });
    await form.getByRole("group", { name: storeName }).getByRole("radio", { name: t.ratings.star(1), exact: true }).check();
    await form.getByRole("group", { name: t.ratings.rider }).getByRole("radio", { name: t.ratings.star(5), exact: true }).check();
    await form.getByLabel(t.ratings.comment).fill("Bread was stale, but the rider was quick.");
    await screen(page, "city-rate-order");
    await form.getByRole("button", { name: t.ratings.submit }).click();
    const mine = page.getByTestId("my-rating");
    await mine.waitFor();
    assert.match((await mine.textContent()) ?? "", new RegExp(`${t.ratings.storeStars(1)}.*${t.ratings.riderStars(5)}`));
    await screen(page, "city-rated-order");

    const [review] = await sql`select store_stars, rider_stars, comment from public.reviews where order_id = ${orderId}`;
    assert.deepEqual({ ...review }, { store_stars: 1, rider_stars: 5, comment: "Bread was stale, but the rider was quick." });
    const after = await shownRating(storeId);
    assert.notEqual(after, before, "one more review moves the shop's rating");

    await page.getByRole("navigation", { name: t.shop.nav.label }).getByRole("link", { name: t.shop.nav.stores }).click();
    await waitForPath(page, "/customer");
    assert.equal(await listedRating(page, storeName), after, "the list shows the recounted rating");
    await page.getByRole("link", { name: storeName, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: storeName }).waitFor();
    assert.equal(await said(page), after, "so does the store's page");

    const merchant = await signIn("merchant@example.com", "/merchant");
    const reviews = merchant.getByTestId("store-reviews");
    await reviews.getByText("Bread was stale, but the rider was quick.").waitFor();
    await screen(merchant, "city-merchant-reviews");

    const [rider] = await sql<{ rating: string; rating_count: number }[]>`
      select rating::text, rating_count from public.rider_profiles where rider_id = (select id from auth.users where email = 'rider@example.com')`;
    const riderPage = await signIn("rider@example.com", "/rider");
    assert.equal(await riderPage.getByTestId("rider-rating").textContent().then((s) => s?.trim()), t.ratings.riderAverage(rider!.rating, rider!.rating_count));
  });
});
