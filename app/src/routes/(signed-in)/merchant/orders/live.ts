// The store's private topic: new orders with their items, and status changes of its orders.
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { Constants, type Database } from "$lib/database.types";
import { placedOrderSchema, type OrderSummary, type PlacedOrder } from "$lib/orders/orders";

const orderChanged = z.object({
  order_id: z.string(),
  status: z.enum(Constants.public.Enums.order_status),
  status_reason: z.string().nullable(),
  rider_id: z.string().nullable(),
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
    subtotal_paise: o.subtotal_paise,
    delivery_fee_paise: o.delivery_fee_paise,
    small_order_fee_paise: o.small_order_fee_paise,
    total_paise: o.total_paise,
    delivery_address: o.delivery_address,
    notes: o.notes,
    created_at: o.created_at,
    updated_at: o.updated_at,
    store: { name: storeName },
    order_items: o.items,
  };
}

export interface StoreFeedHandlers {
  newOrder(order: PlacedOrder): void;
  changed(change: OrderChange): void;
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
    .subscribe((status) => {
      if (status === "SUBSCRIBED") on.joined();
      else on.left();
    });
  return () => void supabase.removeChannel(channel);
}
