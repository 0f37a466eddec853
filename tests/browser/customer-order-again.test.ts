import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, riderAt } from "../support/orders.js";
import { addToCart, appUrl, phone, screen, signIn, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const o = t.shop.orders;
const a = o.again;

const signedIn = async (email: string): Promise<Page> => signIn(await (await phone()).newPage(), email, "/customer");

/** The cart page's text, once the device's cart is read. */
async function cartText(page: Page): Promise<string> {
  await page.getByRole("link", { name: a.viewCart }).click();
  await waitForPath(page, "/customer/cart");
  await page.getByRole("heading", { level: 1 }).waitFor();
  return (await page.locator("main").textContent()) ?? "";
}

describe("ordering a past order again", () => {
  test("a rejected order says why on top, and Order again fills the cart with what is still sold", async () => {
    const shop = await openShop(sql, "ui-again", [
      { sku: "ATTA", price_paise: 25000, stock: 10 },
      { sku: "DAL", price_paise: 14000, stock: 10 },
      { sku: "RICE", price_paise: 9000, stock: 10 },
    ]);
    const customer = await person("customer", "ui-again-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["ATTA", 2], ["DAL", 1], ["RICE", 3]]));
    const rejected = await shop.merchant.supabase.rpc("reject_order", { order_id: order.id, reason: "Closing early for a family function" });
    assert.equal(rejected.error, null, rejected.error?.message);
    // Since then the dal is no longer sold and the atta costs more.
    await sql`update public.products set is_active = false where id = ${shop.product.DAL!}`;
    await sql`update public.products set price_paise = 26000 where id = ${shop.product.ATTA!}`;

    const page = await signedIn(customer.email);
    await page.goto(`${appUrl}/customer/orders/${order.id}`);
    await page.getByTestId("order-outcome").getByText(o.outcome.rejected("Closing early for a family function")).waitFor();
    await page.getByText(o.outcome.nothingToPay).waitFor();
    assert.equal(await page.getByText(o.payOnDelivery).count(), 0);
    await page.getByRole("button", { name: a.orderAgain }).click();
    await page.getByText(a.done("ui-again Kirana")).waitFor();
    const changes = page.getByTestId("again-changes");
    await changes.getByText(a.gone("Product DAL")).waitFor();
    await changes.getByText(a.price("Product ATTA", t.money(25000), t.money(26000))).waitFor();
    await screen(page, "customer-order-again");

    const cart = await cartText(page);
    assert.match(cart, /Product ATTA/);
    assert.match(cart, /Product RICE/);
    assert.doesNotMatch(cart, /Product DAL/);
    // Today's prices: 2 × ₹260 + 3 × ₹90.
    assert.ok(cart.includes(t.money(2 * 26000 + 3 * 9000)), cart);
    await page.context().close();
  });

  test("Buy again from a delivered order asks before replacing a cart that holds products, then fills it", async () => {
    const shop = await openShop(sql, "ui-buy-again", [{ sku: "MILK", price_paise: 3000, stock: 10 }]);
    const customer = await person("customer", "ui-buy-again-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["MILK", 4]]));
    await makeReady(shop, order.id);
    const rider = await riderAt(sql, "ui-buy-again-rider");
    for (const [name, args] of [
      ["claim_delivery", { order_id: order.id }],
      ["update_order_status", { order_id: order.id, status: "picked_up" }],
    ] as const) {
      const { error } = await rider.supabase.rpc(name, args as never);
      assert.equal(error, null, error?.message);
    }
    const code = (await sql<{ code: string }[]>`select code from private.handover_codes where order_id = ${order.id}`)[0]!.code;
    const delivered = await rider.supabase.rpc("deliver_order", { order_id: order.id, handover_code: code });
    assert.equal(delivered.error, null, delivered.error?.message);

    // Meanwhile the customer has put another store's tea in the cart.
    const other = await openShop(sql, "ui-buy-again-other", [{ sku: "TEA", price_paise: 5000, stock: 10 }]);
    const page = await signedIn(customer.email);
    await page.goto(`${appUrl}/customer/stores/${other.storeId}`);
    await addToCart(page, "Product TEA", 1);

    await page.goto(`${appUrl}/customer/orders/${order.id}`);
    await page.getByTestId("order-status").getByText(o.statuses.delivered, { exact: true }).waitFor();
    assert.equal(await page.getByTestId("order-outcome").count(), 0);
    // Asked first, as adding another store's product is; keeping the cart changes nothing.
    await page.getByRole("button", { name: a.buyAgain }).click();
    const asking = page.getByRole("alertdialog", { name: t.shop.store.otherStoreTitle });
    await asking.getByText(a.cartHolds("ui-buy-again-other Kirana")).waitFor();
    await screen(page, "customer-buy-again-ask");
    await asking.getByRole("button", { name: t.shop.store.keepCart }).click();
    await asking.waitFor({ state: "detached" });
    assert.equal(await page.getByText(a.done("ui-buy-again Kirana")).count(), 0);
    const stored = await page.evaluate(() => localStorage.getItem("kirana.cart") ?? "");
    assert.match(stored, /Product TEA/);
    assert.doesNotMatch(stored, /Product MILK/);

    await page.getByRole("button", { name: a.buyAgain }).click();
    await asking.getByRole("button", { name: t.shop.store.clearAndAdd }).click();
    await page.getByText(a.done("ui-buy-again Kirana")).waitFor();
    assert.equal(await page.getByTestId("again-changes").count(), 0, "nothing changed");
    await screen(page, "customer-buy-again");
    const cart = await cartText(page);
    assert.match(cart, /Product MILK/);
    assert.doesNotMatch(cart, /Product TEA/);
    assert.ok(cart.includes(t.money(4 * 3000)), cart);
    await page.context().close();
  });

  test("a rejected order offers other stores nearby that sell its items, and one fills the cart there", async () => {
    // SKUs of this test only, so other tests' shops nearby never match.
    const tag = randomUUID().slice(0, 6).toUpperCase();
    const [ghee, sugar] = [`GHEE-${tag}`, `SUGAR-${tag}`];
    const shop = await openShop(sql, "ui-else-a", [{ sku: ghee, price_paise: 55000, stock: 10 }, { sku: sugar, price_paise: 4500, stock: 10 }]);
    await openShop(sql, "ui-else-b", [{ sku: ghee, price_paise: 56000, stock: 10 }, { sku: sugar, price_paise: 4500, stock: 10 }]);
    await openShop(sql, "ui-else-c", [{ sku: ghee, price_paise: 54000, stock: 10 }]);
    const customer = await person("customer", "ui-else-customer");
    const order = await placeOrder(customer, orderRequest(shop, [[ghee, 1], [sugar, 2]]));
    const rejected = await shop.merchant.supabase.rpc("reject_order", { order_id: order.id, reason: "Out of ghee today" });
    assert.equal(rejected.error, null, rejected.error?.message);

    const page = await signedIn(customer.email);
    await page.goto(`${appUrl}/customer/orders/${order.id}`);
    const offers = page.getByTestId("order-elsewhere");
    await offers.getByRole("heading", { name: o.elsewhere.title }).waitFor();
    // The store with every item first, then the one with some; never the store that refused.
    assert.deepEqual(await offers.locator(".name").allTextContents(), ["ui-else-b Kirana", "ui-else-c Kirana"]);
    await offers.getByText(o.elsewhere.has(2, 2)).waitFor();
    await offers.getByText(o.elsewhere.has(1, 2)).waitFor();
    await screen(page, "customer-order-elsewhere");

    await offers.getByRole("button", { name: o.elsewhere.orderFrom("ui-else-b Kirana") }).click();
    await page.getByText(a.done("ui-else-b Kirana")).waitFor();
    await offers.getByText(a.price(`Product ${ghee}`, t.money(55000), t.money(56000))).waitFor();
    const cart = await cartText(page);
    assert.match(cart, /ui-else-b Kirana/);
    assert.ok(cart.includes(t.money(56000 + 2 * 4500)), cart);
    await page.context().close();
  });
});
