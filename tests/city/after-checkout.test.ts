// From checkout to the doorstep on the seeded city: a new customer saves a Kothrud address found
// in the gazetteer, orders from the demo merchant's shop (open around the clock in Kothrud) to
// it, after an address across the city was refused with its reason; the merchant sees the order
// arrive and the customer's cancellation live; a second order on its way shows whom to call and
// no number once delivered, and "Buy again" fills the cart.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { db, PASSWORD, uniqueEmail } from "../support/env.js";
import { addToCart, appUrl, fillSignIn, fillSignUp, phone, screen, t, waitForPath } from "../browser/browser.js";

const sql = db();
after(() => sql.end());

/** The demo merchant's first shop and a product it has in stock, as the seed made them. */
async function demoShop(): Promise<{ id: string; name: string; productId: string; product: string }> {
  const [row] = await sql<{ id: string; name: string; product_id: string; product: string }[]>`
    select s.id, s.name, p.id as product_id, p.name as product
    from public.stores s join auth.users u on u.id = s.owner_id
    join lateral (select id, name from public.products where store_id = s.id and is_active and stock > 20 order by id limit 1) p on true
    where u.email = 'merchant@example.com' and s.status = 'approved'
    order by s.id limit 1`;
  return { id: row!.id, name: row!.name, productId: row!.product_id, product: row!.product };
}

async function fill(page: Page, shop: { id: string; productId: string; product: string }): Promise<void> {
  await page.goto(`${appUrl}/customer/stores/${shop.id}?product=${shop.productId}`);
  await addToCart(page, shop.product, 1);
}

describe("after checkout on the seeded city", () => {
  test("an address from the gazetteer, a far one refused, the order seen and cancelled live, whom to call, buy again", async () => {
    const shop = await demoShop();
    const page = await (await phone()).newPage();
    const email = uniqueEmail("city-after");
    await fillSignUp(page, { role: "customer", name: "Meera Joshi", email, password: PASSWORD });
    await waitForPath(page, "/customer");
    const [account] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
    const customerId = account!.id;

    // Kothrud from the city's gazetteer, as a new customer finds it.
    await page.goto(`${appUrl}/customer/addresses/new`);
    await page.getByLabel(t.addresses.search).fill("kothrud");
    await page.getByRole("button", { name: t.addresses.searchButton }).click();
    await page.getByRole("link", { name: "Kothrud", exact: true }).click();
    await page.getByLabel(t.addresses.house).fill("Flat 12, Mrunal Apartments");
    await page.getByLabel(t.addresses.street).fill("Karve Road, Kothrud");
    await page.getByLabel(t.addresses.phone).fill("98220 11223");
    await page.getByRole("button", { name: t.addresses.save }).click();
    await waitForPath(page, "/customer/addresses");
    // And one across the city (Bhosari), not the default.
    await sql`insert into public.addresses (customer_id, label, house, street, location, phone)
              values (${customerId}, 'work', 'Office 21', 'Bhosari MIDC', 'SRID=4326;POINT(73.847 18.6288)', '9876500002')`;

    // The default address is where the shops are looked for: the demo shop is among them.
    await page.goto(`${appUrl}/customer`);
    await page.getByRole("list", { name: t.shop.stores.title }).getByRole("link", { name: shop.name, exact: true }).waitFor();
    await fill(page, shop);
    await page.goto(`${appUrl}/customer/checkout`);
    assert.ok(await page.getByRole("radio", { name: /Flat 12, Mrunal Apartments/ }).isChecked(), "the default address is chosen");
    await page.getByTestId("quote-total").waitFor();
    await page.getByRole("radio", { name: /Office 21/ }).check();
    const problems = page.getByRole("region", { name: t.shop.checkout.problems });
    await problems.getByText(t.shop.checkout.outsideRadiusFix).waitFor();
    assert.equal(await page.getByRole("button", { name: t.shop.checkout.place }).count(), 0, "an order that cannot happen is not offered");
    await screen(page, "city-checkout-far");
    await page.getByRole("radio", { name: /Flat 12, Mrunal Apartments/ }).check();
    await page.getByTestId("quote-total").waitFor();

    // The merchant watches the orders screen while the order is placed.
    const merchant = await (await phone()).newPage();
    await merchant.goto(`${appUrl}/sign-in`);
    await fillSignIn(merchant, "merchant@example.com", DEMO_PASSWORD);
    await waitForPath(merchant, "/merchant");
    await merchant.goto(`${appUrl}/merchant/orders`);
    await merchant.getByText(t.merchant.orders.live).waitFor();

    await page.getByRole("button", { name: t.shop.checkout.place }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/customer/orders/"));
    const first = new URL(page.url()).pathname.split("/").pop()!;
    const [kept] = await sql<{ delivery_address: string; delivery_phone: string | null }[]>`select delivery_address, delivery_phone from public.orders where id = ${first}`;
    assert.deepEqual({ ...kept }, { delivery_address: "Flat 12, Mrunal Apartments, Karve Road, Kothrud", delivery_phone: "9822011223" });
    const ref = first.slice(0, 8).toUpperCase();
    await merchant.getByRole("heading", { name: new RegExp(ref) }).waitFor();

    // The customer cancels it with a reason; the merchant's screen says so without a reload.
    const c = t.shop.orders.cancel;
    await page.getByRole("button", { name: c.open }).click();
    await page.getByLabel(c.reason).fill("Ordered by mistake");
    await page.getByRole("button", { name: c.confirm }).click();
    await page.getByTestId("order-status").getByText(t.shop.orders.statuses.cancelled, { exact: true }).waitFor();
    await merchant.getByText(t.merchant.orders.customerCancelled(ref, "Ordered by mistake")).first().waitFor();
    await screen(merchant, "city-merchant-cancelled");

    // A second order, on its way with the demo rider: whom to call, then nobody once delivered.
    await fill(page, shop);
    await page.goto(`${appUrl}/customer/checkout`);
    await page.getByTestId("quote-total").waitFor();
    await page.getByRole("button", { name: t.shop.checkout.place }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/customer/orders/") && !u.pathname.endsWith(first));
    const second = new URL(page.url()).pathname.split("/").pop()!;
    await sql`update public.orders set status = 'picked_up', rider_id = (select id from auth.users where email = 'rider@example.com') where id = ${second}`;
    await page.reload();
    const contacts = page.getByTestId("order-contacts");
    await contacts.getByText(t.contacts.roles.rider).waitFor();
    // A call button for each of the two that has a number (the seed gives shops one).
    const [numbers] = await sql<{ store: string | null; rider: string | null }[]>`
      select (select phone from public.stores where id = ${shop.id}) as store,
             (select p.phone from public.profiles p join auth.users u on u.id = p.id where u.email = 'rider@example.com') as rider`;
    assert.ok(numbers!.store, "the seeded shop has a phone number");
    await contacts.getByRole("link", { name: t.contacts.call(shop.name) }).waitFor();
    assert.deepEqual(
      await contacts.locator("a[href^='tel:']").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
      [`tel:${numbers!.store}`, ...(numbers!.rider ? [`tel:${numbers!.rider}`] : [])],
    );
    await screen(page, "city-order-contacts");
    await sql`update public.orders set status = 'delivered' where id = ${second}`;
    await page.reload();
    await page.getByTestId("order-status").getByText(t.shop.orders.statuses.delivered, { exact: true }).waitFor();
    assert.equal(await page.locator("a[href^='tel:']").count(), 0, "no number once delivered");

    await page.getByRole("button", { name: t.shop.orders.again.buyAgain }).click();
    await page.getByText(t.shop.orders.again.done(shop.name)).waitFor();
    await page.context().close();
    await merchant.context().close();
  });
});
