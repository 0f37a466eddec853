// What the benchmark's processes say to each other, the one clock they all read, and how they
// join channels.
import ws from "ws";
import { RealtimeClient, type RealtimeChannel } from "@supabase/realtime-js";

/** Milliseconds on the wall clock with sub-millisecond resolution, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

export type WorkerCommand =
  | {
      cmd: "connect";
      kind: "realtime" | "socketio";
      urls: string[];
      apikey: string;
      event: string;
      topics: string[];
      /** One access token per topic: the channels are then private, each joined by its own user. */
      tokens?: string[];
      /** The payload field that names a message; "key" unless given. */
      keyField?: string;
    }
  | { cmd: "collect" }
  | { cmd: "close" };

export interface WorkerReply {
  ok: boolean;
  error?: string;
  received?: Array<[string, number]>;
}

export async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** A realtime-js client; given a user's access token, it joins private channels as that user. */
export async function realtimeClient(url: string, apikey: string, token?: string): Promise<RealtimeClient> {
  const client = new RealtimeClient(url, { params: { apikey }, transport: ws as never });
  // Before any join, which carries the token (supabase-js does the same with its session's).
  if (token) await client.setAuth(token);
  return client;
}

/** Subscribes the channel; resolves once joined. */
export function subscribed(channel: RealtimeChannel): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) =>
    channel.subscribe((s, err) => (s === "SUBSCRIBED" ? resolve(channel) : reject(new Error(`${channel.subTopic}: ${s} ${err?.message ?? ""}`)))),
  );
}
