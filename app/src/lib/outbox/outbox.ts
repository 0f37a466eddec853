import { z } from "../zod.js";

/**
 * The device's outbox: writes made while offline (or on a flaky network) wait here, each with
 * the id that makes it safe to send twice (checkout's Idempotency-Key, a message's
 * client_msg_id), and are sent in the order they were made once the network is back. Nothing is
 * dropped silently: an item the server refuses waits for the person (needs_attention), and one
 * that keeps failing is marked failed, to be retried or discarded by hand.
 */

export type OutboxState = "queued" | "sending" | "done" | "needs_attention" | "failed";

export interface OutboxItem<P = unknown> {
  /** Also the idempotency key or client id the sender uses: the same on every attempt. */
  id: string;
  kind: string;
  payload: P;
  /** What the item is, for the outbox screen ("Order from Sharma Kirana"). */
  label: string;
  createdAt: number;
  state: OutboxState;
  failures: number;
  /** Not sent before this time (ms since the epoch): the backoff after a failure. */
  notBefore: number;
  /** Why the last attempt failed, or what the server refused and why. */
  problem: unknown;
  /** The server's answer once done (the order, the message). */
  result: unknown;
}

const itemSchema = z.object({
  id: z.string(),
  kind: z.string(),
  payload: z.unknown(),
  label: z.string(),
  createdAt: z.number(),
  state: z.enum(["queued", "sending", "done", "needs_attention", "failed"]),
  failures: z.number(),
  notBefore: z.number(),
  problem: z.unknown(),
  result: z.unknown(),
});

/** What a sender makes of one attempt. */
export type SendOutcome =
  | { ok: true; result: unknown }
  /** The server refused it for a reason a person must look at (out of stock, price changed). */
  | { ok: false; attention: unknown }
  /** It may not have arrived (offline, 5xx): try again later with the same id. */
  | { ok: false; retry: unknown };

export type Sender = (item: OutboxItem) => Promise<SendOutcome>;

/** The part of localforage (or any async key-value store shared by the tabs) the outbox uses. */
export interface OutboxStorage {
  getItem<T>(key: string): Promise<T | null>;
  setItem<T>(key: string, value: T): Promise<T>;
  removeItem(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

/**
 * The waits before the five retries that follow a failed first attempt; when the fifth retry
 * fails too, the item is failed and waits for the person.
 */
export const BACKOFF_SECONDS = [1, 2, 4, 8, 16] as const;

const LOCK = "outbox-drain";

export interface OutboxOptions {
  storage: OutboxStorage;
  senders: Record<string, Sender>;
  /** Web Locks: one tab drains at a time, so two tabs never send the same item. */
  locks?: LockManager;
  /** False while the device is offline: nothing is attempted (and no backoff is spent) then. */
  online?: () => boolean;
  /** A BroadcastChannel name: the other tabs' changes reach this tab's listeners too. */
  channel?: string;
  now?: () => number;
}

export class Outbox {
  readonly #storage: OutboxStorage;
  readonly #senders: Record<string, Sender>;
  readonly #locks: LockManager | undefined;
  readonly #now: () => number;
  readonly #online: () => boolean;
  readonly #channel: BroadcastChannel | undefined;
  readonly #listeners = new Set<(items: OutboxItem[]) => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: OutboxOptions) {
    this.#storage = options.storage;
    this.#senders = options.senders;
    this.#locks = options.locks;
    this.#now = options.now ?? Date.now;
    this.#online = options.online ?? (() => true);
    if (options.channel && typeof BroadcastChannel !== "undefined") {
      this.#channel = new BroadcastChannel(options.channel);
      this.#channel.onmessage = () => void this.#notify();
    }
  }

  /** Called with every item after any change this tab makes. */
  onChange(listener: (items: OutboxItem[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every item, oldest first; a stored value that does not parse is left out, not thrown. */
  async items(): Promise<OutboxItem[]> {
    const keys = await this.#storage.keys();
    const items: OutboxItem[] = [];
    for (const key of keys) {
      const parsed = itemSchema.safeParse(await this.#storage.getItem(key));
      if (parsed.success) items.push(parsed.data as OutboxItem);
    }
    return items.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Items not yet done: what the pending badge counts. */
  async pending(): Promise<number> {
    return (await this.items()).filter((i) => i.state !== "done").length;
  }

  async #save(item: OutboxItem): Promise<void> {
    await this.#storage.setItem(item.id, item);
  }

  async #changed(): Promise<void> {
    this.#channel?.postMessage("changed");
    await this.#notify();
  }

  async #notify(): Promise<void> {
    if (this.#listeners.size === 0) return;
    const items = await this.items();
    for (const listener of this.#listeners) listener(items);
  }

  /** Queues a write; `id` is its idempotency key or client id, made once by the caller. */
  async add<P>(kind: string, id: string, payload: P, label: string): Promise<OutboxItem<P>> {
    if (!this.#senders[kind]) throw new Error(`no sender for ${kind}`);
    const item: OutboxItem<P> = { id, kind, payload, label, createdAt: this.#now(), state: "queued", failures: 0, notBefore: 0, problem: null, result: null };
    await this.#save(item);
    await this.#changed();
    return item;
  }

  /** A failed or refused item, queued again from scratch (same id, so still sent at most once). */
  async retry(id: string): Promise<void> {
    const item = itemSchema.parse(await this.#storage.getItem(id)) as OutboxItem;
    if (item.state !== "failed" && item.state !== "needs_attention") return;
    await this.#save({ ...item, state: "queued", failures: 0, notBefore: 0, problem: null });
    await this.#changed();
  }

  /**
   * Replaces a refused or failed item's payload (the person edited it after a conflict) and
   * queues it again, keeping its place in the order. A server that stored its refusal under the
   * old id (checkout keeps a 409 for its key) needs `newId`: the edited request is a new one.
   */
  async edit(id: string, payload: unknown, newId: string = id): Promise<void> {
    const item = itemSchema.parse(await this.#storage.getItem(id)) as OutboxItem;
    if (item.state !== "failed" && item.state !== "needs_attention") throw new Error(`cannot edit a ${item.state} item`);
    await this.#save({ ...item, id: newId, payload, state: "queued", failures: 0, notBefore: 0, problem: null });
    if (newId !== id) await this.#storage.removeItem(id);
    await this.#changed();
  }

  /** Removes an item the person gave up on, or one done and acknowledged. */
  async discard(id: string): Promise<void> {
    await this.#storage.removeItem(id);
    await this.#changed();
  }

  /**
   * Sends what is due, oldest first, holding the drain lock so that another tab waits and then
   * sees the items this one finished. An item that must be retried stops the drain (what comes
   * after it waits, so the order holds) and schedules the next one.
   */
  async drain(options: { now?: boolean } = {}): Promise<void> {
    if (!this.#online()) return;
    const run = () => this.#drainLocked(options.now ?? false);
    if (this.#locks) await this.#locks.request(LOCK, run);
    else await run();
  }

  async #drainLocked(ignoreBackoff: boolean): Promise<void> {
    clearTimeout(this.#timer);
    for (const stale of await this.items()) {
      // Read again under the lock: another tab may have sent it meanwhile.
      const item = itemSchema.safeParse(await this.#storage.getItem(stale.id));
      if (!item.success) continue;
      const current = item.data as OutboxItem;
      if (current.state !== "queued" && current.state !== "sending") continue;
      // Offline since the drain began: stop without counting a failure; `online` drains again.
      if (!this.#online()) return;
      const wait = ignoreBackoff ? 0 : current.notBefore - this.#now();
      if (wait > 0) {
        this.#schedule(wait);
        return;
      }
      // `sending` survives a crash mid-attempt: the next drain sends it again with the same id.
      await this.#save({ ...current, state: "sending" });
      await this.#changed();
      const outcome = await this.#send(current);
      if (outcome.ok) {
        await this.#save({ ...current, state: "done", problem: null, result: outcome.result });
      } else if ("attention" in outcome) {
        await this.#save({ ...current, state: "needs_attention", problem: outcome.attention });
      } else if (!this.#online()) {
        // The network went away mid-attempt: not the item's fault; the next `online` sends it.
        await this.#save({ ...current, state: "queued", problem: outcome.retry });
        await this.#changed();
        return;
      } else {
        const failures = current.failures + 1;
        const wait = BACKOFF_SECONDS[failures - 1];
        if (wait === undefined) {
          await this.#save({ ...current, failures, state: "failed", notBefore: 0, problem: outcome.retry });
          await this.#changed();
          continue;
        }
        await this.#save({ ...current, failures, state: "queued", notBefore: this.#now() + wait * 1000, problem: outcome.retry });
        await this.#changed();
        this.#schedule(wait * 1000);
        return;
      }
      await this.#changed();
    }
  }

  async #send(item: OutboxItem): Promise<SendOutcome> {
    try {
      return await this.#senders[item.kind]!(item);
    } catch (error) {
      // A sender that throws has not reached a verdict: the same as no answer.
      return { ok: false, retry: error instanceof Error ? error.message : String(error) };
    }
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.drain(), ms);
  }

  /** Stops the backoff timer and the other tabs' news (the page is going away). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#channel?.close();
  }
}

/**
 * Drains now and whenever the network comes back: the `online` event, and Background Sync where
 * the browser has it (the service worker posts "outbox-drain" to the open pages). Returns a
 * function that stops listening.
 */
export function drainWhenOnline(outbox: Outbox): () => void {
  // The network is back: what waited for it goes now, not after the rest of its backoff.
  const drain = () => void outbox.drain({ now: true });
  const fromWorker = (event: MessageEvent) => event.data === "outbox-drain" && drain();
  addEventListener("online", drain);
  navigator.serviceWorker?.addEventListener("message", fromWorker);
  if (navigator.onLine) drain();
  return () => {
    removeEventListener("online", drain);
    navigator.serviceWorker?.removeEventListener("message", fromWorker);
    outbox.stop();
  };
}

/**
 * Asks the service worker for a Background Sync ("outbox-drain"), so the outbox drains when the
 * network returns even if the browser is between pages then; nothing where the browser lacks it.
 */
export async function requestBackgroundSync(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    // Not in TypeScript's DOM types yet.
    await (registration as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined)?.sync?.register("outbox-drain");
  } catch {
    // No service worker, or sync refused: the `online` event still drains an open page.
  }
}
