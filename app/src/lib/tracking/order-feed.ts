import type { RealtimeChannel, SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import { cancellationRequestSchema, type CancellationRequest } from "../orders/orders.js";
import { subscribeLive } from "../realtime/live.js";

type OrderStatus = Database["public"]["Enums"]["order_status"];

const point = z.object({ lat: z.number(), lng: z.number() });
const riderPosition = z.extend(point, { recorded_at: z.string() });

/** What public.order_tracking returns when the page opens. */
const trackingSnapshot = z.object({
  order_id: z.string(),
  status: z.string(),
  status_reason: z.nullable(z.string()),
  rider_id: z.nullable(z.string()),
  updated_at: z.string(),
  store: point,
  destination: point,
  rider: z.nullable(riderPosition),
  eta_minutes: z.nullable(z.number()),
});

const orderChanged = z.object({
  order_id: z.string(),
  status: z.string(),
  previous_status: z.nullable(z.string()),
  status_reason: z.nullable(z.string()),
  rider_id: z.nullable(z.string()),
  updated_at: z.string(),
});

const riderLocation = z.extend(riderPosition, { order_id: z.string(), rider_id: z.string(), eta_minutes: z.nullable(z.number()) });

export interface OrderView {
  status: OrderStatus;
  statusReason: string | null;
  riderId: string | null;
  /** When the order last changed: older news (events racing a reload) is ignored. */
  updatedAt: Date;
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
  readonly #requestListeners = new Set<(request: CancellationRequest) => void>();
  #channel: RealtimeChannel | null = null;
  /** Events that arrive before the first state has loaded, applied once it has. */
  #early: Array<() => void> = [];
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

  /** The customer's request to cancel, as it is made and answered. */
  onCancellationRequest(listener: (request: CancellationRequest) => void): () => void {
    this.#requestListeners.add(listener);
    return () => this.#requestListeners.delete(listener);
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
        if (change.success) this.#whenLoaded(() => this.#orderChanged(change.data));
      })
      .on("broadcast", { event: "rider_location" }, ({ payload }) => {
        const at = riderLocation.safeParse(payload);
        if (at.success) this.#whenLoaded(() => this.#riderMoved(at.data));
      })
      .on("broadcast", { event: "cancellation_request" }, ({ payload }) => {
        const request = cancellationRequestSchema.safeParse(payload);
        if (request.success) for (const listener of this.#requestListeners) listener(request.data);
      });
    await new Promise<void>((resolve, reject) => {
      subscribeLive(channel, {
        // Every (re)subscription reloads the state, which covers anything missed while away.
        joined: () => void this.#load().then(resolve, reject),
        left: (status, error) => status === "CLOSED" || reject(error ?? new Error(`could not join order:${this.orderId} (${status})`)),
      });
    });
    return this.view!;
  }

  #whenLoaded(apply: () => void): void {
    if (this.view) apply();
    else this.#early.push(apply);
  }

  #orderChanged(change: z.infer<typeof orderChanged>): void {
    const view = this.view!;
    const updatedAt = new Date(change.updated_at);
    if (updatedAt < view.updatedAt) return;
    const riderChanged = change.rider_id !== view.riderId;
    // A rider taken off the order leaves its topic (Realtime re-checks policies only on join).
    if (riderChanged && view.riderId === this.userId) void this.close();
    this.#update({
      status: change.status as OrderStatus,
      statusReason: change.status_reason,
      riderId: change.rider_id,
      updatedAt,
      ...(riderChanged ? { rider: null } : {}),
    });
  }

  #riderMoved(at: z.infer<typeof riderLocation>): void {
    const view = this.view!;
    const recordedAt = new Date(at.recorded_at);
    if (at.rider_id !== view.riderId || (view.rider && recordedAt <= view.rider.recordedAt)) return;
    this.#update({ rider: { lat: at.lat, lng: at.lng, recordedAt }, etaMinutes: at.eta_minutes });
  }

  async #load(): Promise<void> {
    const { data, error } = await this.#supabase.rpc("order_tracking", { order_id: this.orderId });
    if (error) throw error;
    const snapshot = trackingSnapshot.parse(data);
    const updatedAt = new Date(snapshot.updated_at);
    const rider = snapshot.rider && { lat: snapshot.rider.lat, lng: snapshot.rider.lng, recordedAt: new Date(snapshot.rider.recorded_at) };
    // A reload older than what the events already said keeps the newer state.
    if (this.view && this.view.updatedAt > updatedAt) return;
    this.view = {
      status: snapshot.status as OrderStatus,
      statusReason: snapshot.status_reason,
      riderId: snapshot.rider_id,
      updatedAt,
      store: snapshot.store,
      destination: snapshot.destination,
      rider: this.view?.rider && rider && this.view.rider.recordedAt > rider.recordedAt ? this.view.rider : rider,
      etaMinutes: snapshot.eta_minutes,
    };
    for (const listener of this.#listeners) listener(this.view);
    for (const apply of this.#early.splice(0)) apply();
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
