import type { Session, SupabaseClient, User } from "@supabase/supabase-js";
import type { Database, Tables } from "../database.types.js";

export type Profile = Pick<Tables<"profiles">, "id" | "role" | "status" | "full_name" | "status_reason" | "language">;

/** The signed-in person as the server has checked them, or nobody. */
export type Account = { session: Session; user: User; profile: Profile } | { session: null; user: null; profile: null };

const nobody: Account = { session: null, user: null, profile: null };

/**
 * The session from the cookies, trusted only once Auth has confirmed its token (getUser asks
 * the Auth server; getSession alone would believe any cookie), with the profile that says the
 * role and whether the account is suspended.
 */
export async function loadAccount(supabase: SupabaseClient<Database>): Promise<Account> {
  const {
    data: { session },
  } = await supabase.auth.getSession();
  if (!session) return nobody;
  const {
    data: { user },
    error,
  } = await supabase.auth.getUser();
  if (error || !user) return nobody;
  const { data } = await supabase.rpc("my_profile");
  // Every account gets a profile at sign-up; one without is treated as signed out.
  if (!data?.id) return nobody;
  const { id, role, status, full_name, status_reason, language } = data;
  return { session, user, profile: { id, role, status, full_name, status_reason, language } };
}
