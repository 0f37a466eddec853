import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder, stockOf } from "../support/orders.js";
import { appUrl, phone, screen, signIn, t } from "./browser.js";

const sql = db();
after(() => sql.end());

const o = t.shop.orders;
const c = o.cancel;

describe("cancelling a pending order", () => {
  test("the customer cancels with a reason after confirming, once for a double tap, and the store sees it live", async () => {
    const shop = await openShop(sql, "ui-cancel", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const customer = await person("customer", "ui-cancel-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["ATTA", 2]]));

    // The merchant watches the orders screen.
    const merchantContext = await phone();
    const merchant = await merchantContext.newPage();
    await signIn(merchant, shop.merchant.email, "/merchant");
    await merchant.goto(`${appUrl}/merchant/orders`);
    await merchant.getByText(t.merchant.orders.live).waitFor();
    const ref = order.id.slice(0, 8).toUpperCase();
    await merchant.getByRole("heading", { name: new RegExp(ref) }).waitFor();

    const context = await phone();
    const page = await context.newPage();
    await signIn(page, customer.email, "/customer");
    await page.goto(`${appUrl}/customer/orders/${order.id}`);
    const status = page.getByTestId("order-status");
    await status.getByText(o.statuses.pending, { exact: true }).waitFor();

    // The first tap only asks; "Keep the order" changes nothing.
    await page.getByRole("button", { name: c.open }).click();
    await page.getByRole("heading", { name: c.title }).waitFor();
    await page.getByRole("button", { name: c.keep }).click();
    await page.getByRole("heading", { name: c.title }).waitFor({ state: "detached" });
    assert.equal((await sql<{ status: string }[]>`select status from public.orders where id = ${order.id}`)[0]!.status, "pending");

    // The reason's limit is shown and kept by the field itself.
    await page.getByRole("button", { name: c.open }).click();
    const reason = page.getByLabel(c.reason);
    assert.equal(await reason.getAttribute("maxlength"), "500");
    await reason.fill("Ordered from the wrong store");
    await page.getByText(t.characters("Ordered from the wrong store".length, 500)).waitFor();
    await screen(page, "customer-cancel-confirm");

    // A double tap on the confirmation cancels once.
    await page.getByRole("button", { name: c.confirm }).dblclick();
    await status.getByText(o.statuses.cancelled, { exact: true }).waitFor();
    await page.getByRole("button", { name: c.open }).waitFor({ state: "detached" });
    await page.getByRole("list").filter({ hasText: o.statuses.pending }).getByText("Ordered from the wrong store").waitFor();
    await screen(page, "customer-cancelled");

    const [row] = await sql<{ status: string; status_reason: string | null }[]>`select status, status_reason from public.orders where id = ${order.id}`;
    assert.deepEqual({ ...row }, { status: "cancelled", status_reason: "Ordered from the wrong store" });
    const events = await sql<{ n: number }[]>`select count(*)::int as n from public.order_events where order_id = ${order.id} and status = 'cancelled'`;
    assert.equal(events[0]!.n, 1, "cancelled once");
    assert.deepEqual(await stockOf(sql, shop), { ATTA: 10 });

    // The store's screen says so without a reload, with the reason, and the order leaves the list.
    await merchant.getByTestId("customer-cancelled").getByText(t.merchant.orders.customerCancelled(ref, "Ordered from the wrong store")).waitFor();
    await merchant.getByRole("heading", { name: new RegExp(ref) }).waitFor({ state: "detached" });
    await screen(merchant, "merchant-customer-cancelled");
    await merchantContext.close();
    await context.close();
  });
});
