// An order's conversations as one of its parties sees them, and the copy of each kept on the
// device so a conversation opens with no network.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { keptStore } from "../offline/kept.js";
import { dataOf } from "../orders/refusal.js";
import type { Message } from "./conversation.js";

type Kind = Database["public"]["Enums"]["conversation_kind"];
export type Party = "customer" | "store" | "rider";

export interface OrderChat {
  id: string;
  kind: Kind;
  /** Who is at the other end, seen from the caller's side. */
  other: Party;
  closedAt: string | null;
}

const PARTIES: Record<Kind, [Party, Party]> = {
  customer_store: ["customer", "store"],
  customer_rider: ["customer", "rider"],
  store_rider: ["store", "rider"],
};

/** The party a role speaks for in an order's conversations (a merchant speaks for the store). */
export function partyOf(role: "customer" | "merchant" | "rider"): Party {
  return role === "merchant" ? "store" : role;
}

/**
 * The caller's conversations of an order (row-level security lists only those they are a member
 * of): open ones first, then those closed when a rider changed.
 */
export async function orderConversations(supabase: SupabaseClient<Database>, orderId: string, me: Party): Promise<OrderChat[]> {
  const rows = dataOf(await supabase.from("conversations").select("id, kind, closed_at, created_at").eq("order_id", orderId).order("created_at"));
  return rows
    .map((r) => ({ id: r.id, kind: r.kind, other: PARTIES[r.kind].find((p) => p !== me) ?? me, closedAt: r.closed_at }))
    .sort((a, b) => Number(a.closedAt !== null) - Number(b.closedAt !== null));
}

export interface SavedConversation {
  messages: Message[];
  closedAt: string | null;
}

/** Keeps a conversation's messages on the device (per user, as the outbox). */
export async function keepConversation(userId: string, conversationId: string, saved: SavedConversation): Promise<void> {
  try {
    await (await keptStore("chats", userId)).setItem(conversationId, saved);
  } catch {
    // No storage (private mode, full disk): only the offline copy is missing.
  }
}

export async function lastConversation(userId: string, conversationId: string): Promise<SavedConversation | null> {
  try {
    return await (await keptStore("chats", userId)).getItem<SavedConversation>(conversationId);
  } catch {
    return null;
  }
}
