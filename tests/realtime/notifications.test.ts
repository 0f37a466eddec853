// Notifications live on user:<id>, through unmodified supabase-js: the database's broadcast of
// each notification reaches its owner (with the unread count) and nobody else, marking read
// sends the new count, and another user's join to the topic is refused.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { followNotifications, markRead, type Notification } from "../../app/src/lib/notifications/notifications.js";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder, type Person } from "../support/orders.js";
import { closeClients, Inbox, joined, subscribe, track, WAIT_MS } from "./support.js";

const sql = db();
after(async () => {
  await closeClients();
  await sql.end();
});

type Event = { event: string; payload: any };

async function party(role: "customer" | "merchant", label: string): Promise<Person> {
  const p = await person(role, label);
  track(p.supabase);
  return p;
}

test("a notification reaches its owner on user:<id> with the unread count, and nobody else", async () => {
  const shop = await openShop(sql, "rt-notify", [{ sku: "MILK-1L", price_paise: 6800, stock: 50 }]);
  track(shop.merchant.supabase);
  const customer = await party("customer", "rt-notify-customer");
  const stranger = await party("customer", "rt-notify-stranger");

  // The customer follows their topic through the app's feed; the others listen to their own.
  const arrivals = new Inbox<{ notification: Notification; unread: number }>();
  const reads = new Inbox<number>();
  const ready = new Inbox<true>();
  followNotifications(customer.supabase, customer.userId, {
    arrived: (notification, unread) => arrivals.push({ notification, unread }),
    read: (unread) => reads.push(unread),
    joined: () => ready.push(true),
  });
  await ready.count(1);
  const merchantHears = new Inbox<Event>();
  await joined(shop.merchant.supabase.channel(`user:${shop.merchant.userId}`, { config: { private: true } }).on("broadcast", { event: "*" }, merchantHears.push));
  const strangerHears = new Inbox<Event>();
  await joined(stranger.supabase.channel(`user:${stranger.userId}`, { config: { private: true } }).on("broadcast", { event: "*" }, strangerHears.push));

  const order = await placeOrder(customer, orderRequest(shop, [["MILK-1L", 2]]));
  await merchantHears.count(1);
  assert.deepEqual(
    { event: merchantHears.items[0]!.event, kind: merchantHears.items[0]!.payload.kind, link: merchantHears.items[0]!.payload.link, unread: merchantHears.items[0]!.payload.unread },
    { event: "notification", kind: "new_order", link: `/merchant/orders/${order.id}`, unread: 1 },
  );

  assert.equal((await shop.merchant.supabase.rpc("accept_order", { order_id: order.id })).error, null);
  await arrivals.count(1);
  const [{ notification, unread }] = arrivals.items as [{ notification: Notification; unread: number }];
  assert.deepEqual(
    { kind: notification.kind, title: notification.title, link: notification.link, read: notification.read_at, unread },
    { kind: "order_accepted", title: "Order accepted", link: `/customer/orders/${order.id}`, read: null, unread: 1 },
  );
  // Accepting answered the order: the merchant's alert was marked read, and the merchant told so.
  await merchantHears.until((items) => items.some((x) => x.event === "read"), WAIT_MS, "the merchant's read count");
  assert.equal(merchantHears.items.find((x) => x.event === "read")!.payload.unread, 0);

  assert.equal(await markRead(customer.supabase), 1);
  await reads.count(1);
  assert.deepEqual(reads.items, [0]);

  // The customer's events came after the stranger joined: had they gone to the stranger's topic,
  // they would be there by now. The customer (the actor) heard nothing of placing the order.
  assert.deepEqual(strangerHears.items, []);
  assert.deepEqual(arrivals.items.map((x) => x.notification.kind), ["order_accepted"]);
});

test("another user's join to user:<id> is refused", async () => {
  const owner = await party("customer", "rt-notify-owner");
  const other = await party("customer", "rt-notify-other");
  const topic = `user:${owner.userId}`;
  assert.equal((await subscribe(owner.supabase.channel(topic, { config: { private: true } }))).status, "SUBSCRIBED");
  const refused = await subscribe(other.supabase.channel(topic, { config: { private: true } }));
  assert.equal(refused.status, "CHANNEL_ERROR");
  assert.equal(refused.err?.message, `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`);
});
