import postgres from "postgres";
import ws from "ws";
import { createClient } from "@supabase/supabase-js";

/** One demo account per role; the README lists them. Local demo data, not credentials. */
export const DEMO_PASSWORD = "demo-password-2026";
export const DEMO_ACCOUNTS = [
  { role: "customer", email: "customer@example.com", name: "Asha Kulkarni" },
  { role: "merchant", email: "merchant@example.com", name: "Ramesh Patil" },
  { role: "rider", email: "rider@example.com", name: "Imran Shaikh" },
  { role: "admin", email: "admin@example.com", name: "Priya Deshmukh" },
] as const;

export interface SeedTarget {
  apiUrl: string;
  anonKey: string;
  dbUrl: string;
  /** For the seeded products' photos (Storage writes); without it the city has none. */
  serviceRoleKey?: string;
}

/**
 * Signs the demo accounts up through the Auth API (so it works on any Supabase stack), then
 * promotes the admin with admin.set_account_role (audited): admin can never be chosen at sign-up.
 */
export async function seedDemoAccounts(target: SeedTarget): Promise<void> {
  const supabase = createClient(target.apiUrl, target.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
  });
  const sql = postgres(target.dbUrl, { max: 1, onnotice: () => {} });
  try {
    for (const a of DEMO_ACCOUNTS) {
      const [existing] = await sql`select id from auth.users where email = ${a.email}`;
      if (existing) continue;
      const signupRole = a.role === "admin" ? "customer" : a.role;
      const { error } = await supabase.auth.signUp({
        email: a.email,
        password: DEMO_PASSWORD,
        options: { data: { role: signupRole, full_name: a.name } },
      });
      if (error) throw new Error(`Could not create demo ${a.role} ${a.email}: ${error.message}`);
    }
    await sql`select admin.set_account_role(p.id, 'admin', 'Demo admin account')
              from public.profiles p join auth.users u on u.id = p.id
              where u.email = ${DEMO_ACCOUNTS[3].email} and p.role <> 'admin'`;
  } finally {
    await sql.end();
  }
}
