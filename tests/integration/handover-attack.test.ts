// A rider who wants to mark an order delivered without meeting the customer, with everything
// the rider's phone and API show them: the REST reads their role allows, the order's live topic,
// their notifications and the handover check kept on the phone. Nothing there holds the code or
// the token, nothing lets the phone make a token, a made-up token is refused and counted, and
// guessed codes lock the delivery before a guess can be expected to hit.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { acceptOrder, claim, deliver, handoverCheck, markPickedUp, setStatus, type HandoverCheck } from "../../app/src/lib/deliveries/deliveries.js";
import { verifyHandoverToken } from "../../app/src/lib/deliveries/handover-token.js";
import { handoverCode, handoverToken } from "../../app/src/lib/orders/orders.js";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder, riderAt, type Person, type Shop } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const b64url = (bytes: ArrayBuffer) => Buffer.from(bytes).toString("base64url");

/** An order of the customer's, ready and picked up by the rider. */
async function pickedUp(shop: Shop, customer: Person, rider: Person): Promise<string> {
  const order = await placeOrder(customer, orderRequest(shop, [["SUGAR", 1]]));
  await acceptOrder(shop.merchant.supabase, order.id);
  await setStatus(shop.merchant.supabase, order.id, "preparing");
  await setStatus(shop.merchant.supabase, order.id, "ready");
  await claim(rider.supabase, order.id);
  await markPickedUp(rider.supabase, order.id);
  return order.id;
}

/** Everything the rider can read about an order over REST and RPC, as one JSON text. */
async function riderReads(rider: Person, orderId: string): Promise<string> {
  const api = rider.supabase;
  const reads = await Promise.all([
    api.from("orders").select("*, order_items(*), order_events(*)").eq("id", orderId),
    api.from("conversations").select("*").eq("order_id", orderId),
    api.from("messages").select("*"),
    api.from("notifications").select("*"),
    api.from("rider_locations").select("*").eq("order_id", orderId),
    api.rpc("handover_check", { order_id: orderId }),
  ]);
  for (const r of reads) assert.equal(r.error, null, JSON.stringify(r.error));
  return JSON.stringify(reads.map((r) => r.data));
}

describe("a rider without the customer", () => {
  it("cannot deliver: no token from what they see, a made-up token is refused, and guessed codes lock", async () => {
    const shop = await openShop(sql, "handover-attack", [{ sku: "SUGAR", price_paise: 4500, stock: 20 }]);
    const customer = await person("customer", "handover-attack-buyer");
    const rider = await riderAt(sql, "handover-attack-rider");
    const orderId = await pickedUp(shop, customer, rider);

    // The rider listens on the order's topic while the customer's phone shows the handover.
    const heard: unknown[] = [];
    const channel = rider.supabase
      .channel(`order:${orderId}`, { config: { private: true } })
      .on("broadcast", { event: "*" }, (m) => heard.push(m));
    await new Promise<void>((resolve, reject) =>
      channel.subscribe((status, err) => (status === "SUBSCRIBED" ? resolve() : status !== "CLOSED" && reject(err ?? new Error(status)))),
    );
    let code: string, token: string, kept: HandoverCheck, seen: string;
    try {
      code = await handoverCode(customer.supabase, orderId);
      token = await handoverToken(customer.supabase, orderId);
      kept = await handoverCheck(rider.supabase, orderId);
      assert.equal((await rider.supabase.rpc("report_location", { order_id: orderId, lat: 18.5205, lng: 73.8568 })).error, null);
      seen = (await riderReads(rider, orderId)) + JSON.stringify(heard) + JSON.stringify(kept);
    } finally {
      await rider.supabase.removeChannel(channel);
      // An open socket would keep the test process alive.
      rider.supabase.realtime.disconnect();
    }
    // What the phone keeps, and every read: none holds the token, its nonce or its signature.
    const [, nonce, signature] = token.split(".") as [string, string, string];
    for (const secret of [token, nonce, signature]) assert.ok(!seen.includes(secret), "the rider never sees the token or its parts");
    assert.deepEqual(Object.keys(kept).sort(), ["algorithm", "attempts_left", "locked", "order_id", "public_key"]);
    // The kept check is the same for every order but for its id: it cannot encode the code.
    const otherOrder = await pickedUpByAnother(shop, customer);
    assert.deepEqual({ ...(await handoverCheck(otherOrder.rider.supabase, otherOrder.id)), order_id: orderId }, kept);

    // Offline, the phone accepts only a token the platform signed for this order. A token the
    // rider signs with a key of their own, over the order id and any nonce, fails there.
    const own = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const madeNonce = b64url(crypto.getRandomValues(new Uint8Array(16)).buffer);
    const madeSignature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, own.privateKey, new TextEncoder().encode(`kirana-handover:${orderId}:${madeNonce}`));
    const made = `${orderId}.${madeNonce}.${b64url(madeSignature)}`;
    assert.equal(await verifyHandoverToken(kept, made), false, "the phone refuses a token the rider made");
    // Swapping in their own public key fools only their own phone: the server compares the
    // token with the one it issued.
    const ownKey = b64url(await crypto.subtle.exportKey("raw", own.publicKey));
    assert.equal(await verifyHandoverToken({ ...kept, public_key: ownKey }, made), true);
    assert.deepEqual(await deliver(rider.supabase, orderId, { token: made }), { kind: "wrong", attemptsLeft: 4 });
    // Another order's genuine token (a QR code seen at another door) is no better.
    assert.equal(await verifyHandoverToken(kept, await handoverToken(customer.supabase, otherOrder.id)), false);
    assert.deepEqual(await deliver(rider.supabase, orderId, { token: await handoverToken(customer.supabase, otherOrder.id) }), {
      kind: "wrong",
      attemptsLeft: 3,
    });

    // Guessing codes online: each wrong one counts, and the limit locks the delivery. (The test
    // guesses only wrong codes; a real guesser's chance within the limit is 5 in 10,000.)
    const guesses = ["0000", "1234", "9999", "4321", "1111"].filter((g) => g !== code).slice(0, 3);
    assert.deepEqual(await deliver(rider.supabase, orderId, { code: guesses[0]! }), { kind: "wrong", attemptsLeft: 2 });
    assert.deepEqual(await deliver(rider.supabase, orderId, { code: guesses[1]! }), { kind: "wrong", attemptsLeft: 1 });
    assert.deepEqual(await deliver(rider.supabase, orderId, { code: guesses[2]! }), { kind: "locked" });
    assert.deepEqual(await deliver(rider.supabase, orderId, { code }), { kind: "locked" }, "once locked, not even the right code");
    assert.deepEqual(await deliver(rider.supabase, orderId, { token: made }), { kind: "locked" });
    assert.equal((await sql<{ status: string }[]>`select status from public.orders where id = ${orderId}`)[0]!.status, "picked_up");

    // At the door for real: the customer's QR code delivers even now.
    assert.equal((await deliver(rider.supabase, orderId, { token })).kind, "delivered");
  });
});

/** A second order of the same customer, picked up by another rider. */
async function pickedUpByAnother(shop: Shop, customer: Person): Promise<{ id: string; rider: Person }> {
  const rider = await riderAt(sql, "handover-attack-other");
  return { id: await pickedUp(shop, customer, rider), rider };
}
