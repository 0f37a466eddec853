// `npm run seed [-- --stores N] [--seed S] [--products-per-store N]`: loads the demo accounts and a
// generated city into a running stack: the local one (`npm start`), or any Supabase stack named
// by API_URL, ANON_KEY and DB_URL (e.g. from `supabase status -o json`; with SERVICE_ROLE_KEY too, a
// share of the products get photos). A new city replaces the
// city an earlier seed loaded; `--stores 0` removes it.
import { parseArgs } from "node:util";
import { readStatus } from "../stack/lib/status.js";
import type { SeedTarget } from "./demo-accounts.js";
import { seed, SMALL_CITY_STORES } from "./seed.js";

function target(): SeedTarget {
  const { API_URL, ANON_KEY, DB_URL, SERVICE_ROLE_KEY } = process.env;
  if (API_URL && ANON_KEY && DB_URL) return { apiUrl: API_URL, anonKey: ANON_KEY, dbUrl: DB_URL, serviceRoleKey: SERVICE_ROLE_KEY };
  const local = readStatus("dev");
  if (local) return { apiUrl: local.API_URL, anonKey: local.ANON_KEY, dbUrl: local.DB_URL, serviceRoleKey: local.SERVICE_ROLE_KEY };
  console.error("error: no stack to seed. Start one with npm start, or set API_URL, ANON_KEY and DB_URL (see `supabase status -o json`).");
  process.exit(1);
}

function count(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`error: --${name} must be a whole number from 0 to ${max}, not "${value}".`);
    process.exit(2);
  }
  return n;
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({ options: { stores: { type: "string" }, seed: { type: "string" }, "products-per-store": { type: "string" } } }));
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(2);
}
const stores = count("stores", values.stores, SMALL_CITY_STORES, 1_000_000);
const seedNumber = count("seed", values.seed, 1, 2 ** 31 - 1);
const perStore = values["products-per-store"] === undefined ? undefined : count("products-per-store", values["products-per-store"], 0, 500);

let s: Awaited<ReturnType<typeof seed>>;
try {
  s = await seed(target(), { stores, seed: seedNumber, productsPerStore: perStore, log: (l) => console.error(l) });
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
console.log(
  stores === 0
    ? "Seeded the demo accounts; no city."
    : `Seeded the demo accounts and a city (seed ${seedNumber}): ${s.stores} shops, ${s.products} products (${s.photos} with photos), ${s.riders} riders, ${s.accounts} accounts in ${s.seconds.toFixed(1)} s.`,
);
