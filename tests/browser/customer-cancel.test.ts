// Cancelling from the customer's order page: a pending order by the customer alone, an accepted
// one by asking the store, which agrees or declines, each side seeing the other live.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder, stockOf, type Person } from "../support/orders.js";
import { appUrl, phone, screen, signIn, t } from "./browser.js";

const sql = db();
after(() => sql.end());

const o = t.shop.orders;
const c = o.cancel;
const ask = o.askCancel;
const answer = t.merchant.orders.cancelRequest;

/** A signed-in phone on the path. */
async function signedIn(who: Pick<Person, "email">, home: string, path: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await phone();
  const page = await signIn(await context.newPage(), who.email, home);
  await page.goto(`${appUrl}${path}`);
  return { page, close: () => context.close() };
}

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

describe("asking the store to cancel an accepted order", () => {
  test("the customer asks with a reason, the store sees it live on its orders screen and agrees, and the customer sees the order cancelled", async () => {
    const shop = await openShop(sql, "ui-ask-cancel", [{ sku: "DAL", price_paise: 12000, stock: 10 }]);
    const customer = await person("customer", "ui-ask-cancel-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["DAL", 2]]));
    const accepted = await shop.merchant.supabase.rpc("accept_order", { order_id: order.id });
    assert.equal(accepted.error, null, accepted.error?.message);
    const ref = order.id.slice(0, 8).toUpperCase();

    const store = await signedIn(shop.merchant, "/merchant", "/merchant/orders");
    await store.page.getByText(t.merchant.orders.live).waitFor();
    const card = store.page.getByRole("article", { name: new RegExp(`^Order ${ref} `) });
    await card.waitFor();

    const buyer = await signedIn(customer, "/customer", `/customer/orders/${order.id}`);
    const page = buyer.page;
    const status = page.getByTestId("order-status");
    await status.getByText(o.statuses.accepted, { exact: true }).waitFor();
    // Accepted: the customer can no longer cancel alone, only ask.
    assert.equal(await page.getByRole("button", { name: c.open, exact: true }).count(), 0);
    await page.getByRole("button", { name: ask.open }).click();
    await page.getByRole("heading", { name: ask.title }).waitFor();
    const send = page.getByRole("button", { name: ask.confirm });
    assert.ok(await send.isDisabled(), "a request needs a reason");
    const reason = page.getByLabel(ask.reason, { exact: true });
    assert.equal(await reason.getAttribute("maxlength"), "500");
    await reason.fill("Ordered the wrong dal");
    await screen(page, "customer-ask-cancel");
    await send.dblclick();
    await page.getByTestId("cancel-request").getByText(ask.waiting("Ordered the wrong dal")).waitFor();
    await page.getByRole("button", { name: ask.open }).waitFor({ state: "detached" });
    await screen(page, "customer-ask-cancel-waiting");
    const requests = await sql<{ n: number }[]>`select count(*)::int as n from public.cancellation_requests where order_id = ${order.id}`;
    assert.equal(requests[0]!.n, 1, "asked once");

    // The store's screen shows the request on the order's card without a reload.
    const request = card.getByTestId("cancel-request");
    await request.getByRole("heading", { name: answer.asked("Ordered the wrong dal") }).waitFor();
    await screen(store.page, "merchant-cancel-request");
    await request.getByRole("button", { name: answer.agree }).click();
    await card.waitFor({ state: "detached" });

    // The customer sees the order cancelled as asked, with "Order again" at the top.
    await status.getByText(o.statuses.cancelled, { exact: true }).waitFor();
    await page.getByTestId("order-outcome").getByText(o.outcome.cancelledAsAsked).waitFor();
    await page.getByRole("button", { name: o.again.orderAgain }).waitFor();
    await screen(page, "customer-cancelled-as-asked");

    const [row] = await sql<{ status: string; answer: string; cancelled: number; told: number }[]>`
      select o.status::text, r.answer,
             (select count(*)::int from public.order_events e where e.order_id = o.id and e.status = 'cancelled') as cancelled,
             (select count(*)::int from public.notifications n where n.user_id = o.customer_id and n.kind = 'order_cancelled' and n.data ->> 'order_id' = o.id::text) as told
      from public.orders o join public.cancellation_requests r on r.order_id = o.id where o.id = ${order.id}`;
    assert.deepEqual({ ...row }, { status: "cancelled", answer: "agreed", cancelled: 1, told: 1 });
    assert.deepEqual(await stockOf(sql, shop), { DAL: 10 });
    await store.close();
    await buyer.close();
  });

  test("the store declines on the order's page with a reason, and the customer sees the answer live while the order goes on", async () => {
    const shop = await openShop(sql, "ui-ask-decline", [{ sku: "OIL", price_paise: 15000, stock: 10 }]);
    const customer = await person("customer", "ui-ask-decline-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["OIL", 1]]));
    const accepted = await shop.merchant.supabase.rpc("accept_order", { order_id: order.id });
    assert.equal(accepted.error, null, accepted.error?.message);

    const store = await signedIn(shop.merchant, "/merchant", `/merchant/orders/${order.id}`);
    await store.page.getByText(t.merchant.orders.statuses.accepted).first().waitFor();
    const buyer = await signedIn(customer, "/customer", `/customer/orders/${order.id}`);
    await buyer.page.getByTestId("order-status").getByText(o.statuses.accepted, { exact: true }).waitFor();
    await buyer.page.getByRole("button", { name: ask.open }).click();
    await buyer.page.getByLabel(ask.reason, { exact: true }).fill("Wrong address");
    await buyer.page.getByRole("button", { name: ask.confirm }).click();
    await buyer.page.getByTestId("cancel-request").getByText(ask.waiting("Wrong address")).waitFor();

    // The order's page shows the request live; a decline needs a reason.
    const request = store.page.getByTestId("cancel-request");
    await request.getByRole("heading", { name: answer.asked("Wrong address") }).waitFor();
    await request.getByRole("button", { name: answer.decline }).click();
    await request.getByText(answer.declineRequired).waitFor();
    await request.getByLabel(answer.declineReason).fill("Already packed and handed over");
    await request.getByRole("button", { name: answer.decline }).click();
    await store.page.getByText(answer.declined("Already packed and handed over")).waitFor();

    await buyer.page.getByTestId("cancel-request").getByText(ask.declined("Already packed and handed over")).waitFor();
    await buyer.page.getByTestId("order-status").getByText(o.statuses.accepted, { exact: true }).waitFor();
    await screen(buyer.page, "customer-cancel-declined");
    const [row] = await sql<{ status: string; answer: string }[]>`
      select o.status::text, r.answer from public.orders o join public.cancellation_requests r on r.order_id = o.id where o.id = ${order.id}`;
    assert.deepEqual({ ...row }, { status: "accepted", answer: "declined" });
    await store.close();
    await buyer.close();
  });
});
