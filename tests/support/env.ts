import { randomUUID } from "node:crypto";
import ws from "ws";
import postgres from "postgres";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../../app/src/lib/database.types.js";

/** The throwaway stack `npm test` started (tests/run.ts passes these in). */
function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with npm test`);
  return v;
}
export const env = {
  apiUrl: required("API_URL"),
  dbUrl: required("DB_URL"),
  anonKey: required("ANON_KEY"),
  serviceRoleKey: required("SERVICE_ROLE_KEY"),
  publishableKey: required("PUBLISHABLE_KEY"),
  secretKey: required("SECRET_KEY"),
};

export type Client = SupabaseClient<Database>;

/** An unmodified supabase-js client, typed by the generated schema; Node 20 needs `ws` for Realtime. */
export function client(key = env.anonKey): Client {
  return createClient<Database>(env.apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
  });
}

export const PASSWORD = "correct-horse-battery";
export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

export type Role = "customer" | "merchant" | "rider";

/** Signs a new account up with the role and returns a client signed in as it. */
export async function signUp(role: Role, label: string = role): Promise<{ supabase: Client; userId: string; email: string }> {
  const supabase = client();
  const email = uniqueEmail(label);
  const { data, error } = await supabase.auth.signUp({ email, password: PASSWORD, options: { data: { role, full_name: label } } });
  if (error || !data.user || !data.session) throw new Error(`sign-up failed: ${error?.message}`);
  return { supabase, userId: data.user.id, email };
}

/** A direct database connection as the owner, for checks that must bypass the API. */
export const db = () => postgres(env.dbUrl, { max: 2, onnotice: () => {} });
