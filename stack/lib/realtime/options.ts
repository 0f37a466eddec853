// Realtime's limits and timeouts: Supabase's defaults, each overridable by an environment variable.

export interface RealtimeOptions {
  /** A connection that sends nothing (not even a heartbeat) for this long is dropped (Phoenix: 60 s). */
  heartbeatTimeoutMs: number;
  /** Realtime waits this long before answering a refused join (CHANNEL_ERROR_BACKOFF_MS, 5 s). */
  channelErrorBackoffMs: number;
  /** Largest broadcast or presence payload (max_payload_size_in_kb, 3,000 KB), plus Realtime's 500-byte allowance. */
  maxPayloadKb: number;
  /** Messages a connection may send per second before its channels are closed (Realtime's default is 100/s per project). */
  maxEventsPerSecond: number;
  /** Channels one connection may join (max_channels_per_client, 100). */
  maxChannelsPerClient: number;
  /** Presence calls per channel per window (CLIENT_PRESENCE_MAX_CALLS 5, CLIENT_PRESENCE_WINDOW_MS 30 s). */
  clientPresenceMaxCalls: number;
  clientPresenceWindowMs: number;
  /** Rows of realtime.messages older than this are deleted (Supabase drops daily partitions after 72 h). */
  retentionHours: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  heartbeatTimeoutMs: 60_000,
  channelErrorBackoffMs: 5_000,
  maxPayloadKb: 3_000,
  maxEventsPerSecond: 100,
  maxChannelsPerClient: 100,
  clientPresenceMaxCalls: 5,
  clientPresenceWindowMs: 30_000,
  retentionHours: 72,
};

const ENV_NAMES: Record<keyof RealtimeOptions, string> = {
  heartbeatTimeoutMs: "REALTIME_HEARTBEAT_TIMEOUT_MS",
  channelErrorBackoffMs: "REALTIME_CHANNEL_ERROR_BACKOFF_MS",
  maxPayloadKb: "REALTIME_MAX_PAYLOAD_KB",
  maxEventsPerSecond: "REALTIME_MAX_EVENTS_PER_SECOND",
  maxChannelsPerClient: "REALTIME_MAX_CHANNELS_PER_CLIENT",
  clientPresenceMaxCalls: "REALTIME_CLIENT_PRESENCE_MAX_CALLS",
  clientPresenceWindowMs: "REALTIME_CLIENT_PRESENCE_WINDOW_MS",
  retentionHours: "REALTIME_RETENTION_HOURS",
};

/** Supabase's defaults, each overridable by an environment variable (tests shorten the timeouts). */
export function realtimeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RealtimeOptions {
  const out = { ...DEFAULT_REALTIME_OPTIONS };
  for (const [k, name] of Object.entries(ENV_NAMES) as Array<[keyof RealtimeOptions, string]>) {
    const v = env[name];
    if (v === undefined || v === "") continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
    out[k] = n;
  }
  return out;
}
