// Helpers for the Realtime conformance suites: unmodified supabase-js clients (Node, `ws`
// transport), waiting for channel states and events, tokens signed with the stack's secret, and
// tests-only RLS policies on realtime.messages (dropped again by each file).
import { randomUUID } from "node:crypto";
import ws from "ws";
import type postgres from "postgres";
import { createClient, type RealtimeChannel, type SupabaseClient } from "@supabase/supabase-js";
import { signJwt } from "../../stack/lib/jwt.js";
import { env } from "../support/env.js";
import { StatusLog, WAIT_MS, type Status } from "./waiting.js";

export { Inbox, sleep, StatusLog, WAIT_MS, type Status } from "./waiting.js";

export const jwtSecret = (() => {
  const v = process.env.JWT_SECRET;
  if (!v) throw new Error("JWT_SECRET is not set: run the tests with npm test");
  return v;
})();

export interface ClientOptions {
  key?: string;
  vsn?: "1.0.0" | "2.0.0";
  accessToken?: () => Promise<string | null>;
  heartbeatIntervalMs?: number;
  timeout?: number;
}

const opened: SupabaseClient[] = [];

/** An unmodified supabase-js client; closed by `closeClients()`. */
export function rtClient(opts: ClientOptions = {}): SupabaseClient {
  const supabase = createClient(env.apiUrl, opts.key ?? env.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: {
      transport: ws as never,
      ...(opts.vsn ? { vsn: opts.vsn } : {}),
      ...(opts.heartbeatIntervalMs ? { heartbeatIntervalMs: opts.heartbeatIntervalMs } : {}),
      ...(opts.timeout ? { timeout: opts.timeout } : {}),
    },
    ...(opts.accessToken ? { accessToken: opts.accessToken } : {}),
  });
  opened.push(supabase);
  return supabase;
}

/** Also tracks clients made elsewhere (signed-in ones from tests/support). */
export function track<T extends SupabaseClient<any>>(supabase: T): T {
  opened.push(supabase as unknown as SupabaseClient);
  return supabase;
}

export async function closeClients(): Promise<void> {
  const all = opened.splice(0);
  await Promise.all(all.map((s) => s.removeAllChannels().catch(() => {})));
  await Promise.all(all.map((s) => s.realtime.disconnect().catch(() => {})));
}

/** Subscribes and waits for the first outcome. */
export async function subscribe(channel: RealtimeChannel, timeout?: number): Promise<{ status: Status; err?: Error; log: StatusLog }> {
  const log = new StatusLog();
  channel.subscribe(log.callback, timeout);
  const first = await log.next(["SUBSCRIBED", "CHANNEL_ERROR", "TIMED_OUT", "CLOSED"], 0, (timeout ?? 10_000) + WAIT_MS);
  return { status: first.status, err: first.err, log };
}

export async function joined(channel: RealtimeChannel): Promise<StatusLog> {
  const r = await subscribe(channel);
  if (r.status !== "SUBSCRIBED") throw new Error(`expected SUBSCRIBED, got ${r.status}: ${r.err?.message}`);
  return r.log;
}

export const uniqueTopic = (label: string) => `${label}:${randomUUID().slice(0, 8)}`;

/** A JWT like the ones Supabase Auth issues, signed with the stack's secret. */
export function userToken(sub: string, expiresInSeconds: number, extra: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ sub, role: "authenticated", aud: "authenticated", iat: now, exp: now + expiresInSeconds, ...extra }, jwtSecret);
}

/**
 * Tests-only membership for private topics: `rt_test.members` says who may read (SELECT) and
 * write (INSERT) which extensions of which topic, and two policies on realtime.messages apply it
 * through realtime.topic() and auth.uid(), as an app's own topic policies would.
 */
export async function installTestPolicies(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    create schema if not exists rt_test;
    create table if not exists rt_test.members (
      topic text not null,
      user_id uuid not null,
      extensions text[] not null default '{broadcast,presence}',
      can_write boolean not null default true,
      primary key (topic, user_id)
    );
    grant usage on schema rt_test to authenticated;
    grant select on rt_test.members to authenticated;
    drop policy if exists "rt_test: members read" on realtime.messages;
    create policy "rt_test: members read" on realtime.messages for select to authenticated using (
      exists (select 1 from rt_test.members m
              where m.topic = (select realtime.topic()) and m.user_id = (select auth.uid())
                and messages.extension = any (m.extensions))
    );
    drop policy if exists "rt_test: members write" on realtime.messages;
    create policy "rt_test: members write" on realtime.messages for insert to authenticated with check (
      exists (select 1 from rt_test.members m
              where m.topic = (select realtime.topic()) and m.user_id = (select auth.uid())
                and m.can_write and messages.extension = any (m.extensions))
    );
  `);
}

export async function dropTestPolicies(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    drop policy if exists "rt_test: members read" on realtime.messages;
    drop policy if exists "rt_test: members write" on realtime.messages;
    drop schema if exists rt_test cascade;
  `);
}

export async function addMember(sql: postgres.Sql, topic: string, userId: string, opts: { extensions?: string[]; canWrite?: boolean } = {}): Promise<void> {
  await sql`insert into rt_test.members (topic, user_id, extensions, can_write)
            values (${topic}, ${userId}, ${opts.extensions ?? ["broadcast", "presence"]}, ${opts.canWrite ?? true})`;
}

/** Any claims, signed (by default with the stack's secret). */
export function signedToken(claims: Record<string, unknown>, secret = jwtSecret): string {
  return signJwt(claims, secret);
}
