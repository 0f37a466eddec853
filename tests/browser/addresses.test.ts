import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db, PASSWORD, uniqueEmail } from "../support/env.js";
import { openShop } from "../support/orders.js";
import { addToCart, appUrl, fillSignUp, phone, screen, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

/** The gazetteer's Rajiv Gandhi Zoological Park, and a shop a few hundred metres north of it. */
const ZOO = { lat: 18.4523, lng: 73.8636 };
const SHOP_POINT = { lat: 18.4551, lng: 73.8636 };

async function newCustomer(page: Page, label: string): Promise<string> {
  const email = uniqueEmail(label);
  await fillSignUp(page, { role: "customer", name: "Asha Customer", email, password: PASSWORD });
  await waitForPath(page, "/customer");
  const [row] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
  return row!.id;
}

/** The pin's point as the page states it under the map. */
async function pinOf(page: Page): Promise<{ lat: number; lng: number }> {
  const text = await page.getByTestId("pin-at").innerText();
  const [lat, lng] = text.replace(/^[^\d-]*/, "").split(",").map(Number);
  return { lat: lat!, lng: lng! };
}

async function shop(name: string) {
  // A shop of that name left by an earlier run against the same database steps aside.
  await sql`update public.stores set status = 'suspended' where name = ${name}`;
  const opened = await openShop(sql, name.toLowerCase().replace(/[^a-z0-9]+/g, "-"), [{ sku: "JGR", price_paise: 6000, stock: 10 }], { at: SHOP_POINT });
  await sql`update public.stores set name = ${name} where id = ${opened.storeId}`;
  return opened;
}

describe("saved addresses", () => {
  test("an address pinned on the map by search, tap and drag becomes the location and is delivered to", async () => {
    const store = await shop("Katraj Pin Kirana");
    const context = await phone();
    const page = await context.newPage();
    const userId = await newCustomer(page, "ui-address");

    await page.goto(`${appUrl}/customer/addresses/new`);
    // Found by part of its name, then moved by a tap and a drag, as on a phone.
    await page.getByLabel(t.addresses.search).fill("zoo");
    await page.getByRole("button", { name: t.addresses.searchButton }).click();
    await page.getByRole("link", { name: "Rajiv Gandhi Zoological Park" }).click();
    await page.getByTestId("pin-at").getByText(t.addresses.pinAt(ZOO.lat, ZOO.lng)).waitFor();

    const map = page.getByRole("img", { name: t.addresses.pinTitle });
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width / 2, y: box.height / 2 - 40 } });
    await page.waitForFunction((lat) => !document.querySelector("[data-testid=pin-at]")?.textContent?.includes(lat), ZOO.lat.toFixed(5));
    const tapped = await pinOf(page);
    assert.ok(tapped.lat > ZOO.lat, `a tap above the pin moves it north (${tapped.lat})`);

    const middle = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(middle.x, middle.y);
    await page.mouse.down();
    await page.mouse.move(middle.x + 30, middle.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((lng) => !document.querySelector("[data-testid=pin-at]")?.textContent?.endsWith(lng), tapped.lng.toFixed(5));
    const dragged = await pinOf(page);
    assert.ok(dragged.lng > tapped.lng, `a drag to the right moves the pin east (${dragged.lng})`);

    // Bad input is refused with a reason per field and saves nothing.
    await page.getByLabel(t.addresses.phone).fill("12");
    await page.getByRole("button", { name: t.addresses.save }).click();
    await page.getByText(t.addresses.phoneInvalid).waitFor();
    await page.getByText(t.addresses.houseInvalid).waitFor();
    assert.equal((await sql`select 1 from public.addresses where customer_id = ${userId}`).length, 0);

    await page.getByLabel(t.addresses.house).fill("Flat 3, Sai Residency");
    await page.getByLabel(t.addresses.street).fill("Satara Road, Katraj");
    await page.getByLabel(t.addresses.landmark).fill("Zoo gate");
    await page.getByLabel(t.addresses.phone).fill("98765 43210");
    await screen(page, "address-new");
    await page.getByRole("button", { name: t.addresses.save }).click();
    await waitForPath(page, "/customer/addresses");
    await page.getByText("Flat 3, Sai Residency, Satara Road, Katraj, near Zoo gate").waitFor();

    // The first address is the default, and the default is where stores are looked for.
    await page.goto(`${appUrl}/customer`);
    await page.getByText(t.shop.location.current(t.addresses.labels.home)).waitFor();
    await page.getByRole("list", { name: t.shop.stores.title }).getByRole("link", { name: "Katraj Pin Kirana" }).click();
    await waitForPath(page, `/customer/stores/${store.storeId}`);
    await addToCart(page, "Product JGR", 2);
    await page.goto(`${appUrl}/customer/checkout`);
    await page.getByRole("radio", { name: /Flat 3, Sai Residency/ }).isChecked().then((c) => assert.ok(c, "the default address is chosen"));
    await page.getByTestId("quote-total").waitFor();
    await screen(page, "checkout-address");
    await page.getByRole("button", { name: t.shop.checkout.place }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/customer/orders/"));

    // The order keeps a copy of the address: its text, the pin and the phone.
    const [order] = await sql<{ delivery_address: string; delivery_phone: string; lat: number; lng: number }[]>`
      select delivery_address, delivery_phone, extensions.st_y(delivery_location::extensions.geometry) as lat, extensions.st_x(delivery_location::extensions.geometry) as lng
      from public.orders where customer_id = ${userId}`;
    assert.equal(order!.delivery_address, "Flat 3, Sai Residency, Satara Road, Katraj, near Zoo gate");
    assert.equal(order!.delivery_phone, "9876543210");
    assert.ok(Math.abs(order!.lat - dragged.lat) < 1e-5 && Math.abs(order!.lng - dragged.lng) < 1e-5, "the order is delivered to the pin");
    await context.close();
  });

  test("an order to an address outside the store's radius is not offered; picking another address fixes it", async () => {
    const store = await shop("Katraj Radius Kirana");
    const context = await phone();
    const page = await context.newPage();
    const userId = await newCustomer(page, "ui-far-address");
    // Two saved addresses: Work, the default, across the city; Home near the shop.
    await sql`insert into public.addresses (customer_id, label, house, street, location, phone, is_default) values
      (${userId}, 'home', 'House 8', 'Katraj Dairy Road', ${`SRID=4326;POINT(${ZOO.lng} ${ZOO.lat})`}, '9876500001', false),
      (${userId}, 'work', 'Office 21', 'Bhosari MIDC', 'SRID=4326;POINT(73.847 18.6288)', '9876500002', true)`;

    await page.goto(`${appUrl}/customer/stores/${store.storeId}`);
    await addToCart(page, "Product JGR", 1);
    await page.goto(`${appUrl}/customer/checkout`);
    assert.ok(await page.getByRole("radio", { name: /Office 21/ }).isChecked(), "the default address is chosen first");
    // The reason and what to do, no fee or total, and no button to place it.
    const problems = page.getByRole("region", { name: t.shop.checkout.problems });
    await problems.getByText(t.shop.checkout.outsideRadiusFix).waitFor();
    await problems.getByText(/delivers within 3\.0 km/).waitFor();
    assert.equal(await page.getByRole("row", { name: new RegExp(t.shop.checkout.deliveryFee) }).count(), 0);
    assert.equal(await page.getByTestId("quote-total").count(), 0);
    assert.equal(await page.getByRole("button", { name: t.shop.checkout.place }).count(), 0);
    await screen(page, "checkout-outside-radius");

    await page.getByRole("radio", { name: /House 8/ }).check();
    await page.getByTestId("quote-total").waitFor();
    assert.equal(await problems.count(), 0, "the reason clears once the address is fixed");
    await page.getByRole("button", { name: t.shop.checkout.place }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/customer/orders/"));
    const [order] = await sql<{ delivery_address: string; delivery_phone: string }[]>`select delivery_address, delivery_phone from public.orders where customer_id = ${userId}`;
    assert.deepEqual({ ...order }, { delivery_address: "House 8, Katraj Dairy Road", delivery_phone: "9876500001" });
    await context.close();
  });
});
