// A fault behind a page: the person reads a plain message and the app's log says where and why.
// The fault is real: the page's query waits on a lock this test holds and is cancelled (57014,
// as a statement timeout would end it).
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, describe, test } from "node:test";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder } from "../support/orders.js";
import { appUrl, phone, screen, signIn, t } from "./browser.js";

const sql = db();
after(() => sql.end());

/** What the app's server has logged so far. */
const appLog = () => fs.readFileSync(process.env.APP_LOG!, "utf8");

/** Waits (bounded) until the app's log holds a line matching `pattern`; returns the match. */
async function logged(pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 100; i++) {
    const found = appLog().match(pattern);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the app logged nothing matching ${pattern}`);
}

/** Runs `open` while `table` is locked, cancelling every query that waits on it until `open` is done. */
async function withQueriesCancelled<T>(table: "order_items" | "order_events", open: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await sql.begin(async (tx) => {
    await tx.unsafe(`lock table public.${table} in access exclusive mode`);
    let done = false;
    const opened = open().finally(() => (done = true));
    while (!done) {
      await sql`select pg_cancel_backend(pid) from pg_stat_activity
                where wait_event_type = 'Lock' and pid <> pg_backend_pid() and query like ${`%${table}%`}`;
      await new Promise((r) => setTimeout(r, 50));
    }
    result = await opened;
  });
  return result as T;
}

/** How Postgres words the cancelled query (57014), in the logged error's message. */
const CANCELLED = "canceling statement due to user request";
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("a page whose data fails to load", () => {
  test("a list that fails shows its plain message and the log names the route and the error", async () => {
    const shop = await openShop(sql, "ui-errors-list", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const customer = await person("customer", "ui-errors-list-customer");
    await placeOrder(customer, orderRequest(shop, [["ATTA", 1]]));
    const page = await signIn(await (await phone()).newPage(), customer.email, "/customer");

    await withQueriesCancelled("order_items", async () => {
      await page.goto(`${appUrl}/customer/orders`);
      await page.getByRole("alert").getByText(t.shop.orders.failed).waitFor();
    });
    await logged(new RegExp(`load ${escape("/(signed-in)/customer/orders")}: the orders failed: [^\\n]*${CANCELLED}`));
    // The lock gone, the same page loads.
    await page.reload();
    await page.getByRole("alert").getByText(t.shop.orders.failed).waitFor({ state: "detached" });
    await page.context().close();
  });

  test("an unexpected error shows a plain message with a code that the log has with the route", async () => {
    const shop = await openShop(sql, "ui-errors-page", [{ sku: "ATTA", price_paise: 25000, stock: 10 }]);
    const customer = await person("customer", "ui-errors-page-customer");
    const order = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]]));
    const page = await signIn(await (await phone()).newPage(), customer.email, "/customer");

    const response = await withQueriesCancelled("order_events", () => page.goto(`${appUrl}/customer/orders/${order.id}`));
    assert.equal(response?.status(), 500);
    await page.getByRole("heading", { level: 1, name: t.errors.generic }).waitFor();
    const shown = (await page.getByText(t.errors.reference("")).textContent())!;
    const id = shown.slice(t.errors.reference("").length);
    assert.match(id, /^[0-9a-f]{8}$/);
    await screen(page, "error-page");
    await logged(new RegExp(`error ${id}: 500 GET ${escape(`/customer/orders/${order.id}`)} \\(${escape("/(signed-in)/customer/orders/[id]")}\\): [^\\n]*${CANCELLED}`));
    await page.context().close();
  });
});
