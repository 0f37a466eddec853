// What the database tells a person (public.notifications): read and marked by their owner only,
// and arriving live on the private topic user:<id> with the owner's unread count.
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import type { Role } from "../accounts/roles.js";
import { dataOf, validRows } from "../orders/refusal.js";
import { subscribeLive } from "../realtime/live.js";

type Client = SupabaseClient<Database>;

/** The roles that receive notifications, each with a notifications page in its area. */
export const notifiedRoles = ["customer", "merchant", "rider"] as const satisfies readonly Role[];
export const isNotified = (role: Role): role is (typeof notifiedRoles)[number] => (notifiedRoles as readonly Role[]).includes(role);
export const notificationsPage = (role: Role) => `/${role}/notifications`;

/** An app path the database wrote: local only, never another site. */
const appPath = z.string().check(z.regex(/^\/[a-z][^\\]*$/), z.refine((p) => !p.startsWith("//")));

export const notificationSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.nullable(appPath),
  read_at: z.nullable(z.string()),
  created_at: z.string(),
});
export type Notification = z.infer<typeof notificationSchema>;

const COLUMNS = "id, kind, title, body, link, read_at, created_at";

/** The person's latest notifications, newest first. */
export async function myNotifications(supabase: Client, userId: string, limit = 50): Promise<Notification[]> {
  const rows = dataOf(
    await supabase.from("notifications").select(COLUMNS).eq("user_id", z.uuid().parse(userId)).order("created_at", { ascending: false }).order("id").limit(limit),
  );
  return validRows(notificationSchema, rows, "notifications");
}

/** How many of the person's notifications are unread. */
export async function unreadCount(supabase: Client, userId: string): Promise<number> {
  const answer = await supabase.from("notifications").select("id", { count: "exact", head: true }).eq("user_id", z.uuid().parse(userId)).is("read_at", null);
  dataOf(answer);
  return answer.count ?? 0;
}

/** Of the given notifications, the ones still unread. */
export async function stillUnread(supabase: Client, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = dataOf(await supabase.from("notifications").select("id").in("id", z.array(z.uuid()).parse(ids)).is("read_at", null));
  return rows.map((r) => r.id);
}

/** The ids of the merchant's unread new-order notifications: each rings until opened or answered. */
export async function unreadNewOrders(supabase: Client, userId: string): Promise<string[]> {
  const rows = dataOf(
    await supabase.from("notifications").select("id").eq("user_id", z.uuid().parse(userId)).eq("kind", "new_order").is("read_at", null).limit(50),
  );
  return rows.map((r) => r.id);
}

/** What the header needs on the first byte: the unread count and, for a merchant, the new orders ringing. */
export async function noticesOf(supabase: Client, me: { id: string; role: Role }): Promise<{ unread: number; ringing: string[] }> {
  if (!isNotified(me.role)) return { unread: 0, ringing: [] };
  try {
    const [unread, ringing] = await Promise.all([unreadCount(supabase, me.id), me.role === "merchant" ? unreadNewOrders(supabase, me.id) : []]);
    return { unread, ringing };
  } catch {
    // The page still renders; the live topic brings the count when it joins.
    return { unread: 0, ringing: [] };
  }
}

/** Marks the caller's notifications read: those listed, or all. Returns how many changed. */
export async function markRead(supabase: Client, ids?: string[]): Promise<number> {
  return dataOf(await supabase.rpc("mark_notifications_read", ids ? { ids: z.array(z.uuid()).parse(ids) } : {}));
}

/** The page a notification opens (the database's link), once it is marked read. */
export async function openNotification(supabase: Client, id: string): Promise<string | null> {
  const notificationId = z.uuid().parse(id);
  await markRead(supabase, [notificationId]);
  const row = dataOf<{ link: string | null } | null>(await supabase.from("notifications").select("link").eq("id", notificationId).maybeSingle());
  const link = appPath.safeParse(row?.link);
  return link.success ? link.data : null;
}

const arrived = z.extend(notificationSchema, { unread: z.int().check(z.nonnegative()) });
const read = z.object({ unread: z.int().check(z.nonnegative()) });

export interface NotificationFeedHandlers {
  arrived(notification: Notification, unread: number): void;
  /** Some were marked read (here, on another device, or by the database when an order was answered). */
  read(unread: number): void;
  /** Joined (again): what was missed while away should be counted again. */
  joined(): void;
}

/** Joins the private `user:<id>` topic; returns how to leave. */
export function followNotifications(supabase: Client, userId: string, on: NotificationFeedHandlers): () => void {
  const channel = supabase
    .channel(`user:${z.uuid().parse(userId)}`, { config: { private: true } })
    .on("broadcast", { event: "notification" }, ({ payload }) => {
      const parsed = arrived.safeParse(payload);
      if (parsed.success) {
        const { unread, ...notification } = parsed.data;
        on.arrived(notification, unread);
      }
    })
    .on("broadcast", { event: "read" }, ({ payload }) => {
      const parsed = read.safeParse(payload);
      if (parsed.success) on.read(parsed.data.unread);
    });
  subscribeLive(channel, { joined: () => on.joined() });
  return () => void supabase.removeChannel(channel);
}
