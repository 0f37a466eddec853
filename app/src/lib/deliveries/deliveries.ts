// Getting an order from the shelf to the door: the merchant answers and prepares the order and
// finds a rider; a rider takes ready jobs, picks up and hands over with the customer's 4-digit
// code. Every step is one of the dispatch and lifecycle SQL functions, which decide who may do
// what; a refusal is thrown as a Refused with its status and code (already_claimed, too_far,
// invalid_transition, order_not_found, ...).
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import { placedOrderSchema, REASON_MAX, type PlacedOrder } from "../orders/orders.js";
import { dataOf, refusedFrom } from "../orders/refusal.js";
import { handoverCodeSchema, handoverTokenSchema, type HandoverProof } from "./handover-token.js";
import { t } from "../i18n/index.js";

type Client = SupabaseClient<Database>;
type Functions = Database["public"]["Functions"];
/** An order row as the order functions return it. */
export type OrderRow = Functions["accept_order"]["Returns"];
export type ReadyJob = Functions["ready_jobs"]["Returns"][number];
export type SuggestedRider = Functions["suggest_riders"]["Returns"][number];

const orderId = z.uuid();
const reason = z.string().check(
  z.maxLength(REASON_MAX, { error: () => t.checks.reasonLong(REASON_MAX) }),
  z.refine((r) => r.trim() !== "", { error: () => t.checks.reasonRequired }),
);
const maxResults = z.int().check(z.gte(1), z.lte(50));

// Merchant --------------------------------------------------------------------------------------

/**
 * Accepts a pending order. Products the shop cannot supply are removed, or substituted where
 * the customer allowed it, and the total recomputed. Exactly one of several racing accepts wins;
 * the others get Refused 409 invalid_transition.
 */
export async function acceptOrder(supabase: Client, id: string, unavailableProductIds: string[] = []): Promise<OrderRow> {
  const args = { order_id: orderId.parse(id), unavailable_product_ids: z.array(z.uuid()).parse(unavailableProductIds) };
  return dataOf(await supabase.rpc("accept_order", args));
}

/** Turns a pending order down with a reason the customer sees; its stock is released. */
export async function rejectOrder(supabase: Client, id: string, why: string): Promise<OrderRow> {
  return dataOf(await supabase.rpc("reject_order", { order_id: orderId.parse(id), reason: reason.parse(why) }));
}

/** The store's own steps after accepting; cancelling needs a reason. */
export type MerchantStatus = "preparing" | "ready" | "cancelled";

export async function setStatus(supabase: Client, id: string, status: MerchantStatus, note?: string): Promise<OrderRow> {
  const args: Functions["update_order_status"]["Args"] = {
    order_id: orderId.parse(id),
    status: z.enum(["preparing", "ready", "cancelled"]).parse(status),
  };
  if (status === "cancelled" || note !== undefined) args.note = (status === "cancelled" ? reason : z.string().check(z.maxLength(REASON_MAX))).parse(note ?? "");
  return dataOf(await supabase.rpc("update_order_status", args));
}

/** Free riders (on shift, seen lately, not delivering) nearest the store. */
export async function suggestRiders(supabase: Client, id: string, options: { maxResults?: number } = {}): Promise<SuggestedRider[]> {
  const args = { order_id: orderId.parse(id), max_results: maxResults.parse(options.maxResults ?? 10) };
  return dataOf(await supabase.rpc("suggest_riders", args));
}

/** Gives an accepted, preparing or ready order to a free rider (409 rider_unavailable otherwise). */
export async function assignRider(supabase: Client, id: string, riderId: string): Promise<OrderRow> {
  return dataOf(await supabase.rpc("assign_rider", { order_id: orderId.parse(id), rider_id: z.uuid().parse(riderId) }));
}

/** After five wrong codes: the store (or an admin) resolves the handover and says how. */
export async function unlockHandover(supabase: Client, id: string, note: string): Promise<OrderRow> {
  return dataOf(await supabase.rpc("unlock_handover", { order_id: orderId.parse(id), note: reason.parse(note) }));
}

// Rider -----------------------------------------------------------------------------------------

/** Unclaimed ready orders at shops within reach of the rider's last reported position, nearest first. */
export async function readyJobs(supabase: Client, options: { maxResults?: number } = {}): Promise<ReadyJob[]> {
  return dataOf(await supabase.rpc("ready_jobs", { max_results: maxResults.parse(options.maxResults ?? 20) }));
}

/** Takes a ready job; the first claim wins (Refused 409 already_claimed for the rest). */
export async function claim(supabase: Client, id: string): Promise<OrderRow> {
  return dataOf(await supabase.rpc("claim_delivery", { order_id: orderId.parse(id) }));
}

/** Gives a job back before pickup; it returns to the ready jobs. */
export async function release(supabase: Client, id: string): Promise<OrderRow> {
  return dataOf(await supabase.rpc("release_delivery", { order_id: orderId.parse(id) }));
}

/** The rider has the bag: only the order's current rider may say so, and only once it is ready. */
export async function markPickedUp(supabase: Client, id: string): Promise<OrderRow> {
  return dataOf(await supabase.rpc("update_order_status", { order_id: orderId.parse(id), status: "picked_up" }));
}

export const handoverCheckSchema = z.object({
  order_id: z.string(),
  /** The platform's ECDSA P-256 public key: the uncompressed point, base64url. */
  public_key: z.string().check(z.regex(/^[A-Za-z0-9_-]{87}$/)),
  algorithm: z.literal("ECDSA P-256 SHA-256"),
  attempts_left: z.number(),
  locked: z.boolean(),
});
export type HandoverCheck = z.infer<typeof handoverCheckSchema>;

/** What the rider's device keeps to verify the customer's QR code at the door without a network. */
export async function handoverCheck(supabase: Client, id: string): Promise<HandoverCheck> {
  return handoverCheckSchema.parse(dataOf(await supabase.rpc("handover_check", { order_id: orderId.parse(id) })));
}

const deliverAnswer = z.object({
  delivered: z.boolean(),
  code: z.nullable(z.string()),
  attempts_left: z.number(),
  locked: z.boolean(),
  order: z.nullable(placedOrderSchema),
});

export type DeliverResult =
  | { kind: "delivered"; order: PlacedOrder }
  /** Counted against the order; `attemptsLeft` more before it locks. */
  | { kind: "wrong"; attemptsLeft: number }
  /** Too many wrong codes (this one may have been the last): the store or an admin must unlock it. */
  | { kind: "locked" };

/**
 * Hands the order over with the customer's token or code; the server checks either again and
 * counts a wrong one. Other refusals (not picked up, not yours) throw.
 */
export async function deliver(supabase: Client, id: string, proof: HandoverProof): Promise<DeliverResult> {
  const answer = await supabase.rpc(
    "deliver_order",
    "token" in proof
      ? { order_id: orderId.parse(id), handover_token: handoverTokenSchema.parse(proof.token) }
      : { order_id: orderId.parse(id), handover_code: handoverCodeSchema.parse(proof.code) },
  );
  if (answer.error) {
    const refused = refusedFrom(answer.error, answer.status);
    if (refused.status === 423) return { kind: "locked" };
    throw refused;
  }
  const result = deliverAnswer.parse(answer.data);
  if (result.delivered && result.order) return { kind: "delivered", order: result.order };
  if (result.locked) return { kind: "locked" };
  return { kind: "wrong", attemptsLeft: result.attempts_left };
}
