// Chat per order, through the app's Conversation class and unmodified supabase-js clients: the
// database opens the conversations as orders are placed and riders assigned, send_message stores
// and broadcasts with a per-conversation sequence, receipts and unread counts follow mark_read,
// typing and presence are client broadcasts, and membership (RLS on the tables and the private
// `conversation:<id>` topic) follows the order's rider.
import { describe, it, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Conversation, TYPING_TIMEOUT_MS } from "../../app/src/lib/chat/conversation.js";
import { db } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, riderAt, signIn, type OrderJson, type Person, type Shop } from "../support/orders.js";
import { closeClients, Inbox, joined, subscribe, track, userToken, WAIT_MS } from "./support.js";

const sql = db();
const opened: Conversation[] = [];
after(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await closeClients();
  await sql.end();
});

type Kind = "customer_store" | "customer_rider" | "store_rider";

/** A signed-in account whose client is closed after the file. */
async function party(role: "customer" | "merchant" | "rider", label: string): Promise<Person> {
  const p = await person(role, label);
  track(p.supabase);
  return p;
}

/** A store, a customer and an order they placed, with its customer–store conversation. */
async function placedOrder(label: string): Promise<{ shop: Shop; customer: Person; merchant: Person; order: OrderJson; chat: string }> {
  const shop = await openShop(sql, label, [{ sku: "ATTA-5KG", price_paise: 28500, stock: 20 }]);
  track(shop.merchant.supabase);
  const customer = await party("customer", `${label}-buyer`);
  const order = await placeOrder(customer, orderRequest(shop, [["ATTA-5KG", 1]]));
  return { shop, customer, merchant: shop.merchant, order, chat: await conversationOf(order.id, "customer_store") };
}

async function conversationOf(orderId: string, kind: Kind, riderId: string | null = null): Promise<string> {
  const rows = await sql<{ id: string }[]>`select id from public.conversations
    where order_id = ${orderId} and kind = ${kind} and rider_id is not distinct from ${riderId}::uuid`;
  assert.equal(rows.length, 1, `one ${kind} conversation for the order`);
  return rows[0]!.id;
}

/** The member's device with the conversation open (closed after the file). */
async function openAs(member: Person, conversationId: string): Promise<Conversation> {
  const conversation = new Conversation(member.supabase, conversationId, member.userId);
  opened.push(conversation);
  await conversation.open();
  return conversation;
}

/** Waits until `condition` holds, re-checking after each change the conversation reports. */
async function until(conversation: Conversation, condition: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const changes = new Inbox<null>();
  const stop = conversation.onChange(() => changes.push(null));
  try {
    await changes.until(condition, ms, what);
  } finally {
    stop();
  }
}

/** What the conversation shows of a member's receipt. */
const receiptOf = (c: Conversation, userId: string) => {
  const r = c.receipts.get(userId);
  return r && { last_delivered_seq: r.last_delivered_seq, last_read_seq: r.last_read_seq };
};
const seqs = (c: Conversation) => c.messages.map((m) => m.seq);
const bodies = (c: Conversation) => c.messages.map((m) => m.body);

/** Everything broadcast on the conversation's topic, as another session of the member receives it. */
async function listen(member: Person, conversationId: string) {
  const supabase = track(await signIn(member.email));
  const heard = new Inbox<{ event: string; payload: any }>();
  const system = new Inbox<{ status: string; message: string }>();
  const channel = supabase
    .channel(`conversation:${conversationId}`, { config: { private: true } })
    .on("broadcast", { event: "*" }, heard.push)
    .on("system", {}, system.push);
  const log = await joined(channel);
  return { supabase, heard, system, log };
}

async function myConversations(member: Person) {
  const { data, error } = await member.supabase.rpc("my_conversations");
  assert.equal(error, null, error?.message);
  return data!;
}

async function stored(conversationId: string): Promise<{ messages: number; last_seq: number }> {
  const [row] = await sql<{ messages: number; last_seq: number }[]>`
    select (select count(*)::int from public.messages m where m.conversation_id = c.id) as messages, c.last_seq::int as last_seq
    from public.conversations c where c.id = ${conversationId}`;
  return { ...row! };
}

test("placing an order opens the customer–store conversation, listed for the customer and the store's merchant", async () => {
  const { customer, merchant, order, chat } = await placedOrder("chat-opens");
  for (const member of [customer, merchant]) {
    const listed = (await myConversations(member)).filter((c) => c.order_id === order.id);
    assert.deepEqual(
      listed.map((c) => ({ id: c.conversation_id, kind: c.kind, closed_at: c.closed_at, last_seq: c.last_seq, unread: c.unread_count })),
      [{ id: chat, kind: "customer_store", closed_at: null, last_seq: 0, unread: 0 }],
    );
  }
  const members = await sql<{ user_id: string }[]>`select user_id from public.conversation_members where conversation_id = ${chat}`;
  assert.deepEqual(members.map((m) => m.user_id).sort(), [customer.userId, merchant.userId].sort());
});

test("messages reach the other member live, in sequence order, with nothing missing at any moment", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-live");
  const atCustomer = await openAs(customer, chat);
  const atStore = await openAs(merchant, chat);
  const snapshots: number[][] = [];
  atStore.onChange(() => snapshots.push(seqs(atStore)));

  await atCustomer.send("Do you have 5 kg atta?");
  await atCustomer.send("The Aashirvaad one");
  await until(atStore, () => atStore.messages.length === 2, "the customer's two messages at the store");
  await atStore.send("Yes, packing it now");
  await until(atCustomer, () => atCustomer.messages.length === 3, "the store's reply at the customer");
  await until(atStore, () => atStore.messages.length === 3, "three messages at the store");

  const expected = ["Do you have 5 kg atta?", "The Aashirvaad one", "Yes, packing it now"];
  assert.deepEqual(bodies(atStore), expected);
  assert.deepEqual(bodies(atCustomer), expected);
  assert.deepEqual(seqs(atStore), [1, 2, 3]);
  assert.deepEqual(atStore.messages.map((m) => m.sender_id), [customer.userId, customer.userId, merchant.userId]);
  assert.equal(atStore.lastSeq, 3);
  for (const s of snapshots) assert.deepEqual(s, s.map((_, i) => i + 1), `every state the store saw was 1..n: ${JSON.stringify(snapshots)}`);
});

test("a send replayed with the same clientMsgId returns the stored message, and the other member receives it once", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-replay");
  const atCustomer = await openAs(customer, chat);
  const atStore = await openAs(merchant, chat);
  const { heard } = await listen(merchant, chat);

  const clientMsgId = randomUUID();
  const first = await atCustomer.send("Please add a bag of sugar", clientMsgId);
  const again = await atCustomer.send("Please add a bag of sugar", clientMsgId);
  assert.deepEqual(again, first);
  // Even a retry whose body changed (an edited outbox entry) gets the stored message back.
  const edited = await customer.supabase.rpc("send_message", { conversation_id: chat, client_msg_id: clientMsgId, body: "edited" });
  assert.deepEqual(edited.data, first);

  const next = await atCustomer.send("Thanks!");
  await heard.until((items) => items.some((x) => x.event === "message" && x.payload.id === next.id), WAIT_MS, "the next message");
  assert.deepEqual(
    heard.items.filter((x) => x.event === "message").map((x) => [x.payload.seq, x.payload.client_msg_id]),
    [[1, clientMsgId], [2, next.client_msg_id]],
  );
  await until(atStore, () => atStore.messages.length === 2, "both messages at the store");
  assert.deepEqual(bodies(atStore), ["Please add a bag of sugar", "Thanks!"]);
  assert.deepEqual(await stored(chat), { messages: 2, last_seq: 2 });
});

test("read receipts reach the sender: its receipts map follows the reader's mark_delivered and mark_read", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-receipts");
  const atCustomer = await openAs(customer, chat);
  const atStore = await openAs(merchant, chat);
  assert.deepEqual(receiptOf(atCustomer, merchant.userId), { last_delivered_seq: 0, last_read_seq: 0 });

  await atCustomer.send("Is the order ready?");
  await atCustomer.send("I am at the gate");
  await until(atStore, () => atStore.lastSeq === 2, "both messages at the store");

  await atStore.markDelivered(1);
  await until(atCustomer, () => atCustomer.receipts.get(merchant.userId)?.last_delivered_seq === 1, "the delivered receipt");
  assert.deepEqual(receiptOf(atCustomer, merchant.userId), { last_delivered_seq: 1, last_read_seq: 0 });

  await atStore.markRead();
  await until(atCustomer, () => atCustomer.receipts.get(merchant.userId)?.last_read_seq === 2, "the read receipt");
  assert.deepEqual(receiptOf(atCustomer, merchant.userId), { last_delivered_seq: 2, last_read_seq: 2 });
  const [row] = await sql`select last_delivered_seq::int, last_read_seq::int from public.conversation_members
                          where conversation_id = ${chat} and user_id = ${merchant.userId}`;
  assert.deepEqual({ ...row }, { last_delivered_seq: 2, last_read_seq: 2 });
});

test("my_conversations counts the other member's unread messages, and mark_read brings the count back to 0", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-unread");
  for (const body of ["One", "Two", "Three"]) {
    const { error } = await customer.supabase.rpc("send_message", { conversation_id: chat, client_msg_id: randomUUID(), body });
    assert.equal(error, null, error?.message);
  }
  const row = async (member: Person) => (await myConversations(member)).find((c) => c.conversation_id === chat)!;

  assert.deepEqual(
    (({ unread_count, last_read_seq, last_seq, last_message_body }) => ({ unread_count, last_read_seq, last_seq, last_message_body }))(await row(merchant)),
    { unread_count: 3, last_read_seq: 0, last_seq: 3, last_message_body: "Three" },
  );
  assert.equal((await row(customer)).unread_count, 0, "one's own messages are never unread");

  assert.equal((await merchant.supabase.rpc("mark_read", { conversation_id: chat, up_to_seq: 2 })).error, null);
  assert.equal((await row(merchant)).unread_count, 1);
  assert.equal((await merchant.supabase.rpc("mark_read", { conversation_id: chat, up_to_seq: 3 })).error, null);
  assert.equal((await row(merchant)).unread_count, 0);
});

test("typing: the other member sees the typer, and it clears by itself after about 3 seconds of silence", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-typing");
  const atCustomer = await openAs(customer, chat);
  const atStore = await openAs(merchant, chat);

  await atCustomer.typed();
  await until(atStore, () => atStore.typing.includes(customer.userId), "the customer typing");
  const shownAt = Date.now();
  assert.deepEqual(atStore.typing, [customer.userId]);
  assert.deepEqual(atCustomer.typing, [], "the typer does not see themself typing");

  await until(atStore, () => atStore.typing.length === 0, "typing to clear", TYPING_TIMEOUT_MS + WAIT_MS);
  assert.ok(Date.now() - shownAt >= TYPING_TIMEOUT_MS - 200, "it cleared by timing out, not at once");
  assert.equal(atStore.messages.length, 0, "no message came to clear it");
});

test("presence: both members show as online, and one who leaves disappears for the other", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-presence");
  const atCustomer = await openAs(customer, chat);
  const atStore = await openAs(merchant, chat);
  const both = [customer.userId, merchant.userId].sort();
  await until(atCustomer, () => atCustomer.online.size === 2, "both online at the customer");
  await until(atStore, () => atStore.online.size === 2, "both online at the store");
  assert.deepEqual([...atCustomer.online].sort(), both);
  assert.deepEqual([...atStore.online].sort(), both);

  await atStore.close();
  await until(atCustomer, () => !atCustomer.online.has(merchant.userId), "the store to leave");
  assert.deepEqual([...atCustomer.online], [customer.userId]);
});

test("a stranger cannot join the conversation's topic, read its messages, send to it or mark it", async () => {
  const { customer, chat } = await placedOrder("chat-stranger");
  const atCustomer = await openAs(customer, chat);
  await atCustomer.send("Only for the store");
  const stranger = await party("customer", "chat-stranger-other");

  const spy = new Conversation(stranger.supabase, chat, stranger.userId);
  opened.push(spy);
  await assert.rejects(spy.open(), { message: `Unauthorized: You do not have permissions to read from this Channel topic: conversation:${chat}` });
  assert.deepEqual(spy.messages, []);

  const read = await stranger.supabase.from("messages").select("*").eq("conversation_id", chat);
  assert.deepEqual({ error: read.error, data: read.data }, { error: null, data: [] });
  const listed = await stranger.supabase.from("conversations").select("id").eq("id", chat);
  assert.deepEqual(listed.data, []);

  const sent = await stranger.supabase.rpc("send_message", { conversation_id: chat, client_msg_id: randomUUID(), body: "hello?" });
  assert.deepEqual([sent.status, sent.error?.code], [403, "not_a_member"]);
  const marked = await stranger.supabase.rpc("mark_read", { conversation_id: chat, up_to_seq: 1 });
  assert.deepEqual([marked.status, marked.error?.code], [403, "not_a_member"]);
  assert.deepEqual(await stored(chat), { messages: 1, last_seq: 1 });
});

test("an empty or a 5001-character message is refused with 400, and nothing is stored or broadcast", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-bounds");
  const { heard } = await listen(merchant, chat);
  const atCustomer = await openAs(customer, chat);

  for (const body of ["", " \t\n ", "x".repeat(5001)]) {
    const sent = await customer.supabase.rpc("send_message", { conversation_id: chat, client_msg_id: randomUUID(), body });
    assert.equal(sent.status, 400, `${body.length} characters: ${sent.error?.message}`);
    assert.equal(sent.error?.code, "22023");
    // The app refuses them before asking the server.
    await assert.rejects(atCustomer.send(body), { name: "$ZodError" });
  }
  assert.deepEqual(await stored(chat), { messages: 0, last_seq: 0 });

  // 5000 characters is the limit: the first message anything broadcast is this one, as seq 1.
  const longest = await atCustomer.send("y".repeat(5000));
  await heard.until((items) => items.some((x) => x.event === "message"), WAIT_MS, "a message");
  const messages = heard.items.filter((x) => x.event === "message");
  assert.deepEqual(messages.map((x) => [x.payload.id, x.payload.seq]), [[longest.id, 1]]);
  assert.deepEqual(await stored(chat), { messages: 1, last_seq: 1 });
});

test("a member who was offline opens the conversation holding every message exactly once, in order", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-offline");
  const atCustomer = await openAs(customer, chat);
  const sent = [];
  for (const body of ["Hello", "Is anyone there?", "I need it by 6", "Thanks"]) sent.push(await atCustomer.send(body));

  const atStore = await openAs(merchant, chat);
  assert.deepEqual(atStore.messages, sent, "open() resolves with the backlog loaded");

  const live = await atCustomer.send("One more thing");
  await until(atStore, () => atStore.messages.length === 5, "the live message after the backlog");
  assert.deepEqual(atStore.messages.map((m) => m.id), [...sent, live].map((m) => m.id));
  assert.deepEqual(seqs(atStore), [1, 2, 3, 4, 5]);
});

test("a member whose channel was closed re-opens and fills the gap, with no duplicates", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-reopen");
  const atCustomer = await openAs(customer, chat);
  const atStore = await openAs(merchant, chat);
  await atCustomer.send("Before");
  await until(atStore, () => atStore.lastSeq === 1, "the first message");

  await atStore.close();
  await atCustomer.send("While away 1");
  await atCustomer.send("While away 2");
  await atStore.open();
  assert.deepEqual(bodies(atStore), ["Before", "While away 1", "While away 2"]);

  await atCustomer.send("After");
  await until(atStore, () => atStore.messages.length === 4, "the message after re-opening");
  assert.deepEqual(seqs(atStore), [1, 2, 3, 4]);
  assert.equal(new Set(atStore.messages.map((m) => m.id)).size, 4);
});

test("a live message past a hole makes the subscribed member fetch the one it missed", async () => {
  const { customer, merchant, chat } = await placedOrder("chat-hole");
  const atCustomer = await openAs(customer, chat);
  const atStore = await openAs(merchant, chat);
  await atCustomer.send("First");
  await until(atStore, () => atStore.lastSeq === 1, "the first message");

  // Message 2 is stored without reaching the topic, as when its broadcast is lost on the way.
  await sql.begin(async (tx) => {
    const [c] = await tx<{ seq: string }[]>`update public.conversations set last_seq = last_seq + 1 where id = ${chat} returning last_seq as seq`;
    await tx`insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
             values (${chat}, ${c!.seq}, ${customer.userId}, ${randomUUID()}, 'Missed')`;
  });
  assert.deepEqual(seqs(atStore), [1]);

  await atCustomer.send("Third");
  await until(atStore, () => atStore.lastSeq === 3, "the hole to be filled");
  assert.deepEqual(bodies(atStore), ["First", "Missed", "Third"]);
  assert.deepEqual(seqs(atStore), [1, 2, 3]);
});

describe("a rider taken off an order is cut off from its conversations", () => {
  let customer: Person;
  let merchant: Person;
  let order: OrderJson;
  let first: Person;
  let second: Person;
  let withCustomer: string;
  let withStore: string;
  let firstAtCustomerChat: Conversation;
  let customerAtFirstChat: Conversation;
  let firstStillListening: Awaited<ReturnType<typeof listen>>;

  before(async () => {
    let shop: Shop;
    ({ shop, customer, merchant, order } = await placedOrder("chat-reassign"));
    [first, second] = await Promise.all([riderAt(sql, "chat-rider-1"), riderAt(sql, "chat-rider-2")]);
    track(first.supabase);
    track(second.supabase);
    await makeReady(shop, order.id);
    const claimed = await first.supabase.rpc("claim_delivery", { order_id: order.id });
    assert.equal(claimed.error, null, claimed.error?.message);
    withCustomer = await conversationOf(order.id, "customer_rider", first.userId);
    withStore = await conversationOf(order.id, "store_rider", first.userId);

    // The first rider and the customer chat while the job is theirs.
    firstAtCustomerChat = await openAs(first, withCustomer);
    firstStillListening = await listen(first, withCustomer);
    customerAtFirstChat = await openAs(customer, withCustomer);
    await firstAtCustomerChat.send("On my way to the store");
    await customerAtFirstChat.send("Great, call me at the gate");
    await until(firstAtCustomerChat, () => firstAtCustomerChat.lastSeq === 2, "the customer's reply at the rider");
    await firstStillListening.heard.count(2);
    await first.supabase.rpc("send_message", { conversation_id: withStore, client_msg_id: randomUUID(), body: "Coming for the order" });

    // The first rider gives the job up and the second takes it.
    assert.equal((await first.supabase.rpc("release_delivery", { order_id: order.id })).error, null);
    const taken = await second.supabase.rpc("claim_delivery", { order_id: order.id });
    assert.equal(taken.error, null, taken.error?.message);
  });

  it("the removed rider reads none of those conversations or their messages over REST", async () => {
    const conversations = await first.supabase.from("conversations").select("id").eq("order_id", order.id);
    assert.deepEqual({ error: conversations.error, data: conversations.data }, { error: null, data: [] });
    const messages = await first.supabase.from("messages").select("id").in("conversation_id", [withCustomer, withStore]);
    assert.deepEqual({ error: messages.error, data: messages.data }, { error: null, data: [] });
    assert.deepEqual((await myConversations(first)).filter((c) => c.order_id === order.id), []);
  });

  it("the removed rider's sends are refused with 403 not_a_member, everybody else's with 409 conversation_closed", async () => {
    for (const conversation_id of [withCustomer, withStore]) {
      const byRider = await first.supabase.rpc("send_message", { conversation_id, client_msg_id: randomUUID(), body: "still there?" });
      assert.deepEqual([byRider.status, byRider.error?.code], [403, "not_a_member"]);
    }
    const byCustomer = await customer.supabase.rpc("send_message", { conversation_id: withCustomer, client_msg_id: randomUUID(), body: "hello?" });
    assert.deepEqual([byCustomer.status, byCustomer.error?.code], [409, "conversation_closed"]);
    const byStore = await merchant.supabase.rpc("send_message", { conversation_id: withStore, client_msg_id: randomUUID(), body: "hello?" });
    assert.deepEqual([byStore.status, byStore.error?.code], [409, "conversation_closed"]);
    assert.deepEqual(await stored(withCustomer), { messages: 2, last_seq: 2 });
    assert.deepEqual(await stored(withStore), { messages: 1, last_seq: 1 });
  });

  it("a fresh join by the removed rider is refused, and the rider's still-open channel gets the close and nothing further", async () => {
    const again = await subscribe(track(await signIn(first.email)).channel(`conversation:${withCustomer}`, { config: { private: true } }));
    assert.equal(again.status, "CHANNEL_ERROR");
    assert.equal(again.err?.message, `Unauthorized: You do not have permissions to read from this Channel topic: conversation:${withCustomer}`);

    // Both devices that had the conversation open hear it close, and go read-only: the customer's
    // send is refused, typing sends nothing, and reading it sends no receipt. Then a marker from the
    // database on the topic: whatever was sent there before it arrives before it.
    await until(customerAtFirstChat, () => customerAtFirstChat.closedAt !== null, "the customer's device hearing the conversation close");
    await until(firstAtCustomerChat, () => firstAtCustomerChat.closedAt !== null, "the rider's device hearing the conversation close");
    await assert.rejects(customerAtFirstChat.send("are you coming?"), { code: "conversation_closed" });
    await customerAtFirstChat.typed();
    await customerAtFirstChat.markRead(2);
    await sql`select realtime.send('{}'::jsonb, 'marker', ${`conversation:${withCustomer}`}, true)`;
    await firstStillListening.heard.until((items) => items.some((x) => x.event === "marker"), WAIT_MS, "the marker");
    assert.deepEqual(
      firstStillListening.heard.items.map((x) => (x.event === "message" ? `message ${x.payload.seq}` : x.event)),
      ["message 1", "message 2", "closed", "marker"],
    );
    assert.deepEqual(bodies(firstAtCustomerChat), ["On my way to the store", "Great, call me at the gate"]);
  });

  it("the removed rider's still-open channel is closed by Realtime at its next token refresh", async () => {
    // A new token for the same rider, as Auth's refresh issues (signed here: a refresh within the
    // second of signing in would give the very same token, and Realtime re-checks only new ones).
    const { supabase, system, log } = firstStillListening;
    await supabase.realtime.setAuth(userToken(first.userId, 600, { refreshed: true }));
    await system.until((items) => items.some((x) => x.status === "error"), WAIT_MS, "Realtime's refusal");
    assert.equal(system.items.find((x) => x.status === "error")!.message, `You do not have permissions to read from this Channel topic: conversation:${withCustomer}`);
    await log.next(["CLOSED"], 1);
  });

  it("the customer keeps the closed conversation in the list, marked closed", async () => {
    const listed = (await myConversations(customer)).filter((c) => c.order_id === order.id);
    const old = listed.find((c) => c.conversation_id === withCustomer)!;
    assert.notEqual(old.closed_at, null);
    assert.equal(old.last_message_body, "Great, call me at the gate");
    assert.deepEqual(listed.map((c) => c.kind).sort(), ["customer_rider", "customer_rider", "customer_store"]);
  });

  it("the new rider gets new conversations with the customer and the store, and chats in them", async () => {
    const toCustomer = await conversationOf(order.id, "customer_rider", second.userId);
    const toStore = await conversationOf(order.id, "store_rider", second.userId);
    assert.notEqual(toCustomer, withCustomer);
    assert.deepEqual(
      (await myConversations(second)).filter((c) => c.order_id === order.id).map((c) => [c.conversation_id, c.kind, c.closed_at, c.last_seq]).sort(),
      [[toCustomer, "customer_rider", null, 0], [toStore, "store_rider", null, 0]].sort(),
    );

    const riderAtCustomerChat = await openAs(second, toCustomer);
    const customerAtNewChat = await openAs(customer, toCustomer);
    await riderAtCustomerChat.send("I have picked up your order");
    await until(customerAtNewChat, () => customerAtNewChat.lastSeq === 1, "the new rider's message");
    await customerAtNewChat.send("See you soon");
    await until(riderAtCustomerChat, () => riderAtCustomerChat.lastSeq === 2, "the customer's reply");
    assert.deepEqual(bodies(riderAtCustomerChat), ["I have picked up your order", "See you soon"]);

    const riderAtStoreChat = await openAs(second, toStore);
    const storeAtNewChat = await openAs(merchant, toStore);
    await storeAtNewChat.send("Counter 2, ask for Ravi");
    await until(riderAtStoreChat, () => riderAtStoreChat.lastSeq === 1, "the store's message");
    assert.deepEqual(bodies(riderAtStoreChat), ["Counter 2, ask for Ravi"]);
  });
});
