import type { RealtimeChannel, SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import type { Database } from "../database.types.js";

type OrderStatus = Database["public"]["Enums"]["order_status"];

const point = z.object({ lat: z.number(), lng: z.number() });
const riderPosition = point.extend({ recorded_at: z.string() });

/** What public.order_tracking returns when the page opens. */
const trackingSnapshot = z.object({
  order_id: z.string(),
  status: z.string(),
  status_reason: z.string().nullable(),
  rider_id: z.string().nullable(),
  store: point,
  destination: point,
  rider: riderPosition.nullable(),
  eta_minutes: z.number().nullable(),
});

const orderChanged = z.object({
  order_id: z.string(),
  status: z.string(),
  previous_status: z.string().nullable(),
  status_reason: z.string().nullable(),
  rider_id: z.string().nullable(),
});

const riderLocation = riderPosition.extend({ order_id: z.string(), rider_id: z.string(), eta_minutes: z.number().nullable() });

export interface OrderView {
  status: OrderStatus;
  statusReason: string | null;
  riderId: string | null;
  store: { lat: number; lng: number };
  destination: { lat: number; lng: number };
  rider: { lat: number; lng: number; recordedAt: Date } | null;
  etaMinutes: number | null;
}

/** Seconds since the rider's last position, as the order page shows it ("updated 12 s ago"). */
export function positionAgeSeconds(view: OrderView, now: Date = new Date()): number | null {
  return view.rider ? Math.max(0, Math.round((now.getTime() - view.rider.recordedAt.getTime()) / 1000)) : null;
}

/**
 * An order as its page follows it: the state from `order_tracking` on opening, then status
 * changes and the rider's positions (with a fresh ETA each) from the private `order:<id>` topic.
 */
export class OrderFeed {
  readonly #supabase: SupabaseClient<Database>;
  readonly #listeners = new Set<(view: OrderView) => void>();
  #channel: RealtimeChannel | null = null;
  view: OrderView | null = null;

  constructor(
    supabase: SupabaseClient<Database>,
    readonly orderId: string,
    readonly userId: string,
  ) {
    this.#supabase = supabase;
  }

  onChange(listener: (view: OrderView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #update(change: Partial<OrderView>): void {
    if (!this.view) return;
    this.view = { ...this.view, ...change };
    for (const listener of this.#listeners) listener(this.view);
  }

  /** Joins `order:<id>`, then loads the current state (so nothing between the two is lost). */
  async open(): Promise<OrderView> {
    const channel = this.#supabase.channel(`order:${this.orderId}`, { config: { private: true } });
    this.#channel = channel;
    channel
      .on("broadcast", { event: "order_changed" }, ({ payload }) => {
        const change = orderChanged.safeParse(payload);
        if (!change.success) return;
        const riderChanged = change.data.rider_id !== this.view?.riderId;
        // A rider taken off the order leaves its topic (Realtime re-checks policies only on join).
        if (riderChanged && this.view?.riderId === this.userId) void this.close();
        this.#update({
          status: change.data.status as OrderStatus,
          statusReason: change.data.status_reason,
          riderId: change.data.rider_id,
          ...(riderChanged ? { rider: null } : {}),
        });
      })
      .on("broadcast", { event: "rider_location" }, ({ payload }) => {
        const at = riderLocation.safeParse(payload);
        if (!at.success || at.data.rider_id !== this.view?.riderId) return;
        this.#update({
          rider: { lat: at.data.lat, lng: at.data.lng, recordedAt: new Date(at.data.recorded_at) },
          etaMinutes: at.data.eta_minutes,
        });
      });
    await new Promise<void>((resolve, reject) => {
      channel.subscribe((status, error) => {
        // Every (re)subscription reloads the state, which covers anything missed while away.
        if (status === "SUBSCRIBED") void this.#load().then(resolve, reject);
        else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") reject(error ?? new Error(`could not join order:${this.orderId} (${status})`));
      });
    });
    return this.view!;
  }

  async #load(): Promise<void> {
    const { data, error } = await this.#supabase.rpc("order_tracking", { order_id: this.orderId });
    if (error) throw error;
    const snapshot = trackingSnapshot.parse(data);
    this.view = {
      status: snapshot.status as OrderStatus,
      statusReason: snapshot.status_reason,
      riderId: snapshot.rider_id,
      store: snapshot.store,
      destination: snapshot.destination,
      rider: snapshot.rider && { lat: snapshot.rider.lat, lng: snapshot.rider.lng, recordedAt: new Date(snapshot.rider.recorded_at) },
      etaMinutes: snapshot.eta_minutes,
    };
    for (const listener of this.#listeners) listener(this.view);
  }

  async close(): Promise<void> {
    if (this.#channel) await this.#supabase.removeChannel(this.#channel);
    this.#channel = null;
  }
}

/** How often the assigned rider's device reports its position during a delivery. */
export const REPORT_EVERY_MS = 10_000;

/**
 * The rider's side: reports the device's position for the order every REPORT_EVERY_MS until
 * stopped. `locate` is the device's geolocation (navigator.geolocation in the app).
 */
export function reportPositions(
  supabase: SupabaseClient<Database>,
  orderId: string,
  locate: () => Promise<{ lat: number; lng: number }>,
  onError: (error: unknown) => void = () => {},
  everyMs: number = REPORT_EVERY_MS,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const report = async () => {
    try {
      const { lat, lng } = await locate();
      const { error } = await supabase.rpc("report_location", { order_id: orderId, lat, lng });
      if (error) throw error;
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(report, everyMs);
  };
  void report();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
