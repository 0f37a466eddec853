// The signed-in person's outbox in this browser, shared by the header's badge, checkout and the
// pending screen. Made by the signed-in layout (start) and only in the browser.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { keptStore } from "../offline/kept.js";
import { drainWhenOnline, Outbox, requestBackgroundSync, type OutboxItem, type Sender } from "./outbox.js";
import { pendingCookie } from "./pending-cookie.js";
import { availabilitySender, cancelRequestSender, cancelSender, checkoutSender, deliveryProofSender, deliverySender, inventorySender, messageSender, pickupSender, productImageSender } from "./senders.js";

class DeviceOutbox {
  outbox = $state<Outbox | undefined>();
  items = $state<OutboxItem[]>([]);
  /** False until the stored items have been read. */
  loaded = $state(false);
  /** The pending screen in the person's own area ("/customer/pending"). */
  screen = $state("");
  /** Items not yet done: what the badge counts. */
  readonly pending = $derived(this.items.filter((i) => i.state !== "done").length);

  /**
   * Queues a write and sends it at once if the device is online; offline, asks for a Background
   * Sync. Resolves with the item as it stands after that first drain.
   */
  async send<P>(kind: string, id: string, payload: P, label: string): Promise<OutboxItem> {
    const outbox = this.outbox;
    if (!outbox) throw new Error("the outbox is not ready");
    await outbox.add(kind, id, payload, label);
    if (navigator.onLine) await outbox.drain();
    else await requestBackgroundSync();
    return (await outbox.items()).find((i) => i.id === id)!;
  }
}

export const device = new DeviceOutbox();

/**
 * The user's own store (localforage over IndexedDB), one per user on a shared phone. The client
 * is asked for only when something is sent, so the outbox opens without waiting for it.
 */
export async function start(client: () => Promise<SupabaseClient<Database>>, userId: string, screen: string): Promise<() => void> {
  const lazy =
    (sender: (supabase: SupabaseClient<Database>) => Sender): Sender =>
    async (item) =>
      sender(await client())(item);
  const storage = await keptStore("outbox", userId);
  const outbox = new Outbox({
    storage,
    senders: {
      checkout: lazy(checkoutSender),
      message: lazy(messageSender),
      inventory: lazy(inventorySender),
      product_image: lazy(productImageSender),
      delivery_proof: lazy(deliveryProofSender),
      availability: lazy(availabilitySender),
      pickup: lazy(pickupSender),
      delivery: lazy(deliverySender),
      cancel: lazy(cancelSender),
      cancel_request: lazy(cancelRequestSender),
    },
    locks: navigator.locks,
    online: () => navigator.onLine,
    channel: `kirana-outbox-${userId}`,
  });
  const refresh = (items: OutboxItem[]) => {
    device.items = items;
    device.loaded = true;
    document.cookie = pendingCookie(userId, device.pending);
  };
  const unsubscribe = outbox.onChange(refresh);
  device.outbox = outbox;
  device.screen = screen;
  refresh(await outbox.items());
  const stop = drainWhenOnline(outbox);
  return () => {
    unsubscribe();
    stop();
    if (device.outbox === outbox) {
      device.outbox = undefined;
      device.items = [];
      device.loaded = false;
    }
  };
}
