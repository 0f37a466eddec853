import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { db, PASSWORD, uniqueEmail } from "../support/env.js";
import { NEAR, openShop, type ProductSpec } from "../support/orders.js";
import { verifyHandoverToken } from "../../app/src/lib/deliveries/handover-token.js";
import { addToCart, appUrl, fillSignUp, phone, readQr, screen, snapshot, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

type Point = { lat: number; lng: number };
/** The point `north` and `east` metres from `from`. */
const away = (from: Point, north: number, east: number): Point => ({
  lat: from.lat + north / 110_540,
  lng: from.lng + east / (111_320 * Math.cos((from.lat * Math.PI) / 180)),
});

/** An open shop standing at `at`, its products named as given (name by SKU). */
async function shopAt(label: string, at: Point, products: (ProductSpec & { name: string })[], options: { minimum_order_paise?: number } = {}) {
  // A shop of that name left by an earlier run against the same database steps aside.
  await sql`update public.stores set status = 'suspended' where name = ${label}`;
  const shop = await openShop(sql, label.toLowerCase().replace(/[^a-z0-9]+/g, "-"), products, options);
  await sql`update public.stores set location = ${`SRID=4326;POINT(${at.lng} ${at.lat})`}, name = ${label} where id = ${shop.storeId}`;
  for (const p of products) await sql`update public.products set name = ${p.name} where id = ${shop.product[p.sku]!}`;
  return shop;
}

/** A new customer, signed in on a phone, on their home screen. */
async function customer(label: string, context?: BrowserContext): Promise<{ page: Page; context: BrowserContext; userId: string }> {
  context ??= await phone();
  const page = await context.newPage();
  const email = uniqueEmail(label);
  await fillSignUp(page, { role: "customer", name: "Priya Customer", email, password: PASSWORD });
  await waitForPath(page, "/customer");
  const [row] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
  return { page, context, userId: row!.id };
}

const orderIdsOf = async (userId: string) => (await sql<{ id: string }[]>`select id from public.orders where customer_id = ${userId}`).map((r) => r.id);

describe("the customer shops in the browser", () => {
  test("picks a location by hand, finds stores, fills a cart, searches with a typo and places one order", async () => {
    // A corner of the map of its own, away from the other suites' shops.
    const home = { lat: 18.6, lng: 73.7 };
    const near = await shopAt(
      "Gokhale Stores",
      away(home, 300, 0),
      [
        { sku: "TOM", name: "Tomato (Tamatar)", price_paise: 4000, stock: 20, category: "Vegetables" },
        { sku: "ONI", name: "Onion (Kanda)", price_paise: 3500, stock: 20, category: "Vegetables" },
        { sku: "RICE", name: "Basmati Rice", price_paise: 12000, stock: 5, category: "Staples" },
      ],
      { minimum_order_paise: 50000 },
    );
    await shopAt("Joshi Provisions", away(home, 0, 900), [{ sku: "SUG", name: "Sugar", price_paise: 4500, stock: 9 }]);
    const closed = await shopAt("Kale Dairy", away(home, -600, 0), [{ sku: "MLK", name: "Milk", price_paise: 3000, stock: 9 }]);
    await sql`update public.stores set temporarily_closed = true where id = ${closed.storeId}`;

    const { page, context, userId } = await customer("ui-shopper");
    await page.getByText(t.shop.location.none).waitFor();
    await page.getByRole("link", { name: t.shop.location.choose }).click();
    await waitForPath(page, "/customer/location");

    // A bad coordinate is refused on its field.
    await page.getByLabel(t.shop.location.latitude).fill("95");
    await page.getByLabel(t.shop.location.longitude).fill("east");
    await page.getByRole("button", { name: t.shop.location.save }).click();
    await page.locator("#lat-error").getByText(t.shop.location.latRange).waitFor();
    await page.locator("#lng-error").getByText(t.shop.location.numberRequired).waitFor();
    await screen(page, "customer-location");
    await page.getByLabel(t.shop.location.latitude).fill(String(home.lat));
    await page.getByLabel(t.shop.location.longitude).fill(String(home.lng));
    await page.getByRole("button", { name: t.shop.location.save }).click();
    await waitForPath(page, "/customer");

    // The open stores, nearest first, with distance and ETA; the closed one only on request.
    const stores = page.getByRole("list", { name: t.shop.stores.title }).getByRole("listitem");
    await stores.first().waitFor();
    assert.deepEqual(await stores.getByRole("link").allTextContents(), ["Gokhale Stores", "Joshi Provisions"]);
    const first = (await stores.first().textContent()) ?? "";
    assert.match(first, /\b(29\d|30\d) m away, delivery about \d+ min/);
    assert.match(first, new RegExp(t.shop.stores.open));
    assert.match((await stores.nth(1).textContent()) ?? "", /\b(89\d|90\d) m away/);
    // The map: the customer and both stores, over street tiles from the configured tile server.
    const map = page.getByRole("img", { name: t.shop.stores.mapTitle });
    await map.waitFor();
    assert.deepEqual(await map.locator("[data-marker]").evaluateAll((g) => g.map((e) => e.getAttribute("data-marker"))), ["you", "store", "store"]);
    const tileServer = process.env.MAP_TILES!.replace("{z}/{x}/{y}.png", "");
    const tiles = map.locator("image");
    assert.ok((await tiles.count()) > 0, "the map draws tiles");
    for (const href of await tiles.evaluateAll((els) => els.map((e) => e.getAttribute("href") ?? ""))) {
      assert.ok(href.startsWith(tileServer) && /^\d+\/\d+\/\d+\.png$/.test(href.slice(tileServer.length)), href);
    }
    await screen(page, "customer-stores");
    // Tiles that cannot load leave a plain background; the markers stay.
    await page.route(`${tileServer}**`, (route) => route.abort());
    await page.reload();
    await map.waitFor();
    await tiles.first().waitFor({ state: "detached" });
    assert.equal(await map.locator("[data-marker]").count(), 3);
    await page.unroute(`${tileServer}**`);
    await page.getByLabel(t.shop.stores.showClosed).check();
    await page.waitForURL((u) => u.searchParams.get("closed") === "1");
    await stores.getByRole("link", { name: "Kale Dairy" }).waitFor();
    assert.equal(await stores.count(), 3);
    assert.match((await stores.filter({ hasText: "Kale Dairy" }).textContent()) ?? "", new RegExp(t.shop.stores.closed));

    // The store's products by category; into the cart.
    await stores.getByRole("link", { name: "Gokhale Stores" }).click();
    await waitForPath(page, `/customer/stores/${near.storeId}`);
    await page.getByRole("heading", { level: 2, name: "Vegetables" }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Staples" }).waitFor();
    await addToCart(page, "Tomato (Tamatar)", 2);
    await addToCart(page, "Onion (Kanda)", 1);
    await page.getByRole("link", { name: t.shop.nav.cartCount(3) }).waitFor();
    await screen(page, "customer-store");

    // Search from the home screen, with a typo.
    await page.getByRole("link", { name: t.shop.nav.stores, exact: true }).click();
    await waitForPath(page, "/customer");
    await page.getByLabel(t.shop.search.label).fill("tomatos");
    await page.getByRole("button", { name: t.shop.search.submit }).click();
    await waitForPath(page, "/customer/search");
    const hit = page.getByRole("link", { name: "Tomato (Tamatar)" });
    await hit.waitFor();
    await screen(page, "customer-search");
    await hit.click();
    await waitForPath(page, `/customer/stores/${near.storeId}`);

    // Another store's product asks before emptying the cart; keeping it changes nothing.
    await page.getByRole("link", { name: t.shop.nav.stores, exact: true }).click();
    await page.getByRole("link", { name: "Joshi Provisions" }).click();
    await page.getByRole("button", { name: t.shop.store.addNamed("Sugar") }).click();
    const ask = page.getByRole("alertdialog", { name: t.shop.store.otherStoreTitle });
    await ask.getByText(t.shop.store.otherStore("Gokhale Stores")).waitFor();
    await screen(page, "customer-switch-store");
    await ask.getByRole("link", { name: t.shop.store.keepCart }).click();
    await ask.waitFor({ state: "detached" });

    // The cart: quantities and what to do if a product is out.
    await page.getByRole("link", { name: t.shop.nav.cartCount(3) }).click();
    await waitForPath(page, "/customer/cart");
    await page.getByRole("button", { name: t.shop.cart.more("Onion (Kanda)") }).click();
    await page.getByRole("link", { name: t.shop.nav.cartCount(4) }).waitFor();
    await page.getByRole("combobox", { name: t.shop.cart.ifUnavailable }).first().selectOption("substitute");
    await screen(page, "customer-cart");
    await page.getByRole("link", { name: t.shop.cart.checkout }).click();
    await waitForPath(page, "/customer/checkout");

    // The quote: lines, fees and the total, before anything is placed.
    await page.getByTestId("quote-total").waitFor();
    const breakdown = page.getByRole("table");
    await breakdown.getByRole("row", { name: /Tomato \(Tamatar\) 2 ₹80\.00/ }).waitFor();
    await breakdown.getByRole("row", { name: /Onion \(Kanda\) 2 ₹70\.00/ }).waitFor();
    await breakdown.getByRole("row", { name: `${t.shop.checkout.subtotal} ₹150.00` }).waitFor();
    await breakdown.getByRole("row", { name: new RegExp(t.shop.checkout.deliveryFee) }).waitFor();
    await breakdown.getByRole("row", { name: new RegExp(t.shop.checkout.smallOrderFee) }).waitFor();
    await page.getByLabel(t.shop.checkout.address).fill("12 Baner Road, Pune");
    await screen(page, "customer-checkout");
    const total = await page.getByTestId("quote-total").textContent();

    // A double click places one order.
    await page.getByRole("button", { name: t.shop.checkout.place }).dblclick();
    await page.waitForURL((u) => u.pathname.startsWith("/customer/orders/"));
    const orderId = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByTestId("handover-code").filter({ hasText: /^\d{4}$/ }).waitFor();
    // Beside the code, a QR code holding the platform-signed token a rider's phone verifies.
    const scanned = await readQr(page.getByRole("img", { name: t.shop.orders.handoverQr }));
    const [issued] = await sql<{ token: string; key: string }[]>`
      select h.token, private.base64url(k.public_key) as key from private.handover_codes h, private.handover_signing_key k where h.order_id = ${orderId}`;
    assert.equal(scanned, issued!.token);
    assert.equal(await verifyHandoverToken({ order_id: orderId, public_key: issued!.key }, scanned), true);
    await page.getByRole("list").filter({ hasText: t.shop.orders.statuses.pending }).first().waitFor();
    assert.deepEqual(await orderIdsOf(userId), [orderId]);
    const [order] = await sql<{ total_paise: number; if_unavailable: string[] }[]>`
      select o.total_paise, array_agg(i.if_unavailable::text order by i.product_name) as if_unavailable
      from public.orders o join public.order_items i on i.order_id = o.id where o.id = ${orderId} group by o.id`;
    assert.equal(t.money(order!.total_paise), total);
    assert.deepEqual(order!.if_unavailable, ["remove", "substitute"]);
    await screen(page, "customer-order");
    // The cart is empty after the order.
    await page.getByRole("link", { name: t.shop.nav.cart, exact: true }).waitFor();

    await page.getByRole("link", { name: t.shop.nav.orders, exact: true }).click();
    await waitForPath(page, "/customer/orders");
    await page.getByRole("link", { name: /Order from Gokhale Stores/ }).waitFor();
    await screen(page, "customer-orders");
    await context.close();
  });

  test("stock that runs out between the quote and the order shows what changed and lets the cart be fixed", async () => {
    // Next to one of the quick choices, so the customer picks it with one tap.
    const shop = await shopAt("Viman Fresh", { lat: 18.5679, lng: 73.9153 }, [{ sku: "MNG", name: "Alphonso Mango", price_paise: 9000, stock: 5 }]);
    const { page, context, userId } = await customer("ui-conflict");
    await page.goto(`${appUrl}/customer/location`);
    await page.getByRole("button", { name: t.shop.localities.vimanNagar }).click();
    await waitForPath(page, "/customer");
    await page.getByText(t.shop.location.current(t.shop.localities.vimanNagar)).waitFor();
    await page.getByRole("link", { name: "Viman Fresh" }).click();
    await waitForPath(page, `/customer/stores/${shop.storeId}`);
    await addToCart(page, "Alphonso Mango", 3);

    await page.goto(`${appUrl}/customer/checkout`);
    await page.getByLabel(t.shop.checkout.address).fill("4 Nagar Road, Pune");
    await page.getByTestId("quote-total").waitFor();
    await sql`update public.products set stock = 1 where id = ${shop.product.MNG!}`;
    await page.getByRole("button", { name: t.shop.checkout.place }).click();

    const conflict = page.getByRole("alert").filter({ hasText: t.shop.checkout.conflictTitle });
    await conflict.getByText(t.shop.checkout.shortItem("Alphonso Mango", 3, 1)).waitFor();
    await screen(page, "customer-conflict");
    assert.deepEqual(await orderIdsOf(userId), []);

    await conflict.getByRole("button", { name: t.shop.checkout.fixCart }).click();
    await page.getByRole("table").getByRole("row", { name: /Alphonso Mango 1 ₹90\.00/ }).waitFor();
    await page.getByRole("button", { name: t.shop.checkout.place }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/customer/orders/"));
    await page.getByTestId("handover-code").waitFor();
    const ids = await orderIdsOf(userId);
    assert.equal(ids.length, 1);
    const items = await sql`select quantity from public.order_items where order_id = ${ids[0]!}`;
    assert.deepEqual(items.map((i) => i.quantity), [1]);
    await context.close();
  });

  test("the phone's position is used when allowed, and a refusal leaves the choice by hand", async () => {
    const here = { lat: 18.45, lng: 73.95 };
    await shopAt("Hadapsar Kirana", away(here, 200, 200), [{ sku: "SLT", name: "Salt", price_paise: 2000, stock: 9 }]);

    const allowed = await phone();
    await allowed.grantPermissions(["geolocation"], { origin: appUrl });
    await allowed.setGeolocation({ latitude: here.lat, longitude: here.lng });
    const { page } = await customer("ui-located", allowed);
    await page.goto(`${appUrl}/customer/location`);
    await page.getByRole("button", { name: t.shop.location.useMine }).click();
    await waitForPath(page, "/customer");
    await page.getByText(t.shop.location.current(t.shop.location.myPosition)).waitFor();
    await page.getByRole("list", { name: t.shop.stores.title }).getByRole("link", { name: "Hadapsar Kirana" }).waitFor();
    await allowed.close();

    const refused = await phone();
    await refused.clearPermissions();
    const other = await customer("ui-unlocated", refused);
    await other.page.goto(`${appUrl}/customer/location`);
    await other.page.getByRole("button", { name: t.shop.location.useMine }).click();
    await other.page.getByText(t.shop.location.denied).waitFor();
    await other.page.waitForFunction(() => document.activeElement?.id === "lat");
    await refused.close();
  });
});

describe("the cart and checkout without JavaScript", () => {
  test("the stepper fills the cart, its forms change it, and checkout places one order however often it is sent", async () => {
    const shop = await openShop(sql, "no-script", [
      { sku: "MNG", price_paise: 9000, stock: 5 },
      { sku: "TEA", price_paise: 12000, stock: 5 },
    ]);
    const { page, context, userId } = await customer("no-script", await phone({ javaScriptEnabled: false }));
    await page.goto(`${appUrl}/customer/location`);
    await page.getByLabel(t.shop.location.latitude).fill(String(NEAR.lat));
    await page.getByLabel(t.shop.location.longitude).fill(String(NEAR.lng));
    await page.getByRole("button", { name: t.shop.location.save }).click();
    await waitForPath(page, "/customer");

    // The store page's stepper, as plain forms.
    await page.goto(`${appUrl}/customer/stores/${shop.storeId}`);
    await page.getByRole("button", { name: t.shop.store.addNamed("Product MNG") }).click();
    await page.getByRole("button", { name: t.shop.cart.more("Product MNG"), exact: true }).click();
    await page.getByLabel(t.shop.cart.quantityOf("Product MNG", 2), { exact: true }).waitFor();
    await page.getByRole("button", { name: t.shop.store.addNamed("Product TEA") }).click();
    await page.getByLabel(t.shop.cart.quantityOf("Product TEA", 1), { exact: true }).waitFor();
    await page.getByRole("complementary", { name: t.shop.cartBar.label }).getByRole("link", { name: t.shop.store.viewCart }).click();

    // The cart as the server renders it from the cookie, changed by its forms.
    await waitForPath(page, "/customer/cart");
    await page.getByLabel(t.shop.cart.quantityOf("Product MNG", 2), { exact: true }).waitFor();
    await page.getByText(t.shop.cart.estimate(t.money(30000))).waitFor();
    await page.getByRole("button", { name: t.shop.cart.more("Product MNG"), exact: true }).click();
    await page.getByLabel(t.shop.cart.quantityOf("Product MNG", 3), { exact: true }).waitFor();
    await page.getByRole("button", { name: t.shop.cart.remove("Product TEA") }).click();
    await page.getByText(t.shop.cart.estimate(t.money(27000))).waitFor();
    assert.equal(await page.getByText("Product TEA").count(), 0);
    await page.getByLabel(t.shop.cart.ifUnavailable).selectOption("substitute");
    await page.getByRole("button", { name: t.shop.cart.saveChoice }).click();
    assert.equal(await page.getByLabel(t.shop.cart.ifUnavailable).inputValue(), "substitute");
    await snapshot(page, "cart-no-script");

    // Checkout priced by the server; an address too short is refused and nothing is placed.
    await page.getByRole("link", { name: t.shop.cart.checkout }).click();
    await waitForPath(page, "/customer/checkout");
    assert.equal(await page.getByTestId("quote-total").textContent(), t.money(29000));
    await page.getByLabel(t.shop.checkout.address).fill("7");
    await page.getByRole("button", { name: t.shop.checkout.place }).click();
    await page.getByText(t.shop.checkout.addressInvalid).waitFor();
    assert.deepEqual(await orderIdsOf(userId), []);
    // Another delivery point, 2.5 km from the shop, priced again by the server: ₹8 more delivery.
    await page.getByLabel(t.shop.location.latitude).fill("18.5435");
    await page.getByLabel(t.shop.location.longitude).fill("73.857");
    await page.getByRole("button", { name: t.shop.checkout.refresh }).click();
    await page.getByTestId("quote-total").getByText(t.money(29800)).waitFor();
    await page.getByLabel(t.shop.checkout.address).fill("7 Laxmi Road, Pune");
    await snapshot(page, "checkout-no-script");

    // The form sent twice at once (a double tap), as the browser sends it: one order.
    const form = Object.fromEntries(
      await Promise.all(["address", "lat", "lng", "key", "expected_total_paise"].map(async (name) => [name, await page.locator(`form [name="${name}"]`).inputValue()] as const)),
    );
    const sends = await Promise.all(
      [0, 1].map(() => context.request.post(`${appUrl}/customer/checkout?/place`, { form, headers: { origin: appUrl, accept: "text/html" }, maxRedirects: 0 })),
    );
    const [orderId, ...others] = await orderIdsOf(userId);
    assert.deepEqual(others, []);
    assert.deepEqual(sends.map((r) => [r.status(), r.headers()["location"]]), [[303, `/customer/orders/${orderId}`], [303, `/customer/orders/${orderId}`]]);
    const [order] = await sql<{ total_paise: number; delivery_address: string }[]>`select total_paise, delivery_address from public.orders where id = ${orderId!}`;
    assert.deepEqual({ ...order }, { total_paise: 29800, delivery_address: "7 Laxmi Road, Pune" });

    // The page's own button sends the same key once more, the cart already emptied: the same order.
    await page.getByRole("button", { name: t.shop.checkout.place }).click();
    await waitForPath(page, `/customer/orders/${orderId}`);
    await page.getByText("Product MNG").first().waitFor();
    assert.deepEqual(await orderIdsOf(userId), [orderId]);
    assert.equal((await context.cookies()).find((c) => c.name === "kirana_cart"), undefined);
    await context.close();
  });
});
