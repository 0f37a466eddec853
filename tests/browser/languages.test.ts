// The app in Hindi and in Marathi, end to end: a customer whose browser asks for the language signs
// up and orders in it; a merchant whose browser asks for English switches in the header; a rider
// gets the language kept in their profile at sign-in. Each role's screens pass axe in the
// language, and what a screen reader announces live (the order's new status, a new order) is in it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { en } from "../../app/src/lib/i18n/en.js";
import { hi } from "../../app/src/lib/i18n/hi.js";
import { mr } from "../../app/src/lib/i18n/mr.js";
import type { Messages } from "../../app/src/lib/i18n/index.js";
import { db, PASSWORD } from "../support/env.js";
import { openShop, person } from "../support/orders.js";
import { addToCart, appUrl, fillSignIn, phone, screen, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

// Corners of the map of their own, away from the other suites' stores.
const corners = { hi: { lat: 18.44, lng: 73.99 }, mr: { lat: 18.69, lng: 73.69 } };

const htmlLang = (page: Page) => page.locator("html").getAttribute("lang");
const profileLanguage = async (id: string) => (await sql<{ language: string }[]>`select language from public.profiles where id = ${id}`)[0]!.language;

for (const [lang, m, browserLocale] of [["hi", hi, "hi-IN"], ["mr", mr, "mr-IN"]] as const) {
  describe(`the app in ${lang}`, () => {
    test(`a customer signs up and orders in ${lang}, the store switches to it, the rider gets it from the profile`, async () => {
      const tag = randomUUID().slice(0, 6);
      const at = corners[lang];
      const home = { lat: at.lat + 0.004, lng: at.lng + 0.002 };
      const shop = await openShop(sql, `ui-${lang}-${tag}`, [
        { sku: "ATTA", price_paise: 25000, stock: 10 },
        { sku: "DAL", price_paise: 14000, stock: 10 },
      ], { at });
      const storeName = `ui-${lang}-${tag} Kirana`;
      const rider = await person("rider", `ui-${lang}-rider-${tag}`);

      // The customer's browser asks for the language: the welcome page is in it from the first byte.
      const buying = await phone({ locale: browserLocale });
      const c = await buying.newPage();
      const first = await c.request.get(`${appUrl}/`, { headers: { "accept-language": `${browserLocale},${lang};q=0.9,en;q=0.5` } });
      assert.match(await first.text(), new RegExp(`<html lang="${lang}">[\\s\\S]*${m.landing.intro}`), "the first byte is in the language");
      await c.goto(`${appUrl}/`);
      assert.equal(await htmlLang(c), lang);
      await screen(c, `${lang}-welcome`);

      // Sign-up in the language; the account keeps it.
      await c.getByRole("link", { name: m.landing.signUp }).click();
      await c.getByRole("radio", { name: m.roles.customer.label }).check();
      await c.getByLabel(m.fields.fullName).fill(`${lang} ग्राहक`);
      const email = `ui-${lang}-buyer-${tag}@example.com`;
      await c.getByLabel(m.fields.email).fill(email);
      await c.getByLabel(m.fields.password).fill(PASSWORD);
      await screen(c, `${lang}-sign-up`);
      await c.getByRole("button", { name: m.signUp.submit }).click();
      await waitForPath(c, "/customer");
      const [account] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
      assert.equal(await profileLanguage(account!.id), lang, "the new account keeps the language it signed up in");

      // The merchant's browser asks for English; the header's switch changes it, for good.
      const selling = await phone({ locale: "en-IN" });
      const s = await selling.newPage();
      await s.goto(`${appUrl}/sign-in`);
      await fillSignIn(s, shop.merchant.email, PASSWORD);
      await waitForPath(s, "/merchant");
      assert.equal(await htmlLang(s), "en");
      await s.locator("header details summary").click();
      await s.getByRole("button", { name: lang === "hi" ? "हिंदी" : "मराठी" }).click();
      await s.waitForFunction((l) => document.documentElement.lang === l, lang);
      await s.getByRole("navigation", { name: m.merchant.nav.label }).waitFor();
      assert.equal(new URL(s.url()).pathname, "/merchant", "the switch comes back to the page it was used on");
      assert.equal(await profileLanguage(shop.merchant.userId), lang, "the choice is kept in the merchant's profile");
      await screen(s, `${lang}-merchant-home`);
      await s.goto(`${appUrl}/merchant/orders`);
      await s.getByText(m.merchant.orders.live).waitFor();

      // The rider chose the language on another phone: signing in here brings it back.
      await sql`update public.profiles set language = ${lang} where id = ${rider.userId}`;
      const riding = await phone({ locale: "en-IN" });
      await riding.grantPermissions(["geolocation"], { origin: appUrl });
      await riding.setGeolocation({ latitude: at.lat, longitude: at.lng });
      const r = await riding.newPage();
      await r.goto(`${appUrl}/sign-in`);
      await fillSignIn(r, rider.email, PASSWORD);
      await waitForPath(r, "/rider");
      assert.equal(await htmlLang(r), lang, "sign-in restores the profile's language");
      await r.getByRole("switch", { name: m.rider.shift.onShift }).click();
      await r.getByText(m.rider.jobs.live).waitFor();
      await screen(r, `${lang}-rider-home`);

      // The customer finds the store near the place they deliver to.
      await c.goto(`${appUrl}/customer/location`);
      await c.getByLabel(m.shop.location.latitude).fill(String(home.lat));
      await c.getByLabel(m.shop.location.longitude).fill(String(home.lng));
      await c.getByRole("button", { name: m.shop.location.save }).click();
      await waitForPath(c, "/customer");
      await c.getByRole("heading", { name: m.shop.stores.title }).waitFor();
      await screen(c, `${lang}-customer-stores`);
      await c.getByRole("link", { name: storeName }).click();
      await waitForPath(c, `/customer/stores/${shop.storeId}`);
      await addToCart(c, "Product ATTA", 1, m);
      await addToCart(c, "Product DAL", 2, m);
      await screen(c, `${lang}-customer-store`);
      await c.goto(`${appUrl}/customer/cart`);
      await c.getByRole("heading", { name: m.shop.cart.title }).waitFor();
      await screen(c, `${lang}-customer-cart`);

      // Checkout: amounts in Indian format through Intl, and the order placed.
      await c.goto(`${appUrl}/customer/checkout`);
      const total = c.getByTestId("quote-total");
      await total.waitFor();
      assert.match((await total.textContent()) ?? "", /₹\d[\d,]*\.\d\d/);
      await c.getByLabel(m.shop.checkout.address).fill("7, पौड रोड, पुणे");
      await screen(c, `${lang}-customer-checkout`);
      await c.getByRole("button", { name: m.shop.checkout.place }).click();
      await c.waitForURL((u) => u.pathname.startsWith("/customer/orders/"));
      const orderId = new URL(c.url()).pathname.split("/").pop()!;
      const status = c.getByTestId("order-status");
      await status.filter({ hasText: m.shop.orders.statuses.pending }).waitFor();

      // The store hears of the new order live, in its language, and accepts it.
      const ref = orderId.slice(0, 8).toUpperCase();
      const card = s.getByRole("article", { name: new RegExp(`^${m.merchant.orders.order(ref, "").trim()}`) });
      await card.waitFor();
      const newOrder = m.merchant.orders.arrived("@", 2).split("@")[0]!;
      await s.locator("[aria-live]").filter({ hasText: newOrder }).first().waitFor({ state: "attached" });
      await screen(s, `${lang}-merchant-orders`);
      await card.getByRole("button", { name: m.merchant.orders.accept }).click();

      // The customer sees the new status, and a screen reader is told it, in the language.
      await status.filter({ hasText: m.shop.orders.statuses.accepted }).waitFor();
      await c.locator("[aria-live]").filter({ hasText: m.shop.orders.live.changed(m.shop.orders.statuses.accepted) }).waitFor({ state: "attached" });
      await card.getByRole("button", { name: m.merchant.orders.preparing }).click();
      await status.filter({ hasText: m.shop.orders.statuses.preparing }).waitFor();
      await card.getByRole("button", { name: m.merchant.orders.ready }).click();
      await status.filter({ hasText: m.shop.orders.statuses.ready }).waitFor();

      // They chat about it.
      const customerChat = c.getByRole("region", { name: m.chat.title("store") });
      await customerChat.getByLabel(m.chat.label).fill("घंटी दो बार बजाइए।");
      await customerChat.getByRole("button", { name: m.chat.send }).click();
      await customerChat.getByRole("log").locator("li.mine:not(.waiting)", { hasText: "घंटी दो बार बजाइए।" }).waitFor();
      await s.goto(`${appUrl}/merchant/orders/${orderId}`);
      const storeChat = s.getByRole("region", { name: m.chat.title("customer") });
      await storeChat.getByRole("log").getByText("घंटी दो बार बजाइए।").waitFor();
      await storeChat.getByLabel(m.chat.label).fill("ठीक है।");
      await storeChat.getByRole("button", { name: m.chat.send }).click();
      await customerChat.getByRole("log").getByText("ठीक है।").waitFor();
      await screen(s, `${lang}-merchant-order`);

      // The rider claims the job and picks it up; the customer follows it.
      await r.getByRole("button", { name: m.rider.jobs.claimNamed(storeName) }).click();
      await waitForPath(r, `/rider/jobs/${orderId}`);
      await r.getByRole("button", { name: m.rider.job.pickup }).click();
      await r.getByTestId("sharing").filter({ hasText: m.rider.job.sharing }).waitFor();
      await screen(r, `${lang}-rider-job`);
      await status.filter({ hasText: m.shop.orders.statuses.picked_up }).waitFor();
      await c.locator("[aria-live]").filter({ hasText: m.shop.orders.live.changed(m.shop.orders.statuses.picked_up) }).waitFor({ state: "attached" });
      await screen(c, `${lang}-customer-order`);

      // Nothing English on the customer's order page but data (product and store names, codes).
      const text = (await c.locator("main").innerText()).replace(/Product (ATTA|DAL)|ui-\w+-\w+ Kirana|OpenStreetMap|QR/g, "");
      assert.doesNotMatch(text, /\b(the|your|order|and|of)\b/i, "no English words on the page");

      await Promise.all([buying.close(), selling.close(), riding.close()]);
    });
  });
}

test("every language's welcome and sign-in pages pass axe, and load only their own language's messages", async () => {
  for (const [lang, m] of [["en", en], ["hi", hi], ["mr", mr]] as [string, Messages][]) {
    const context = await phone({ locale: `${lang}-IN` });
    const page = await context.newPage();
    for (const path of ["/", "/sign-in"]) {
      await page.goto(`${appUrl}${path}`, { waitUntil: "networkidle" });
      assert.equal(await htmlLang(page), lang);
      await screen(page, `${lang}-${path === "/" ? "landing" : "sign-in"}`);
    }
    // The scripts the page loaded hold its own language's messages and no other's.
    const scripts = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.endsWith(".js")));
    const sources = (await Promise.all(scripts.map(async (u) => (await fetch(u)).text()))).join("\n");
    for (const [other, o] of [["en", en], ["hi", hi], ["mr", mr]] as [string, Messages][]) {
      assert.equal(sources.includes(o.landing.intro), other === lang, `${lang} page: ${other} messages ${other === lang ? "loaded" : "not loaded"}`);
    }
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), m.signIn.title);
    await context.close();
  }
});
