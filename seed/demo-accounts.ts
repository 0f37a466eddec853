import postgres from "postgres";
import ws from "ws";
import { createClient } from "@supabase/supabase-js";

/** One demo account per role; the README lists them. Local demo data, not credentials. */
export const DEMO_PASSWORD = "demo-password-2026";
export const DEMO_ACCOUNTS = [
  { role: "customer", email: "customer@example.com", name: "Asha Kulkarni", phone: "+919822000101" },
  { role: "merchant", email: "merchant@example.com", name: "Ramesh Patil", phone: "+919822000102" },
  { role: "rider", email: "rider@example.com", name: "Imran Shaikh", phone: "+919822000103" },
  { role: "admin", email: "admin@example.com", name: "Priya Deshmukh", phone: "+919822000104" },
] as const;

export interface SeedTarget {
  apiUrl: string;
  anonKey: string;
  dbUrl: string;
  /** For the seeded products' photos (Storage writes); without it the city has none. */
  serviceRoleKey?: string;
}

/**
 * Signs the demo accounts up through the Auth API (so it works on any Supabase stack), gives
 * them their phone numbers (so "Call" on an order has a number to dial), then promotes the admin
 * with admin.set_account_role (audited): admin can never be chosen at sign-up.
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
    for (const a of DEMO_ACCOUNTS) {
      await sql`update public.profiles p set phone = ${a.phone} from auth.users u
                where u.id = p.id and u.email = ${a.email} and p.phone is null`;
    }
    await sql`select admin.set_account_role(p.id, 'admin', 'Demo admin account')
              from public.profiles p join auth.users u on u.id = p.id
              where u.email = ${DEMO_ACCOUNTS[3].email} and p.role <> 'admin'`;
  } finally {
    await sql.end();
  }
}
