// Seeding a stack: the demo accounts through the Auth API, then the city in bulk through SQL.
import postgres from "postgres";
import { generateCity } from "./city.js";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoAccounts, type SeedTarget } from "./demo-accounts.js";
import { loadCity, type LoadSummary } from "./load.js";

/** The city `npm start` loads into a new database: enough to browse, quick to load. */
export const SMALL_CITY_STORES = 300;

export interface SeedOptions {
  /** Shops in the city; 0 removes the seeded city and keeps only the demo accounts. */
  stores: number;
  seed: number;
  productsPerStore?: number;
  log?: (line: string) => void;
}

export async function seed(target: SeedTarget, opts: SeedOptions): Promise<LoadSummary> {
  await seedDemoAccounts(target);
  const sql = postgres(target.dbUrl, { max: 1, onnotice: () => {} });
  try {
    const ids = await sql<{ email: string; id: string }[]>`select email, id from auth.users
      where email in ${sql(DEMO_ACCOUNTS.filter((a) => a.role === "merchant" || a.role === "rider").map((a) => a.email))}`;
    const idOf = (role: string) => ids.find((r) => r.email === DEMO_ACCOUNTS.find((a) => a.role === role)!.email)!.id;
    const demo = { merchantId: idOf("merchant"), riderId: idOf("rider") };
    const city = generateCity({ ...opts, demo, now: new Date() });
    return await loadCity(sql, city, { password: DEMO_PASSWORD, demoMerchantId: demo.merchantId, demoRiderId: demo.riderId, log: opts.log });
  } finally {
    await sql.end();
  }
}
