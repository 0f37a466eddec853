import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import type { Cart, OrderRequest } from "../cart/cart.js";
import { deliver, markPickedUp } from "../deliveries/deliveries.js";
import type { HandoverProof } from "../deliveries/handover-token.js";
import { setAvailability } from "../deliveries/shift.js";
import { t } from "../i18n/index.js";
import { replaceProductImage, sendDeliveryProof } from "../images/upload.js";
import { updateProduct, type ProductUpdate } from "../inventory/inventory.js";
import type { Point } from "../maps/geo.js";
import { cancelOrder, checkout, requestCancellation } from "../orders/orders.js";
import { Refused } from "../orders/refusal.js";
import type { SendOutcome, Sender } from "./outbox.js";

type Client = SupabaseClient<Database>;

/**
 * A checkout waiting in the outbox; the item's id is its Idempotency-Key. The cart it came from
 * goes back into the cart if the person chooses to edit it after a conflict.
 */
export interface CheckoutPayload {
  request: OrderRequest;
  cart: Cart;
}

/** A chat message waiting in the outbox; the item's id is its client_msg_id. */
export interface MessagePayload {
  conversationId: string;
  body: string;
}

/** Checkout: an order placed (or replayed) is done; anything the server decided needs the person. */
export function checkoutSender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const answer = await checkout(supabase, (item.payload as CheckoutPayload).request, item.id);
    if (answer.kind === "placed") return { ok: true, result: answer.order };
    if (answer.kind === "retry") return { ok: false, retry: answer };
    return { ok: false, attention: answer };
  };
}

/**
 * send_message: a stored message (or the stored one for a replayed id) is done; no answer, a
 * 5xx or the rate limit is tried again; any other refusal needs the person.
 */
export function messageSender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { conversationId, body } = item.payload as MessagePayload;
    const { data, error, status } = await supabase.rpc("send_message", { conversation_id: conversationId, client_msg_id: item.id, body });
    if (!error) return { ok: true, result: data };
    if (status === 0 || status >= 500 || status === 429) return { ok: false, retry: { status, code: error.code, message: error.message } };
    return { ok: false, attention: { status, code: error.code, message: error.message } };
  };
}

/** A merchant's change to one product (absolute values, so sending it twice changes nothing more). */
export interface InventoryPayload {
  productId: string;
  patch: ProductUpdate;
}

/**
 * updateProduct: the saved product is done; no answer, a 5xx or the rate limit is tried again;
 * a product that is no longer the merchant's or a value the table refuses needs the person.
 */
export function inventorySender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { productId, patch } = item.payload as InventoryPayload;
    try {
      const product = await updateProduct(supabase, productId, patch);
      if (!product) return { ok: false, attention: { code: "not_found", message: t.merchant.inventory.notYours } };
      return { ok: true, result: product };
    } catch (e) {
      if (!(e instanceof Refused)) return { ok: false, attention: { code: "invalid", message: t.merchant.inventory.refused(String(e)) } };
      const problem = { status: e.status, code: e.code, message: t.merchant.inventory.refused(e.message) };
      if (e.status === 0 || e.status >= 500 || e.status === 429) return { ok: false, retry: problem };
      return { ok: false, attention: problem };
    }
  };
}

/** A rider going on or off shift; the item's id only names it (setting a value twice is harmless). */
export interface AvailabilityPayload {
  riderId: string;
  available: boolean;
  /** Where the phone was when the rider went on shift, if it could tell. */
  at: Point | null;
}

/**
 * A rider's step on a delivery: pickup, or delivery with the customer's token (verified on the
 * device) or code (sent only online; the server checks both).
 */
export interface PickupPayload {
  orderId: string;
}
export type DeliveryPayload = { orderId: string } & HandoverProof;

/** No answer, a 5xx or a rate limit may go through later; any other refusal needs the person. */
function outcomeOf(error: unknown): SendOutcome {
  if (!(error instanceof Refused)) return { ok: false, retry: error instanceof Error ? error.message : String(error) };
  const problem = { status: error.status, code: error.code, message: error.message, details: error.details };
  if (error.status === 0 || error.status >= 500 || error.status === 429) return { ok: false, retry: problem };
  return { ok: false, attention: problem };
}

/** The order already is where this step would take it (a replay after a lost answer). */
function alreadyAt(error: unknown, statuses: string[]): boolean {
  if (!(error instanceof Refused) || error.code !== "invalid_transition") return false;
  const details = error.details as { status?: unknown } | null;
  return typeof details?.status === "string" && statuses.includes(details.status);
}

export function availabilitySender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { riderId, available, at } = item.payload as AvailabilityPayload;
    try {
      return { ok: true, result: await setAvailability(supabase, riderId, available, at) };
    } catch (error) {
      return outcomeOf(error);
    }
  };
}

/** Pickup: done also when a replay finds the order already picked up or delivered. */
export function pickupSender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { orderId } = item.payload as PickupPayload;
    try {
      return { ok: true, result: await markPickedUp(supabase, orderId) };
    } catch (error) {
      return alreadyAt(error, ["picked_up", "delivered"]) ? { ok: true, result: null } : outcomeOf(error);
    }
  };
}

/**
 * Delivery: done when delivered, also when a replay finds it delivered already; a wrong code or
 * token (counted by the server) or a locked handover needs the rider.
 */
export function deliverySender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { orderId, ...proof } = item.payload as DeliveryPayload;
    try {
      const answer = await deliver(supabase, orderId, proof);
      if (answer.kind === "delivered") return { ok: true, result: answer.order };
      const wrong = "token" in proof ? t.rider.job.wrongTokenCounted : t.rider.job.wrongCodeCounted;
      const message = answer.kind === "wrong" ? wrong(answer.attemptsLeft) : t.rider.job.locked;
      return { ok: false, attention: { ...answer, message } };
    } catch (error) {
      return alreadyAt(error, ["delivered"]) ? { ok: true, result: null } : outcomeOf(error);
    }
  };
}

/** A customer cancelling a pending order, with the reason they gave (blank for none). */
export interface CancelPayload {
  orderId: string;
  reason: string;
}

/**
 * Cancel: done also when a replay (or a second tap) finds the order cancelled already; an order
 * the store answered meanwhile needs the customer.
 */
export function cancelSender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { orderId, reason } = item.payload as CancelPayload;
    try {
      return { ok: true, result: await cancelOrder(supabase, orderId, reason) };
    } catch (error) {
      return alreadyAt(error, ["cancelled"]) ? { ok: true, result: null } : outcomeOf(error);
    }
  };
}

/** A customer asking the store to cancel an accepted order, with their reason. */
export interface CancelRequestPayload {
  orderId: string;
  reason: string;
}

/**
 * Asking to cancel: done also when a replay (or a second tap) finds the request made already; an
 * order the rider picked up meanwhile needs the customer.
 */
export function cancelRequestSender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { orderId, reason } = item.payload as CancelRequestPayload;
    try {
      return { ok: true, result: await requestCancellation(supabase, orderId, reason) };
    } catch (error) {
      return error instanceof Refused && error.code === "cancellation_already_requested" ? { ok: true, result: null } : outcomeOf(error);
    }
  };
}

/**
 * A photo waiting in the outbox, made small on the phone: kept in IndexedDB as it is (a Blob), so
 * it survives the app being closed. `name` is its object's name, made from the item's id.
 */
export interface PhotoPayload {
  name: string;
  blob: Blob;
  type: string;
}

/** A product's new photo. */
export type ProductImagePayload = PhotoPayload & { productId: string };

/** Product photo: done once stored and named on the product; a product no longer the merchant's needs them. */
export function productImageSender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { productId, name, blob, type } = item.payload as ProductImagePayload;
    try {
      const saved = await replaceProductImage(supabase, productId, name, blob, type);
      if (!saved) return { ok: false, attention: { code: "not_found", message: t.merchant.inventory.notYours } };
      return { ok: true, result: saved };
    } catch (error) {
      return outcomeOf(error);
    }
  };
}

/** A rider's door photo for an order. */
export type DeliveryProofPayload = PhotoPayload & { orderId: string };

/** Door photo: done once stored and attached; an order no longer the rider's needs them. */
export function deliveryProofSender(supabase: Client): Sender {
  return async (item): Promise<SendOutcome> => {
    const { orderId, name, blob, type } = item.payload as DeliveryProofPayload;
    try {
      await sendDeliveryProof(supabase, orderId, name, blob, type);
      return { ok: true, result: { orderId, name } };
    } catch (error) {
      return outcomeOf(error);
    }
  };
}
