// `npm run seed`: loads the demo data into a running stack: the local one (`npm start`), or any
// Supabase stack named by API_URL, ANON_KEY and DB_URL (e.g. from `supabase status -o json`).
import { readStatus } from "../stack/lib/stack.js";
import { seedDemoAccounts } from "./demo-accounts.js";

function target(): { apiUrl: string; anonKey: string; dbUrl: string } {
  const { API_URL, ANON_KEY, DB_URL } = process.env;
  if (API_URL && ANON_KEY && DB_URL) return { apiUrl: API_URL, anonKey: ANON_KEY, dbUrl: DB_URL };
  const local = readStatus("dev");
  if (local) return { apiUrl: local.API_URL, anonKey: local.ANON_KEY, dbUrl: local.DB_URL };
  console.error("error: no stack to seed. Start one with npm start, or set API_URL, ANON_KEY and DB_URL (see `supabase status -o json`).");
  process.exit(1);
}

await seedDemoAccounts(target());
console.log("Seeded the demo accounts.");
