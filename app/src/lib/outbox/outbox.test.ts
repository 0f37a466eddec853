// The app's outbox (app/src/lib/outbox/outbox.ts): pure logic over an in-memory store shared by
// "tabs", no server. Oldest first, backoff then failed, refusals kept, nothing tried offline,
// an edit under a new id, and two tabs draining at once sending each item once.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Outbox, BACKOFF_SECONDS, type OutboxStorage, type SendOutcome, type Sender } from "./outbox.js";

function memory(): OutboxStorage {
  const map = new Map<string, unknown>();
  return {
    getItem: async <T>(key: string) => (structuredClone(map.get(key)) as T) ?? null,
    setItem: async <T>(key: string, value: T) => (map.set(key, structuredClone(value)), value),
    removeItem: async (key: string) => void map.delete(key),
    keys: async () => [...map.keys()],
  };
}

/** The part of Web Locks the outbox uses: one holder of a name at a time, the others queued. */
function locks(): LockManager {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request: (name: string, run: () => Promise<unknown>) => {
      const result = (tails.get(name) ?? Promise.resolve()).then(run);
      tails.set(name, result.catch(() => {}));
      return result;
    },
  } as unknown as LockManager;
}

const answering = (outcomes: SendOutcome[], seen: string[] = []): Sender => async (item) => {
  seen.push(item.id);
  await new Promise((r) => setImmediate(r));
  return outcomes.shift() ?? { ok: true, result: item.id };
};

describe("the outbox", () => {
  it("sends oldest first and keeps what the server refused for the person", async () => {
    let clock = 1000;
    const seen: string[] = [];
    const outbox = new Outbox({ storage: memory(), senders: { x: answering([{ ok: true, result: 1 }, { ok: false, attention: "out of stock" }], seen) }, now: () => clock++ });
    await outbox.add("x", "a", {}, "A");
    await outbox.add("x", "b", {}, "B");
    await outbox.drain();
    assert.deepEqual(seen, ["a", "b"]);
    assert.deepEqual((await outbox.items()).map((i) => [i.id, i.state]), [["a", "done"], ["b", "needs_attention"]]);
    assert.equal(await outbox.pending(), 1);
    await outbox.retry("b");
    await outbox.drain();
    assert.equal((await outbox.items())[1]!.state, "done");
    outbox.stop();
  });

  it("backs off 1, 2, 4, 8 and 16 s, then marks the item failed", async () => {
    let clock = 0;
    const outbox = new Outbox({ storage: memory(), senders: { x: async () => ({ ok: false, retry: "503" }) }, now: () => clock });
    await outbox.add("x", "a", {}, "A");
    for (const wait of BACKOFF_SECONDS) {
      await outbox.drain();
      const [item] = await outbox.items();
      assert.equal(item!.state, "queued");
      assert.equal(item!.notBefore, clock + wait * 1000);
      clock += wait * 1000;
    }
    await outbox.drain();
    const [item] = await outbox.items();
    assert.equal(item!.state, "failed");
    assert.equal(item!.failures, BACKOFF_SECONDS.length + 1);
    outbox.stop();
  });

  it("tries nothing offline, and a network lost mid-send is not counted as a failure", async () => {
    let online = false;
    const seen: string[] = [];
    const outbox = new Outbox({
      storage: memory(),
      senders: { x: async (item) => (seen.push(item.id), (online = false), { ok: false, retry: "no network" }) },
      online: () => online,
    });
    await outbox.add("x", "a", {}, "A");
    await outbox.drain();
    assert.deepEqual(seen, []);
    online = true;
    await outbox.drain();
    const [item] = await outbox.items();
    assert.deepEqual([seen, item!.state, item!.failures, item!.notBefore], [["a"], "queued", 0, 0]);
    outbox.stop();
  });

  it("an edited item takes a new id and keeps its place", async () => {
    let clock = 0;
    const outbox = new Outbox({ storage: memory(), senders: { x: answering([{ ok: false, attention: "price changed" }]) }, now: () => clock++ });
    await outbox.add("x", "a", { total: 1 }, "A");
    await outbox.drain();
    await assert.rejects(outbox.edit("nope", {}));
    await outbox.add("x", "b", {}, "B");
    await outbox.edit("a", { total: 2 }, "a2");
    const items = await outbox.items();
    assert.deepEqual(items.map((i) => [i.id, i.state, i.payload]), [["a2", "queued", { total: 2 }], ["b", "queued", {}]]);
    outbox.stop();
  });

  it("two tabs draining at once send each item once", async () => {
    const storage = memory();
    const lockManager = locks();
    const seen: string[] = [];
    const sender = answering([], seen);
    const tabA = new Outbox({ storage, senders: { x: sender }, locks: lockManager });
    const tabB = new Outbox({ storage, senders: { x: sender }, locks: lockManager });
    await tabA.add("x", "a", {}, "A");
    await tabB.add("x", "b", {}, "B");
    await Promise.all([tabA.drain(), tabB.drain(), tabA.drain()]);
    assert.deepEqual(seen.sort(), ["a", "b"]);
    assert.deepEqual((await tabB.items()).map((i) => i.state), ["done", "done"]);
    tabA.stop();
    tabB.stop();
  });
});
