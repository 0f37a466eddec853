import { fail } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { acceptOrder, assignRider, rejectOrder, setStatus, suggestRiders } from "$lib/deliveries/deliveries";
import { t } from "$lib/i18n";
import { agreeToCancellation, declineCancellation, DECLINE_MAX, openStoreOrders, REASON_MAX, type OrderSummary } from "$lib/orders/orders";
import { Refused } from "$lib/orders/refusal";
import { logLoadFailure } from "$lib/server/failure";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, route }) => {
  const { profile } = await locals.safeGetSession();
  try {
    const [stores, orders] = await Promise.all([
      locals.supabase.from("stores").select("id, name").eq("owner_id", profile!.id).order("created_at"),
      openStoreOrders(locals.supabase, { limit: 50 }),
    ]);
    if (stores.error) throw stores.error;
    return { stores: stores.data, orders, riders: await riderNames(locals.supabase, orders), failed: false };
  } catch (e) {
    logLoadFailure(route, "the stores and their open orders", e);
    return { stores: [] as { id: string; name: string }[], orders: [] as OrderSummary[], riders: {} as Record<string, string>, failed: true };
  }
};

/** The names of the riders on the orders (row-level security shows the people one shares an order with). */
async function riderNames(supabase: App.Locals["supabase"], orders: OrderSummary[]): Promise<Record<string, string>> {
  const ids = [...new Set(orders.flatMap((o) => (o.rider_id ? [o.rider_id] : [])))];
  if (ids.length === 0) return {};
  const { data, error } = await supabase.from("profiles").select("id, full_name").in("id", ids);
  if (error) throw error;
  return Object.fromEntries(data.map((p) => [p.id, p.full_name]));
}

const orderId = z.uuid();
const rejection = z.object({
  reason: z
    .string()
    .check(z.trim(), z.minLength(1, { error: () => t.merchant.orders.reasonRequired }), z.maxLength(REASON_MAX, { error: () => t.merchant.orders.reasonTooLong })),
});

const declining = z.object({
  reason: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, { error: () => t.merchant.orders.cancelRequest.declineRequired }),
      z.maxLength(DECLINE_MAX, { error: () => t.merchant.orders.cancelRequest.declineTooLong }),
    ),
});

type Done = keyof typeof t.merchant.orders.done;
const assignment = z.object({ order_id: z.uuid(), rider_id: z.uuid() });

/** What a refusal from the database means to the merchant; the page reloads the list after it. */
function refusal(id: string, e: unknown) {
  const messages = t.merchant.orders.refused;
  if (e instanceof Refused) {
    const message =
      e.code === "invalid_transition" || e.code === "order_not_found"
        ? messages[e.code]
        : e.code === "rider_unavailable"
          ? t.merchant.riders.refused.rider_unavailable
          : messages.other(e.message);
    return fail(e.status >= 400 && e.status < 500 ? e.status : 400, { orderId: id, refused: message });
  }
  return fail(400, { orderId: id, refused: messages.other(t.errors.generic) });
}

async function run(id: unknown, done: Done, step: (id: string) => Promise<unknown>) {
  const parsed = orderId.safeParse(id);
  if (!parsed.success) return fail(400, { orderId: null, refused: t.merchant.orders.refused.other(t.errors.generic) });
  try {
    await step(parsed.data);
    return { orderId: parsed.data, done: t.merchant.orders.done[done] };
  } catch (e) {
    return refusal(parsed.data, e);
  }
}

export const actions: Actions = {
  accept: async ({ request, locals }) => {
    const form = await request.formData();
    const unavailable = form.getAll("unavailable").map(String);
    return run(form.get("order_id"), "accepted", (id) => acceptOrder(locals.supabase, id, unavailable));
  },
  reject: async ({ request, locals }) => {
    const form = await request.formData();
    const id = String(form.get("order_id") ?? "");
    const checked = rejection.safeParse({ reason: form.get("reason") ?? "" });
    if (!checked.success) {
      return fail(400, { orderId: id, reasonError: checked.error.issues[0]?.message ?? t.merchant.orders.reasonRequired, reason: String(form.get("reason") ?? "") });
    }
    return run(id, "rejected", (ok) => rejectOrder(locals.supabase, ok, checked.data.reason));
  },
  preparing: async ({ request, locals }) => run((await request.formData()).get("order_id"), "preparing", (id) => setStatus(locals.supabase, id, "preparing")),
  riders: async ({ request, locals }) => {
    const parsed = orderId.safeParse((await request.formData()).get("order_id"));
    if (!parsed.success) return fail(400, { orderId: null, refused: t.merchant.orders.refused.other(t.errors.generic) });
    try {
      return { orderId: parsed.data, riders: await suggestRiders(locals.supabase, parsed.data) };
    } catch (e) {
      return refusal(parsed.data, e);
    }
  },
  assign: async ({ request, locals }) => {
    const form = await request.formData();
    const parsed = assignment.safeParse({ order_id: form.get("order_id"), rider_id: form.get("rider_id") });
    if (!parsed.success) return fail(400, { orderId: null, refused: t.merchant.riders.refused.other(t.errors.generic) });
    return run(parsed.data.order_id, "assigned", (id) => assignRider(locals.supabase, id, parsed.data.rider_id));
  },
  ready: async ({ request, locals }) => run((await request.formData()).get("order_id"), "ready", (id) => setStatus(locals.supabase, id, "ready")),
  agreeCancel: async ({ request, locals }) =>
    run((await request.formData()).get("order_id"), "cancelAgreed", (id) => agreeToCancellation(locals.supabase, id)),
  declineCancel: async ({ request, locals }) => {
    const form = await request.formData();
    const id = String(form.get("order_id") ?? "");
    const checked = declining.safeParse({ reason: form.get("reason") ?? "" });
    if (!checked.success) {
      return fail(400, { orderId: id, declineError: checked.error.issues[0]?.message ?? t.merchant.orders.cancelRequest.declineRequired, declineReason: String(form.get("reason") ?? "") });
    }
    return run(id, "cancelDeclined", (ok) => declineCancellation(locals.supabase, ok, checked.data.reason));
  },
};
