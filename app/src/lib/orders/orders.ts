import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import { Constants, type Database } from "../database.types.js";
import type { Cart, FieldErrors, OrderRequest } from "../cart/cart.js";
import { handoverCodeSchema, handoverTokenSchema } from "../deliveries/handover-token.js";
import { dataOf } from "./refusal.js";

type Client = SupabaseClient<Database>;
export type OrderStatus = Database["public"]["Enums"]["order_status"];

const point = z.object({ lat: z.number().check(z.gte(-90), z.lte(90)), lng: z.number().check(z.gte(-180), z.lte(180)) });

// quote_order's answer (private.quote). A line whose product the store does not have comes back
// with null name and price and available 0, and shows up as out_of_stock.
const quoteLine = z.object({
  product_id: z.string(),
  name: z.nullable(z.string()),
  unit: z.nullable(z.string()),
  unit_price_paise: z.nullable(z.number()),
  quantity: z.number(),
  line_total_paise: z.number(),
  if_unavailable: z.enum(Constants.public.Enums.substitution_preference),
  available: z.number(),
});

const shortItem = z.object({ product_id: z.string(), name: z.nullable(z.string()), requested: z.number(), available: z.number() });

// The reasons an order cannot be placed now, as quote_order lists them and checkout refuses
// with them (409, the same fields as details).
const storeClosed = z.object({ code: z.literal("store_closed"), message: z.string(), reopens_at: z.nullable(z.string()) });
const outsideRadius = z.object({
  code: z.literal("outside_radius"),
  message: z.string(),
  distance_m: z.number(),
  delivery_radius_m: z.number(),
});
const outOfStock = z.object({ code: z.literal("out_of_stock"), message: z.string(), items: z.array(shortItem) });
const problem = z.discriminatedUnion("code", [storeClosed, outsideRadius, outOfStock]);
export type QuoteProblem = z.infer<typeof problem>;

export const quoteSchema = z.object({
  store_id: z.string(),
  store_name: z.string(),
  lines: z.array(quoteLine),
  subtotal_paise: z.number(),
  delivery_fee_paise: z.number(),
  small_order_fee_paise: z.number(),
  minimum_order_paise: z.number(),
  total_paise: z.number(),
  distance_m: z.number(),
  payment_method: z.literal("cod"),
  can_order: z.boolean(),
  problems: z.array(problem),
});
export type Quote = z.infer<typeof quoteSchema>;

/**
 * The price of the cart delivered to the point, at the server's current prices: what checkout
 * will charge, and the problems (closed, too far, out of stock) that would stop it.
 */
export async function quote(supabase: Client, cart: Cart, to: { lat: number; lng: number }): Promise<Quote> {
  const { lat, lng } = point.parse(to);
  if (!cart.store) throw new Error("an empty cart has nothing to quote");
  const answer = await supabase.rpc("quote_order", {
    store_id: cart.store.id,
    items: cart.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity, if_unavailable: l.ifUnavailable })),
    lat,
    lng,
  });
  return quoteSchema.parse(dataOf(answer));
}

// delivery_terms' answer: the fees quote_order would charge for a delivery from the store to the
// point, without the items. The phone keeps them to estimate a cart's total offline (estimate.ts).
export const deliveryTermsSchema = z.object({
  store_id: z.string(),
  distance_m: z.number(),
  delivery_radius_m: z.number(),
  delivery_fee_paise: z.number(),
  minimum_order_paise: z.number(),
  small_order_fee_paise: z.number(),
});
export type DeliveryTerms = z.infer<typeof deliveryTermsSchema>;

/** The fees of a delivery from the store to the point, at the server's current settings. */
export async function deliveryTerms(supabase: Client, storeId: string, to: { lat: number; lng: number }): Promise<DeliveryTerms> {
  const { lat, lng } = point.parse(to);
  const answer = await supabase.rpc("delivery_terms", { store_id: z.uuid().parse(storeId), lat, lng });
  return deliveryTermsSchema.parse(dataOf(answer));
}

// An order as checkout and deliver_order return it (private.order_json): the row with the
// delivery point as lat/lng and its items.
const orderItem = z.object({
  id: z.number(),
  product_id: z.nullable(z.string()),
  sku: z.string(),
  product_name: z.string(),
  unit: z.string(),
  unit_price_paise: z.number(),
  quantity: z.number(),
  line_total_paise: z.nullable(z.number()),
  if_unavailable: z.enum(Constants.public.Enums.substitution_preference),
  unavailable: z.boolean(),
  substitute_for: z.nullable(z.number()),
});

export const placedOrderSchema = z.object({
  id: z.string(),
  customer_id: z.string(),
  store_id: z.string(),
  rider_id: z.nullable(z.string()),
  status: z.enum(Constants.public.Enums.order_status),
  status_reason: z.nullable(z.string()),
  subtotal_paise: z.number(),
  delivery_fee_paise: z.number(),
  small_order_fee_paise: z.number(),
  total_paise: z.number(),
  payment_method: z.literal("cod"),
  delivery_address: z.string(),
  // Absent from answers kept by a phone before orders carried it.
  delivery_phone: z._default(z.nullable(z.string()), null),
  delivery_lat: z.number(),
  delivery_lng: z.number(),
  delivery_distance_m: z.nullable(z.number()),
  notes: z.nullable(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  items: z.array(orderItem),
});
export type PlacedOrder = z.infer<typeof placedOrderSchema>;

// 409 bodies: {code, message, details} with the problem's own fields as details; price_changed
// carries the new quote.
const conflictBody = z.discriminatedUnion("code", [
  z.object({ code: z.literal("store_closed"), message: z.string(), details: z.omit(storeClosed, { code: true, message: true }) }),
  z.object({ code: z.literal("outside_radius"), message: z.string(), details: z.omit(outsideRadius, { code: true, message: true }) }),
  z.object({ code: z.literal("out_of_stock"), message: z.string(), details: z.omit(outOfStock, { code: true, message: true }) }),
  z.object({
    code: z.literal("price_changed"),
    message: z.string(),
    details: z.object({ expected_total_paise: z.number(), quote: quoteSchema }),
  }),
]);
export type Conflict = z.infer<typeof conflictBody>;

const problemBody = z.object({ code: z.string(), message: z.string(), details: z.optional(z.unknown()) });

export type CheckoutResult =
  | { kind: "placed"; order: PlacedOrder; replayed: boolean }
  /** 400: errors per field path ("items.0.quantity"); the key is not used up. */
  | { kind: "invalid"; code: string; message: string; fields: FieldErrors }
  /** 409: nothing was placed; stored for the key, so a retry with it gets the same answer. */
  | ({ kind: "conflict"; replayed: boolean } & Conflict)
  /** 422: this key was used for another request: make a new key for a new order. */
  | { kind: "key_reused" }
  /** 401: no signed-in user (or the session expired). */
  | { kind: "unauthorized" }
  /** Any other refusal (403 not a customer, 404 no such store, 413 too large, ...). */
  | { kind: "refused"; status: number; code: string; message: string; details: unknown }
  /** 5xx or no answer: the order may or may not exist; retry with the same key to find out. */
  | { kind: "retry"; status: number | null };

async function bodyOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * POST /functions/v1/checkout as the signed-in user. `idempotencyKey` is made once per order the
 * user means to place and kept until an answer other than `retry` comes back (an outbox sends
 * the same request with the same key again): the server places the order at most once.
 */
export async function checkout(supabase: Client, request: OrderRequest, idempotencyKey: string): Promise<CheckoutResult> {
  const key = z.uuid().parse(idempotencyKey);
  const { data, error, response } = await supabase.functions.invoke("checkout", {
    method: "POST",
    body: request,
    headers: { "Idempotency-Key": key },
  });
  // No response at all (offline, DNS, reset connection): the request may or may not have arrived.
  if (!response) return { kind: "retry", status: null };
  const status = response.status;
  if (!error) {
    // The order exists; a body that does not parse is a broken contract, thrown rather than
    // answered as retry (every retry would replay the same body).
    const order = placedOrderSchema.parse(data);
    return { kind: "placed", order, replayed: response.headers.get("Idempotent-Replayed") === "true" };
  }
  if (status >= 500) return { kind: "retry", status };
  if (status === 401) return { kind: "unauthorized" };
  if (status === 422) return { kind: "key_reused" };

  const body = await bodyOf(response);
  if (status === 409) {
    const conflict = conflictBody.safeParse(body);
    if (conflict.success) return { kind: "conflict", replayed: response.headers.get("Idempotent-Replayed") === "true", ...conflict.data };
  }
  const refusal = problemBody.safeParse(body);
  const { code, message, details } = refusal.success ? refusal.data : { code: String(status), message: `checkout answered ${status}`, details: null };
  if (status === 400) {
    // Schema errors come per field; the database's own checks and a missing key as one message.
    const fields = z.record(z.string(), z.array(z.string())).safeParse(details);
    return { kind: "invalid", code, message, fields: fields.success ? fields.data : { "(body)": [message] } };
  }
  return { kind: "refused", status, code, message, details: details ?? null };
}

const myOrderSelect =
  "id, status, status_reason, store_id, rider_id, delivery_proof_path, subtotal_paise, delivery_fee_paise, small_order_fee_paise, total_paise, delivery_address, delivery_phone, notes, created_at, updated_at, store:stores(name), order_items(id, product_id, sku, product_name, unit, unit_price_paise, quantity, line_total_paise, if_unavailable, unavailable, substitute_for), cancellation_request:cancellation_requests(reason, requested_at, answer, answer_reason, answered_at)";

/**
 * The orders the signed-in user may see (a customer's own, a merchant's stores', a rider's
 * jobs; row-level security decides), newest first, with their items and the store's name.
 */
export async function myOrders(supabase: Client, options: { limit?: number; before?: string } = {}) {
  const limit = z.int().check(z.gte(1), z.lte(100)).parse(options.limit ?? 20);
  let query = supabase.from("orders").select(myOrderSelect).order("created_at", { ascending: false }).order("id").limit(limit);
  // Keyset paging: pass the created_at of the last order shown.
  if (options.before) query = query.lt("created_at", z.iso.datetime({ offset: true }).parse(options.before));
  return dataOf(await query);
}
export type OrderSummary = Awaited<ReturnType<typeof myOrders>>[number];

/** The states in which a store still has work to do on an order. */
export const OPEN_STATUSES = ["pending", "accepted", "preparing", "ready"] as const satisfies readonly OrderStatus[];

/**
 * The open orders of the merchant's stores (row-level security keeps them to the merchant's
 * own), newest first, with their items.
 */
export async function openStoreOrders(supabase: Client, options: { limit?: number } = {}) {
  const limit = z.int().check(z.gte(1), z.lte(100)).parse(options.limit ?? 50);
  return dataOf(
    await supabase
      .from("orders")
      .select(myOrderSelect)
      .in("status", [...OPEN_STATUSES])
      .order("created_at", { ascending: false })
      .order("id")
      .limit(limit),
  );
}

/** One order with its items, or null when there is none the user may see. */
export async function getOrder(supabase: Client, orderId: string): Promise<OrderSummary | null> {
  const id = z.uuid().parse(orderId);
  return dataOf(await supabase.from("orders").select(myOrderSelect).eq("id", id).maybeSingle());
}

export type OrderEvent = Database["public"]["Tables"]["order_events"]["Row"];

/** The order's timeline, oldest first: each status change with who made it and its note. */
export async function orderTimeline(supabase: Client, orderId: string): Promise<OrderEvent[]> {
  const id = z.uuid().parse(orderId);
  return dataOf(
    await supabase.from("order_events").select("*").eq("order_id", id).order("created_at").order("id"),
  );
}

/** The 4-digit code the customer tells the rider at the door (customers only). */
export async function handoverCode(supabase: Client, orderId: string): Promise<string> {
  const id = z.uuid().parse(orderId);
  return handoverCodeSchema.parse(dataOf(await supabase.rpc("handover_code", { order_id: id })));
}

/** The platform-signed token the customer's QR code holds (customers only). */
export async function handoverToken(supabase: Client, orderId: string): Promise<string> {
  const id = z.uuid().parse(orderId);
  return handoverTokenSchema.parse(dataOf(await supabase.rpc("handover_token", { order_id: id })));
}

/** The longest reason or note an order's status change keeps (orders_status_reason_length). */
export const REASON_MAX = 500;

/** The customer's optional reason for cancelling: blank means none. */
export const cancelReason = z.string().check(z.trim(), z.maxLength(REASON_MAX));

/** The customer cancels an order the store has not answered yet (409 invalid_transition after). */
export async function cancelOrder(supabase: Client, orderId: string, reason?: string) {
  const id = z.uuid().parse(orderId);
  const note = z.optional(cancelReason).parse(reason);
  return dataOf(
    await supabase.rpc("update_order_status", { order_id: id, status: "cancelled", ...(note ? { note } : {}) }),
  );
}

/** The longest reason a store gives for declining a request to cancel (cancellation_requests_answer_reason_length). */
export const DECLINE_MAX = 200;

/** Why the customer asks the store to cancel: required once the store has accepted. */
export const cancellationReason = z.string().check(z.trim(), z.minLength(1), z.maxLength(REASON_MAX));
/** Why the store declines. */
export const declineReason = z.string().check(z.trim(), z.minLength(1), z.maxLength(DECLINE_MAX));

/** A request to cancel as the order's topics carry it (a row of cancellation_requests). */
export const cancellationRequestSchema = z.object({
  order_id: z.string(),
  reason: z.string(),
  requested_at: z.string(),
  answer: z.nullable(z.enum(["agreed", "declined"])),
  answer_reason: z.nullable(z.string()),
  answered_at: z.nullable(z.string()),
});
export type CancellationRequest = z.infer<typeof cancellationRequestSchema>;

/** The states in which the customer asks the store to cancel, rather than cancelling alone. */
export const ASK_TO_CANCEL_STATUSES = ["accepted", "preparing", "ready"] as const satisfies readonly OrderStatus[];

/** The customer asks the store to cancel an order it has accepted (409 once picked up, or the second time). */
export async function requestCancellation(supabase: Client, orderId: string, reason: string) {
  const id = z.uuid().parse(orderId);
  return dataOf(await supabase.rpc("request_cancellation", { order_id: id, reason: cancellationReason.parse(reason) }));
}

/** The store's merchant agrees to the customer's open request: the order is cancelled. */
export async function agreeToCancellation(supabase: Client, orderId: string) {
  return dataOf(await supabase.rpc("agree_to_cancellation", { order_id: z.uuid().parse(orderId) }));
}

/** The store's merchant declines the customer's open request with a reason; the order goes on. */
export async function declineCancellation(supabase: Client, orderId: string, reason: string) {
  const id = z.uuid().parse(orderId);
  return dataOf(await supabase.rpc("decline_cancellation", { order_id: id, reason: declineReason.parse(reason) }));
}
