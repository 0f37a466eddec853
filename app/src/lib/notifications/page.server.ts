// The notifications page of every role's area (/customer/notifications, /merchant/…, /rider/…):
// the latest first; opening one marks it read and goes to its page; mark read; mark all read;
// and the person's choices of alerts on their phones.
import { fail, redirect, type Actions, type ServerLoadEvent } from "@sveltejs/kit";
import { z } from "../zod.js";
import { myNotifications, markRead, openNotification, type Notification } from "./notifications.js";
import { logLoadFailure } from "../server/failure.js";
import { alertsFields, alertsForm, myPushPreferences, noPreferences, pushKinds, savePushPreferences } from "../push/preferences.js";

/** The role's alert kinds are chosen on its page; other roles have none. */
const alertsRole = (role: string) => (role in pushKinds ? (role as keyof typeof pushKinds) : null);

export const load = async ({ locals, route }: ServerLoadEvent) => {
  const { profile } = await locals.safeGetSession();
  const role = alertsRole(profile!.role);
  const [notifications, preferences] = await Promise.all([
    myNotifications(locals.supabase, profile!.id).catch((e) => {
      logLoadFailure(route, "the notifications", e);
      return null;
    }),
    myPushPreferences(locals.supabase, profile!.id).catch((e) => {
      logLoadFailure(route, "the alert choices", e);
      return noPreferences;
    }),
  ]);
  return {
    notifications: notifications ?? ([] as Notification[]),
    failed: notifications === null,
    preferences,
    kinds: role ? pushKinds[role] : [],
  };
};

const chosen = z.object({ id: z.uuid() });

export const actions: Actions = {
  open: async ({ locals, request, url }) => {
    const form = chosen.safeParse(Object.fromEntries(await request.formData()));
    if (!form.success) return fail(400, { failed: true });
    const link = await openNotification(locals.supabase, form.data.id).catch(() => null);
    redirect(303, link ?? url.pathname);
  },
  read: async ({ locals, request }) => {
    const form = chosen.safeParse(Object.fromEntries(await request.formData()));
    if (!form.success) return fail(400, { failed: true });
    await markRead(locals.supabase, [form.data.id]).catch(() => 0);
  },
  readAll: async ({ locals }) => {
    await markRead(locals.supabase).catch(() => 0);
  },
  alerts: async ({ locals, request }) => {
    const { profile } = await locals.safeGetSession();
    const role = alertsRole(profile!.role);
    if (!role) return fail(403, { alerts: "forbidden" as const });
    const form = alertsForm(role).safeParse(alertsFields(await request.formData()));
    if (!form.success) return fail(400, { alerts: "invalid" as const, problem: form.error.issues[0]?.message ?? "" });
    try {
      await savePushPreferences(locals.supabase, profile!.id, form.data);
    } catch {
      return fail(503, { alerts: "failed" as const });
    }
    return { alerts: "saved" as const };
  },
};
