// A signed-in person's notifications as every screen shows them: the bell's unread count, what
// arrived since the page loaded, and, for a merchant, the new orders that ring (sound, vibration,
// the page title) on any screen until opened or answered. One per page tree, passed down by
// context (module state would be shared between requests on the server).
import type { SupabaseClient } from "@supabase/supabase-js";
import { getContext, setContext } from "svelte";
import { SvelteSet } from "svelte/reactivity";
import type { Database } from "../database.types.js";
import type { Role } from "../accounts/roles.js";
import { beep } from "./beep.js";
import { followNotifications, markRead, stillUnread, unreadCount, unreadNewOrders, type Notification } from "./notifications.js";

const KEY = Symbol("notices");
/** How often a waiting new order rings again. */
const RING_AGAIN_MS = 20_000;

export class Notices {
  unread = $state(0);
  /** Newest first: the notifications page shows them above what it loaded. */
  arrived = $state<Notification[]>([]);
  /** A merchant's unread new-order notifications. */
  readonly ringing = new SvelteSet<string>();

  constructor(loaded: { unread: number; ringing: readonly string[] }) {
    this.reset(loaded.unread, loaded.ringing);
  }

  /** What the server just loaded. */
  reset(unread: number, ringing: readonly string[]): void {
    this.unread = unread;
    this.ringing.clear();
    for (const id of ringing) this.ringing.add(id);
  }
}

export const setNotices = (notices: Notices) => setContext(KEY, notices);
export const getNotices = () => getContext<Notices | undefined>(KEY);

/** The merchant's orders screens show new orders themselves: being there opens them. */
const seesOrders = (pathname: string) => pathname === "/merchant/orders" || pathname.startsWith("/merchant/orders/");

function ring(): void {
  beep();
  navigator.vibrate?.([300, 150, 300]);
}

/**
 * Keeps `notices` live from user:<id>; for a merchant, rings new orders until they are opened or
 * answered. `pathname` says where the person is now. Returns how to stop.
 */
export function keepNotices(supabase: SupabaseClient<Database>, me: { id: string; role: Role }, notices: Notices, pathname: () => string): () => void {
  const merchant = me.role === "merchant";
  // Live events counted, so that a read started before one of them does not undo it.
  let heard = 0;
  const leave = followNotifications(supabase, me.id, {
    arrived(notification, unread) {
      heard++;
      notices.unread = unread;
      notices.arrived = [notification, ...notices.arrived.filter((n) => n.id !== notification.id)].slice(0, 50);
      if (!merchant || notification.kind !== "new_order" || notification.read_at) return;
      if (seesOrders(pathname())) return void markRead(supabase, [notification.id]).catch(() => {});
      notices.ringing.add(notification.id);
      ring();
    },
    read(unread) {
      heard++;
      notices.unread = unread;
      // Answered here or elsewhere (the database marks an answered order's alert read).
      if (notices.ringing.size > 0) {
        void stillUnread(supabase, [...notices.ringing]).then((ids) => {
          for (const id of [...notices.ringing]) if (!ids.includes(id)) notices.ringing.delete(id);
        }, () => {});
      }
    },
    joined() {
      // Anything that came or went while the connection was away. An event heard while this
      // read is on its way carries a count at least as new, and every later change brings its own.
      const before = heard;
      void unreadCount(supabase, me.id).then((n) => {
        if (heard === before) notices.unread = n;
      }, () => {});
      if (!merchant) return;
      void unreadNewOrders(supabase, me.id).then((ids) => {
        // An order placed while the topic was not yet (or no longer) joined rings too.
        const fresh = ids.some((id) => !notices.ringing.has(id));
        if (heard === before) notices.reset(notices.unread, ids);
        else for (const id of ids) notices.ringing.add(id);
        if (fresh && !seesOrders(pathname())) ring();
      }, () => {});
    },
  });
  const again = merchant ? setInterval(() => notices.ringing.size > 0 && !seesOrders(pathname()) && ring(), RING_AGAIN_MS) : undefined;
  return () => {
    leave();
    clearInterval(again);
  };
}

/** On the merchant's orders screens the waiting new orders count as opened. */
export function openWhereSeen(client: () => Promise<SupabaseClient<Database>>, notices: Notices, pathname: string): void {
  if (notices.ringing.size === 0 || !seesOrders(pathname)) return;
  const ids = [...notices.ringing];
  notices.ringing.clear();
  void client()
    .then((supabase) => markRead(supabase, ids))
    .catch(() => {});
}

/**
 * The page title with the ringing prefix while new orders wait: `apply` after every change of
 * the count and after every navigation (each page sets its own title).
 */
export class RingingTitle {
  #applied = "";

  apply(prefix: string): void {
    let base = document.title;
    if (this.#applied && base.startsWith(this.#applied)) base = base.slice(this.#applied.length);
    this.#applied = prefix;
    document.title = prefix + base;
  }
}
