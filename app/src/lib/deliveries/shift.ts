// A rider's shift: whether they take jobs, where they are (dispatch reads both from their
// rider_profiles row), the job they are on, and the ready jobs announced in the area cells around
// them (jobs:<row>:<col>).
import type { RealtimeChannel, SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import type { Point } from "../maps/geo.js";
import { dataOf, Refused } from "../orders/refusal.js";
import { t } from "../i18n/index.js";
import { subscribeLive } from "../realtime/live.js";

type Client = SupabaseClient<Database>;

const point = z.object({ lat: z.number().check(z.gte(-90), z.lte(90)), lng: z.number().check(z.gte(-180), z.lte(180)) });

/** A point as PostGIS reads it from text (EWKT): longitude first. */
const ewkt = (p: Point) => {
  const { lat, lng } = point.parse(p);
  return `SRID=4326;POINT(${lng} ${lat})`;
};

export interface Shift {
  available: boolean;
  lastSeenAt: string | null;
}

/**
 * Goes on or off shift. Going on shift with a position also reports it, as dispatch needs a
 * recent one to offer jobs. Setting the same value twice is harmless, so a replay is too.
 * A row the rider may not change (a suspended account) is a Refused 403.
 */
export async function setAvailability(supabase: Client, riderId: string, available: boolean, at: Point | null): Promise<Shift> {
  const change: Database["public"]["Tables"]["rider_profiles"]["Update"] = { is_available: available };
  // The database stamps last_seen_at with its own clock.
  if (at) Object.assign(change, { location: ewkt(at) });
  const rows = dataOf(await supabase.from("rider_profiles").update(change).eq("rider_id", z.uuid().parse(riderId)).select("is_available, last_seen_at"));
  const row = rows[0];
  if (!row) throw new Refused(403, "not_allowed", t.checks.shiftNotAllowed);
  return { available: row.is_available, lastSeenAt: row.last_seen_at };
}

/** The rider's position while on shift: keeps them "seen lately" for dispatch and ready_jobs. */
export async function reportSeen(supabase: Client, riderId: string, at: Point): Promise<void> {
  dataOf(
    await supabase
      .from("rider_profiles")
      .update({ location: ewkt(at) })
      .eq("rider_id", z.uuid().parse(riderId)),
  );
}

/** Whether the rider is on shift now, as the database has it. */
export async function myShift(supabase: Client, riderId: string): Promise<Shift> {
  type Row = Pick<Database["public"]["Tables"]["rider_profiles"]["Row"], "is_available" | "last_seen_at">;
  const row = dataOf<Row | null>(await supabase.from("rider_profiles").select("is_available, last_seen_at").eq("rider_id", z.uuid().parse(riderId)).maybeSingle());
  return { available: row?.is_available ?? false, lastSeenAt: row?.last_seen_at ?? null };
}

export interface CurrentJob {
  id: string;
  status: Database["public"]["Enums"]["order_status"];
  store: { name: string } | null;
}

/** The delivery the rider is on (claimed or assigned, not yet handed over), if any. */
export async function currentJob(supabase: Client, riderId: string): Promise<CurrentJob | null> {
  return dataOf<CurrentJob | null>(
    await supabase
      .from("orders")
      .select("id, status, store:stores(name)")
      .eq("rider_id", z.uuid().parse(riderId))
      .in("status", ["accepted", "preparing", "ready", "picked_up"])
      .order("updated_at", { ascending: false })
      .limit(1)
      .maybeSingle(),
  );
}

const jobReady = z.object({
  order_id: z.string(),
  store_id: z.string(),
  store_name: z.string(),
  store_lat: z.number(),
  store_lng: z.number(),
  delivery_distance_m: z.nullable(z.number()),
  delivery_fee_paise: z.nullable(z.number()),
});
export type JobAnnounced = z.infer<typeof jobReady>;

export interface JobFeedHandlers {
  /** A job became ready without a rider in a cell around the rider (ready_jobs says which are within reach). */
  ready(job: JobAnnounced): void;
  /** Claimed, assigned or cancelled: gone from the pool. */
  taken(orderId: string): void;
  /** Joined (again): anything missed while away should be loaded. */
  joined(): void;
  left(): void;
}

export interface JobFeed {
  /** The rider reported a new position: follow the cells around it (unchanged cells stay joined). */
  moved(): Promise<void>;
  leave(): void;
}

/**
 * Follows the private jobs topics around the rider's last reported position, as the database
 * names them (job_topics: their cell and the eight around it). `joined` fires once every topic
 * is joined, `left` when one drops.
 */
export function followJobs(supabase: Client, on: JobFeedHandlers): JobFeed {
  const channels = new Map<string, RealtimeChannel>();
  const subscribed = new Set<string>();
  let gone = false;

  const join = (topic: string) => {
    const channel = supabase
      .channel(topic, { config: { private: true } })
      .on("broadcast", { event: "job_ready" }, ({ payload }) => {
        const job = jobReady.safeParse(payload);
        if (job.success) on.ready(job.data);
      })
      .on("broadcast", { event: "job_taken" }, ({ payload }) => {
        const taken = z.object({ order_id: z.string() }).safeParse(payload);
        if (taken.success) on.taken(taken.data.order_id);
      });
    channels.set(topic, channel);
    subscribeLive(channel, {
      joined() {
        subscribed.add(topic);
        if (subscribed.size === channels.size) on.joined();
      },
      left() {
        if (subscribed.delete(topic)) on.left();
      },
    });
  };

  const moved = async () => {
    const topics = new Set(z.array(z.string()).parse(dataOf(await supabase.rpc("job_topics"))));
    if (gone) return;
    for (const [topic, channel] of channels) {
      if (topics.has(topic)) continue;
      channels.delete(topic);
      subscribed.delete(topic);
      void supabase.removeChannel(channel);
    }
    for (const topic of topics) if (!channels.has(topic)) join(topic);
  };

  void moved().catch(() => on.left());
  return {
    moved,
    leave() {
      gone = true;
      for (const channel of channels.values()) void supabase.removeChannel(channel);
      channels.clear();
      subscribed.clear();
    },
  };
}

const places = z.object({ store: point, destination: point });

/** Where a job goes: the store (name, address, point) and the customer's point. */
export async function jobPlaces(supabase: Client, orderId: string, storeId: string) {
  const [store, tracking] = await Promise.all([
    supabase.from("stores").select("name, address").eq("id", z.uuid().parse(storeId)).maybeSingle(),
    supabase.rpc("order_tracking", { order_id: z.uuid().parse(orderId) }),
  ]);
  const where = places.parse(dataOf(tracking));
  const about = dataOf(store);
  return { store: { name: about?.name ?? "", address: about?.address ?? "", ...where.store }, destination: where.destination };
}
