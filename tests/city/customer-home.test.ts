// The customer's first minutes on the city `npm start` seeds, as a new user meets them: the demo
// customer signs in, taps each quick-pick neighbourhood, sees the open stores there nearest
// first with the map, opens a store and searches. Which shops are open depends on the hour in
// India, so the list is held to the database's own answer at that moment, never to fixed names;
// the seed gives every neighbourhood a chemist open around the clock, so it is never empty.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { client } from "../support/env.js";
import { appUrl, fillSignIn, phone, screen, t, waitForPath } from "../browser/browser.js";

const visitor = client();

/** Where the app keeps the customer's location (the cookie its server reads). */
async function chosenPoint(page: Page): Promise<{ lat: number; lng: number }> {
  const cookie = (await page.context().cookies()).find((c) => c.name === "kirana_location");
  assert.ok(cookie, "the chosen location is kept in a cookie");
  const { lat, lng } = JSON.parse(decodeURIComponent(cookie.value)) as { lat: number; lng: number };
  return { lat, lng };
}

/** The open stores the database lists for the point right now, nearest first. */
async function openStores(at: { lat: number; lng: number }): Promise<{ names: string[]; distances: number[] }> {
  const { data, error } = await visitor.rpc("nearby_stores", at);
  assert.equal(error, null);
  return { names: data!.map((s) => s.name!), distances: data!.map((s) => s.distance_m!) };
}

describe("the demo customer on the seeded city", () => {
  test("every quick-pick neighbourhood lists its open stores nearest first with the map; a store opens; a search finds soap", async () => {
    const page = await (await phone()).newPage();
    await page.goto(`${appUrl}/sign-in`);
    await fillSignIn(page, "customer@example.com", DEMO_PASSWORD);
    await waitForPath(page, "/customer");
    await page.getByRole("link", { name: t.shop.location.choose }).click();

    for (const [id, name] of Object.entries(t.shop.localities)) {
      await waitForPath(page, "/customer/location");
      await page.getByRole("button", { name, exact: true }).click();
      await waitForPath(page, "/customer");
      await page.getByText(t.shop.location.current(name)).waitFor();
      const at = await chosenPoint(page);

      // The database's answer just before and just after reading the screen: a shop opening or
      // closing on the minute in between may make them differ, and the screen shows one of them.
      const before = await openStores(at);
      const list = page.getByRole("list", { name: t.shop.stores.title });
      await list.waitFor();
      const shown = await list.getByRole("listitem").getByRole("link").allTextContents();
      const afterwards = await openStores(at);
      assert.ok(shown.length > 0, `${name}: open stores are listed`);
      assert.ok([before.names, afterwards.names].some((names) => JSON.stringify(names) === JSON.stringify(shown)), `${name}: the screen lists the database's open stores in its order`);
      assert.deepEqual(before.distances, [...before.distances].sort((a, b) => a - b), `${name}: nearest first`);
      assert.equal(await list.getByText(t.shop.stores.closed, { exact: true }).count(), 0, `${name}: only open stores unless asked`);

      const map = page.getByRole("img", { name: t.shop.stores.mapTitle });
      const markers = await map.locator("[data-marker]").evaluateAll((g) => g.map((e) => e.getAttribute("data-marker")));
      assert.deepEqual(markers, ["you", ...shown.map(() => "store")], `${name}: the map shows the customer and every listed store`);
      await screen(page, `city-home-${id}`);

      // The nearest store's page, by a tap.
      await list.getByRole("link").first().click();
      await page.getByRole("heading", { level: 1, name: shown[0] }).waitFor();
      assert.ok((await page.getByRole("listitem").count()) > 0, `${name}: the store page lists products`);
      await page.getByRole("link", { name: t.shop.store.back }).click();
      await waitForPath(page, "/customer");

      // Every neighbourhood's all-night chemist sells soap.
      await page.getByLabel(t.shop.search.label).fill("soap");
      await page.getByRole("button", { name: t.shop.search.submit }).click();
      await waitForPath(page, "/customer/search");
      const hits = await page.getByRole("heading", { name: t.shop.search.results("soap") }).locator("xpath=following-sibling::ul[1]").getByRole("link").allTextContents();
      assert.match(hits[0] ?? "", /soap/i, `${name}: the search finds soap first: ${hits.join(", ")}`);

      await page.getByRole("navigation", { name: t.shop.nav.label }).getByRole("link", { name: t.shop.nav.stores }).click();
      await waitForPath(page, "/customer");
      await page.getByRole("link", { name: t.shop.location.change }).click();
    }
  });
});
