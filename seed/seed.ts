// Seeding a stack: the demo accounts through the Auth API, then the city in bulk through SQL.
import postgres from "postgres";
import { generateCity } from "./city.js";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoAccounts, type SeedTarget } from "./demo-accounts.js";
import { seedProductPhotos } from "./images.js";
import { loadCity, type LoadSummary } from "./load.js";
import { DEMO_LOCALITY, LOCALITIES } from "./pune.js";

/** The city `npm start` loads into a new database: enough to browse, quick to load. */
export const SMALL_CITY_STORES = 300;

export interface SeedOptions {
  /** Shops in the city; 0 removes the seeded city and keeps only the demo accounts. */
  stores: number;
  seed: number;
  productsPerStore?: number;
  log?: (line: string) => void;
}

export async function seed(target: SeedTarget, opts: SeedOptions): Promise<LoadSummary & { photos: number }> {
  await seedDemoAccounts(target);
  const sql = postgres(target.dbUrl, { max: 1, onnotice: () => {} });
  try {
    const ids = await sql<{ email: string; id: string }[]>`select email, id from auth.users
      where email in ${sql(DEMO_ACCOUNTS.filter((a) => a.role === "merchant" || a.role === "rider").map((a) => a.email))}`;
    const idOf = (role: string) => ids.find((r) => r.email === DEMO_ACCOUNTS.find((a) => a.role === role)!.email)!.id;
    const demo = { merchantId: idOf("merchant"), riderId: idOf("rider") };
    const city = generateCity({ ...opts, demo, now: new Date() });
    const summary = await loadCity(sql, city, { password: DEMO_PASSWORD, demoMerchantId: demo.merchantId, demoRiderId: demo.riderId, log: opts.log });
    // Photos for a share of the products, in the shops nearest the demo customer's first.
    const photos = target.serviceRoleKey ? await seedProductPhotos(sql, { apiUrl: target.apiUrl, serviceRoleKey: target.serviceRoleKey }, LOCALITIES.find((l) => l.name === DEMO_LOCALITY)!) : 0;
    return { ...summary, photos };
  } finally {
    await sql.end();
  }
}
