// The store's private topic: new orders with their items, status changes of its orders and its
// customers' requests to cancel.
import type { SupabaseClient } from "@supabase/supabase-js";
import { SvelteMap } from "svelte/reactivity";
import { z } from "$lib/zod";
import { Constants, type Database } from "$lib/database.types";
import { subscribeLive } from "$lib/realtime/live";
import { cancellationRequestSchema, placedOrderSchema, type CancellationRequest, type OrderSummary, type PlacedOrder } from "$lib/orders/orders";

const orderChanged = z.object({
  order_id: z.string(),
  status: z.enum(Constants.public.Enums.order_status),
  status_reason: z.nullable(z.string()),
  rider_id: z.nullable(z.string()),
  updated_at: z.string(),
});
export type OrderChange = z.infer<typeof orderChanged>;

/** A new_order payload in the shape the page loads orders in. */
export function summaryOf(o: PlacedOrder, storeName: string): OrderSummary {
  return {
    id: o.id,
    status: o.status,
    status_reason: o.status_reason,
    store_id: o.store_id,
    rider_id: o.rider_id,
    // A new order has no door photo yet.
    delivery_proof_path: null,
    subtotal_paise: o.subtotal_paise,
    delivery_fee_paise: o.delivery_fee_paise,
    small_order_fee_paise: o.small_order_fee_paise,
    total_paise: o.total_paise,
    delivery_address: o.delivery_address,
    delivery_phone: o.delivery_phone,
    notes: o.notes,
    created_at: o.created_at,
    updated_at: o.updated_at,
    store: { name: storeName },
    order_items: o.items,
    cancellation_request: null,
  };
}

export interface StoreFeedHandlers {
  newOrder(order: PlacedOrder): void;
  changed(change: OrderChange): void;
  /** A customer asked to cancel, or the store answered. */
  cancellationRequest(request: CancellationRequest): void;
  /** Joined (again): anything missed while away should be loaded. */
  joined(): void;
  left(): void;
}

/** Joins `store:<id>`; returns how to leave. */
export function followStore(supabase: SupabaseClient<Database>, storeId: string, on: StoreFeedHandlers): () => void {
  const channel = supabase
    .channel(`store:${storeId}`, { config: { private: true } })
    .on("broadcast", { event: "new_order" }, ({ payload }) => {
      const order = placedOrderSchema.safeParse(payload);
      if (order.success) on.newOrder(order.data);
    })
    .on("broadcast", { event: "order_changed" }, ({ payload }) => {
      const change = orderChanged.safeParse(payload);
      if (change.success) on.changed(change.data);
    })
    .on("broadcast", { event: "cancellation_request" }, ({ payload }) => {
      const request = cancellationRequestSchema.safeParse(payload);
      if (request.success) on.cancellationRequest(request.data);
    });
  subscribeLive(channel, { joined: () => on.joined(), left: () => on.left() });
  return () => void supabase.removeChannel(channel);
}

/**
 * What the store's topic said since the page opened, kept apart from what the server loaded: a
 * load that was already under way when an order arrived or changed (the reload after every
 * button) must not put the list back as it was before.
 */
export class LiveOrders {
  // Reactive, so a list derived from merge() follows each arrival and change.
  private latest = new SvelteMap<string, OrderSummary>();

  /** A new order: kept until a load has it. */
  add(order: OrderSummary): void {
    if (!this.latest.has(order.id)) this.latest.set(order.id, order);
  }

  /** A change to an order the list shows (`current`): kept with its time, even when it leaves the list. */
  change(current: OrderSummary, change: OrderChange): void {
    const known = this.latest.get(change.order_id) ?? current;
    if (known.updated_at > change.updated_at) return;
    this.latest.set(change.order_id, { ...known, status: change.status, status_reason: change.status_reason, rider_id: change.rider_id, updated_at: change.updated_at });
  }

  /** The open orders, newest first: each as the newer of what was loaded and what arrived live. */
  merge(loaded: OrderSummary[], open: ReadonlySet<string>): OrderSummary[] {
    const byId = new Map(loaded.map((o) => [o.id, o]));
    for (const [id, o] of this.latest) {
      const fromLoad = byId.get(id);
      if (!fromLoad || fromLoad.updated_at < o.updated_at) byId.set(id, o);
    }
    return [...byId.values()].filter((o) => open.has(o.status)).sort((a, b) => b.created_at.localeCompare(a.created_at));
  }
}

/**
 * Joins `order:<id>` for its page: `changed` on each status change and request to cancel, and on
 * each rejoin after a drop (what changed meanwhile was not heard).
 */
export function followOrder(supabase: SupabaseClient<Database>, orderId: string, changed: () => void): () => void {
  const channel = supabase
    .channel(`order:${orderId}`, { config: { private: true } })
    .on("broadcast", { event: "order_changed" }, changed)
    .on("broadcast", { event: "cancellation_request" }, changed);
  subscribeLive(channel, { joined: (first) => first || changed() });
  return () => void supabase.removeChannel(channel);
}
