// Who the parties of an order can call while it runs: the customer the store and the rider, the
// store and the rider the customer (at the phone given with the address) and each other. The
// database decides what is readable: people's profiles only while the order is live, and an
// order forgets its delivery phone when it ends, so after the order there is nobody to call.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";

export type ContactRole = "store" | "rider" | "customer";
export interface Contact {
  role: ContactRole;
  /** Empty when the name is not readable (a customer's profile before the store accepts). */
  name: string;
  phone: string | null;
}

const ENDED = new Set(["delivered", "rejected", "cancelled", "expired"]);

/** The contacts `viewer` may call about the order, in the order a person looks for them. */
export async function orderContacts(supabase: SupabaseClient<Database>, orderId: string, viewer: ContactRole): Promise<Contact[]> {
  const { data: order, error } = await supabase
    .from("orders")
    .select("status, customer_id, rider_id, delivery_phone, store:stores(name, phone)")
    .eq("id", orderId)
    .maybeSingle();
  if (error) throw error;
  if (!order || ENDED.has(order.status)) return [];
  const ids = [order.customer_id, order.rider_id].filter((id): id is string => id !== null);
  const { data: people, error: peopleError } = await supabase.from("profiles").select("id, full_name, phone").in("id", ids);
  if (peopleError) throw peopleError;
  const person = (id: string | null) => people.find((p) => p.id === id);
  const customer = person(order.customer_id);
  const rider = person(order.rider_id);
  const all: Contact[] = [
    { role: "store", name: order.store?.name ?? "", phone: order.store?.phone ?? null },
    ...(order.rider_id ? [{ role: "rider" as const, name: rider?.full_name ?? "", phone: rider?.phone ?? null }] : []),
    { role: "customer", name: customer?.full_name ?? "", phone: order.delivery_phone ?? customer?.phone ?? null },
  ];
  return all.filter((c) => c.role !== viewer);
}
