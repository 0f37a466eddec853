// Every live screen follows a Realtime topic and also holds state it loaded from the database.
// An event broadcast while the socket was away (a dropped network, a restarted server) is never
// heard, so each (re)subscription must reload that state: this is the one place that says when.
import type { RealtimeChannel } from "@supabase/supabase-js";

export interface LiveHandlers {
  /** SUBSCRIBED: `first` for the first join, false for each rejoin after a drop (reload then). */
  joined(first: boolean): void;
  /** The channel dropped, timed out or was refused; supabase-js rejoins by itself. */
  left?(status: "CHANNEL_ERROR" | "TIMED_OUT" | "CLOSED", error?: Error): void;
}

/** Subscribes the channel, calling `joined` on every SUBSCRIBED and `left` on anything else. */
export function subscribeLive(channel: RealtimeChannel, on: LiveHandlers): RealtimeChannel {
  let first = true;
  return channel.subscribe((status, error) => {
    if (status === "SUBSCRIBED") {
      on.joined(first);
      first = false;
    } else {
      on.left?.(status, error);
    }
  });
}
