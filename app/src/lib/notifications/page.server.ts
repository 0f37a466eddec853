// The notifications page of every role's area (/customer/notifications, /merchant/…, /rider/…):
// the latest first; opening one marks it read and goes to its page; mark read; mark all read.
import { fail, redirect, type Actions, type ServerLoadEvent } from "@sveltejs/kit";
import { z } from "zod";
import { myNotifications, markRead, openNotification, type Notification } from "./notifications.js";

export const load = async ({ locals }: ServerLoadEvent) => {
  const { profile } = await locals.safeGetSession();
  try {
    return { notifications: await myNotifications(locals.supabase, profile!.id), failed: false };
  } catch {
    return { notifications: [] as Notification[], failed: true };
  }
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
};
