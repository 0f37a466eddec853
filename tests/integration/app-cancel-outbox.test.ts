// The customer's cancel sender (app/src/lib/outbox/senders.ts) against the stack: a pending
// order is cancelled once with the reason kept, a replay is done rather than refused, and an
// order the store accepted meanwhile needs the customer.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { OutboxItem } from "../../app/src/lib/outbox/outbox.js";
import { cancelSender } from "../../app/src/lib/outbox/senders.js";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder, stockOf } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const item = (payload: unknown): OutboxItem => ({
  id: randomUUID(),
  kind: "cancel",
  payload,
  label: "cancel",
  createdAt: Date.now(),
  state: "queued",
  failures: 0,
  notBefore: 0,
  problem: null,
  result: null,
});

describe("the customer's cancel sender", () => {
  it("cancels a pending order once with its reason, and is done when replayed", async () => {
    const shop = await openShop(sql, "app-cancel-outbox", [{ sku: "RICE", price_paise: 9000, stock: 10 }]);
    const customer = await person("customer", "app-cancel-outbox-buyer");
    const order = await placeOrder(customer, orderRequest(shop, [["RICE", 3]]));
    const cancel = cancelSender(customer.supabase);

    const payload = { orderId: order.id, reason: "  Ordered twice by mistake  " };
    assert.equal((await cancel(item(payload))).ok, true);
    assert.equal((await cancel(item(payload))).ok, true, "a replayed cancel is done");
    const [row] = await sql<{ status: string; status_reason: string | null }[]>`select status, status_reason from public.orders where id = ${order.id}`;
    assert.deepEqual({ ...row }, { status: "cancelled", status_reason: "Ordered twice by mistake" });
    const events = await sql<{ n: number }[]>`select count(*)::int as n from public.order_events where order_id = ${order.id} and status = 'cancelled'`;
    assert.equal(events[0]!.n, 1, "cancelled once");
    assert.deepEqual(await stockOf(sql, shop), { RICE: 10 }, "the stock went back");

    // No reason is fine too; an order the store accepted first needs the customer.
    const accepted = await placeOrder(customer, orderRequest(shop, [["RICE", 1]]));
    const { error } = await shop.merchant.supabase.rpc("accept_order", { order_id: accepted.id });
    assert.equal(error, null, error?.message);
    const refused = await cancel(item({ orderId: accepted.id, reason: "" }));
    assert.ok(!refused.ok && "attention" in refused, "the store answered first");
  });
});
