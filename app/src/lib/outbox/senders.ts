import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import type { Cart, OrderRequest } from "../cart/cart.js";
import { checkout } from "../orders/orders.js";
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
