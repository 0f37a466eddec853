// A person's choices for alerts on their phones (public.push_preferences): which kinds of
// notification are pushed, and quiet hours in India time. The in-app list always shows everything.
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import type { Role } from "../accounts/roles.js";
import { dataOf } from "../orders/refusal.js";
import { t } from "../i18n/index.js";

type Client = SupabaseClient<Database>;

/** The kinds of notification the database writes for each role (see order_notifications.sql). */
export const pushKinds = {
  customer: ["order_accepted", "order_rejected", "order_ready", "order_picked_up", "rider_near", "order_delivered", "order_expired", "order_cancelled", "cancellation_declined", "chat_message"],
  merchant: ["new_order", "order_cancelled", "cancellation_requested", "rider_assigned", "rider_released", "chat_message"],
  rider: ["job_ready", "job_assigned", "job_unassigned", "order_cancelled", "chat_message"],
} as const satisfies Partial<Record<Role, readonly string[]>>;
export type PushKind = (typeof pushKinds)[keyof typeof pushKinds][number];

export type PushPreferences = { muted: string[]; quiet: { from: string; until: string } | null };
export const noPreferences: PushPreferences = { muted: [], quiet: null };

const time = z.string().check(z.regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: () => t.checks.quietTime }));

/**
 * The alerts form: a box per kind that is pushed (ticked) or not, and optional quiet hours. The
 * kinds are the role's own; anything else is refused.
 */
export function alertsForm(role: keyof typeof pushKinds) {
  const kinds: readonly string[] = pushKinds[role];
  return z.pipe(
    z
      .object({
        pushed: z.array(z.string().check(z.refine((k) => kinds.includes(k), { error: () => t.checks.alertKind }))).check(z.maxLength(kinds.length)),
        quiet: z.enum(["on", "off"]),
        quiet_from: z.union([time, z.literal("")]),
        quiet_until: z.union([time, z.literal("")]),
      })
      .check(
        z.refine((f) => f.quiet === "off" || (f.quiet_from !== "" && f.quiet_until !== "" && f.quiet_from !== f.quiet_until), {
          error: () => t.checks.quietHours,
          path: ["quiet_from"],
        }),
      ),
    z.transform(
      (f): PushPreferences => ({
        muted: kinds.filter((k) => !f.pushed.includes(k)),
        quiet: f.quiet === "on" ? { from: f.quiet_from, until: f.quiet_until } : null,
      }),
    ),
  );
}

/** Reads a submitted alerts form (repeated `pushed` boxes) into the shape alertsForm checks. */
export const alertsFields = (form: FormData) => ({
  pushed: form.getAll("pushed"),
  quiet: form.get("quiet") === "on" ? "on" : "off",
  quiet_from: form.get("quiet_from") ?? "",
  quiet_until: form.get("quiet_until") ?? "",
});

/** The person's choices; none saved means every kind at any hour. */
export async function myPushPreferences(supabase: Client, userId: string): Promise<PushPreferences> {
  const [row] = dataOf(await supabase.from("push_preferences").select("muted_kinds, quiet_from, quiet_until").eq("user_id", z.uuid().parse(userId)));
  if (!row) return noPreferences;
  const hhmm = (t: string | null) => (t ?? "").slice(0, 5);
  return {
    muted: row.muted_kinds,
    quiet: row.quiet_from && row.quiet_until ? { from: hhmm(row.quiet_from), until: hhmm(row.quiet_until) } : null,
  };
}

/** Saves the person's choices (their row is made on first save). */
export async function savePushPreferences(supabase: Client, userId: string, prefs: PushPreferences): Promise<void> {
  const values = { muted_kinds: prefs.muted, quiet_from: prefs.quiet?.from ?? null, quiet_until: prefs.quiet?.until ?? null };
  const updated = dataOf(await supabase.from("push_preferences").update(values).eq("user_id", z.uuid().parse(userId)).select("user_id"));
  if (updated.length === 0) dataOf(await supabase.from("push_preferences").insert(values).select("user_id"));
}
