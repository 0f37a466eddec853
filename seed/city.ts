// The seeded city: shops, their catalogues, riders and customers spread over Pune as they are in
// life. Pure and deterministic: the same options always give the same rows (timestamps aside,
// which are relative to `now`).
import type { Database } from "../app/src/lib/database.types.js";
import { CATALOGUE, type CatalogueItem } from "./catalogue.js";
import { Random } from "./random.js";
import {
  ALWAYS_OPEN,
  BUILDINGS,
  CATEGORY_MIX,
  DELIVERY_RADIUS_M,
  DEMO_LOCALITY,
  FIRST_NAMES,
  LOCALITIES,
  NAME_PREFIXES,
  NAME_SUFFIXES,
  OPENING_HOURS,
  REVIEW_COMMENTS,
  STORE_DESCRIPTIONS,
  SURNAMES,
  SUSPENSION_REASONS,
  VEHICLES,
  WEEKLY_OFF,
  type Locality,
} from "./pune.js";

type Enums = Database["public"]["Enums"];
type StoreCategory = Enums["store_category"];

/** Every seeded account's email ends with this, which is how a later seed finds the old city. */
export const CITY_EMAIL_DOMAIN = "city.example";

/** Up to this many shops each carries its full share of the catalogue; bigger cities a sample. */
export const FULL_CATALOGUE_UP_TO = 5000;
export const LARGE_CITY_PRODUCTS_PER_STORE = 8;
/** Shops past this many get no seeded reviews (and so no rating): big cities stay quick to load. */
export const REVIEWED_STORES_UP_TO = 5000;

export interface CityOptions {
  seed: number;
  stores: number;
  /** Products per shop; by default its share of the catalogue (a sample in large cities). */
  productsPerStore?: number;
  /** The demo merchant owns the first shops and the demo rider waits near them. */
  demo?: { merchantId: string; riderId: string };
  now: Date;
}

export interface Account {
  id: string;
  email: string;
  role: Enums["app_role"];
  fullName: string;
  phone: string;
}

export interface Store {
  id: string;
  ownerId: string;
  name: string;
  category: StoreCategory;
  description: string;
  phone: string;
  address: string;
  lat: number;
  lng: number;
  deliveryRadiusM: number;
  openingHours: Record<string, [string, string][]>;
  temporarilyClosed: boolean;
  reopensAt: Date | null;
  preparationMinutes: number;
  status: Enums["store_status"];
  statusReason: string | null;
  approvedAt: Date | null;
}

/**
 * A delivered order of a city customer with its review: the store's rating comes from these, as
 * the database keeps it. The order's item is the store's first product, chosen when loading.
 */
export interface SeededReview {
  orderId: string;
  storeId: string;
  customerId: string;
  riderId: string;
  deliveryAddress: string;
  lat: number;
  lng: number;
  deliveredAt: Date;
  storeStars: number;
  riderStars: number;
  comment: string | null;
}

export interface RiderProfile {
  riderId: string;
  vehicle: Enums["vehicle_type"];
  vehicleNumber: string | null;
  isAvailable: boolean;
  lat: number;
  lng: number;
  lastSeenAt: Date;
}

export interface Product {
  id: string;
  storeId: string;
  sku: string;
  name: string;
  localName: string | null;
  description: string;
  category: string;
  unit: string;
  pricePaise: number;
  stock: number;
  isActive: boolean;
}

export interface City {
  accounts: Account[];
  stores: Store[];
  riders: RiderProfile[];
  reviews: SeededReview[];
  /** Generated on demand (millions of rows in a large city), always in the same order. */
  products: () => Generator<Product>;
  productCount: number;
}

/**
 * Ids are deterministic and increase with the row number, so a bulk load appends to the primary
 * key index instead of splitting pages all over it. Layout: seed, row kind, version 8 (custom),
 * row number, then random bits.
 */
const KIND = { account: 1, store: 2, product: 3, order: 4 } as const;

/**
 * Whether an order id (as text, in SQL) is one a seed made: version 8 with the order kind. Orders
 * placed in the app have random (version 4) ids, so a new seed can tell the city's history from
 * real orders.
 */
export const SEEDED_ORDER_ID_PATTERN = `^[0-9a-f]{8}-${KIND.order.toString(16).padStart(4, "0")}-8`;
function cityId(seed: number, kind: number, n: number, rng: Random): string {
  const s = (seed >>> 0).toString(16).padStart(8, "0");
  const i = n.toString(16).padStart(10, "0");
  return `${s}-${kind.toString(16).padStart(4, "0")}-8${i.slice(0, 3)}-9${i.slice(3, 6)}-${i.slice(6)}${rng.hex8()}`;
}

const M_PER_DEG_LAT = 111_320;
function near(l: Locality, rng: Random, spreadM = l.spreadM): { lat: number; lng: number } {
  const dy = rng.normal() * spreadM;
  const dx = rng.normal() * spreadM;
  return {
    lat: round6(l.lat + dy / M_PER_DEG_LAT),
    lng: round6(l.lng + dx / (M_PER_DEG_LAT * Math.cos((l.lat * Math.PI) / 180))),
  };
}
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3_600_000);

function phone(rng: Random): string {
  return `+91${rng.pick(["7", "8", "9"])}${String(rng.int(0, 999_999_999)).padStart(9, "0")}`;
}

function person(rng: Random): { first: string; surname: string } {
  return { first: rng.pick(FIRST_NAMES), surname: rng.pick(SURNAMES) };
}

const byCategory = new Map<StoreCategory, CatalogueItem[]>(
  CATEGORY_MIX.map(([c]) => [c, CATALOGUE.filter((item) => item.soldBy.includes(c))]),
);

function account(seed: number, n: number, role: Account["role"], rng: Random): Account {
  const p = person(rng);
  return {
    id: cityId(seed, KIND.account, n, rng),
    email: `${role}.${String(n).padStart(6, "0")}@${CITY_EMAIL_DOMAIN}`,
    role,
    fullName: `${p.first} ${p.surname}`,
    phone: phone(rng),
  };
}

export function generateCity(opts: CityOptions): City {
  const { seed, now } = opts;
  const rng = new Random(seed);
  const weights = LOCALITIES.map((l) => [l, l.weight] as const);
  const demoLocality = LOCALITIES.find((l) => l.name === DEMO_LOCALITY)!;
  const accounts: Account[] = [];
  const stores: Store[] = [];
  /** How good each rated shop is (its customers' mean stars) and how many reviews it has had. */
  const quality = new Map<number, { stars: number; reviews: number }>();

  // After the demo shops come one chemist per neighbourhood, near its centre, open around the
  // clock and stocking all a chemist may sell, as most of Pune's neighbourhoods have: so every
  // neighbourhood has an open shop at any hour, and so does a test run at 3 a.m.
  const demoShops = opts.demo ? 2 : 0;
  const allNight = new Set<number>();
  let owner: Account | null = null;
  for (let n = 0; n < opts.stores; n++) {
    const isDemo = opts.demo !== undefined && n < 2;
    const allNightIn = isDemo ? undefined : LOCALITIES[n - demoShops];
    if (allNightIn) allNight.add(n);
    // Most shops have their own owner; some owners run two or three.
    if (!isDemo && (owner === null || !rng.chance(0.12))) {
      owner = account(seed, accounts.length, "merchant", rng);
      accounts.push(owner);
    }
    const ownerId = isDemo ? opts.demo!.merchantId : owner!.id;
    const ownerSurname = isDemo ? "Patil" : owner!.fullName.split(" ").slice(1).join(" ");

    const locality = isDemo ? demoLocality : (allNightIn ?? rng.weighted(weights));
    const category: StoreCategory = isDemo ? (n === 0 ? "grocery" : "fruits_vegetables") : allNightIn ? "pharmacy" : rng.weighted(CATEGORY_MIX);
    const at = isDemo ? near(demoLocality, rng, 150) : near(locality, rng, allNightIn ? 300 : locality.spreadM);
    const suffix = rng.pick(NAME_SUFFIXES[category]);
    const name = `${rng.chance(0.35) || isDemo ? ownerSurname : rng.pick(NAME_PREFIXES)} ${suffix}`;

    const hours = structuredClone(isDemo || allNightIn ? ALWAYS_OPEN : rng.weighted(OPENING_HOURS[category]));
    if (!isDemo && category !== "pharmacy" && rng.chance(0.1)) hours[rng.pick(WEEKLY_OFF)] = [];

    const status: Store["status"] = isDemo ? (n === 0 ? "approved" : "pending") : allNightIn ? "approved" : rng.weighted([["approved", 93], ["pending", 4], ["suspended", 3]]);
    const temporarilyClosed = status === "approved" && !isDemo && !allNightIn && rng.chance(0.03);
    const [minR, maxR] = DELIVERY_RADIUS_M[category];
    const rated = status === "approved" && rng.chance(0.75);
    const year = rng.int(1978, 2024);

    stores.push({
      id: cityId(seed, KIND.store, n, rng),
      ownerId,
      name,
      category,
      description: rng.pick(STORE_DESCRIPTIONS).replace("{year}", String(year)).replace("{locality}", locality.name),
      phone: phone(rng),
      address: `Shop ${rng.int(1, 40)}, ${rng.pick(BUILDINGS)}, ${rng.pick(locality.roads)}, ${locality.name}, Pune ${locality.pin}`,
      ...at,
      deliveryRadiusM: Math.round(rng.int(minR, maxR) / 100) * 100,
      openingHours: hours,
      temporarilyClosed,
      reopensAt: temporarilyClosed && rng.chance(0.7) ? hoursAgo(now, -rng.int(2, 48)) : null,
      preparationMinutes: rng.int(5, 15) + (category === "meat_fish" ? 8 : 0),
      status,
      statusReason: status === "suspended" ? rng.pick(SUSPENSION_REASONS) : null,
      approvedAt: status === "pending" ? null : hoursAgo(now, rng.int(24, 24 * 700)),
    });
    // Drawn last, so that nothing else about the shop depends on it.
    if (rated) quality.set(n, { stars: Math.min(5, Math.max(2.5, 4.2 + 0.4 * rng.normal())), reviews: rng.int(1, 6) });
  }

  const riders: RiderProfile[] = [];
  const riderCount = opts.stores === 0 ? 0 : Math.max(5, Math.round(opts.stores / 8));
  for (let n = 0; n < riderCount + (opts.demo && riderCount ? 1 : 0); n++) {
    const isDemo = opts.demo !== undefined && n === riderCount;
    const a = isDemo ? null : account(seed, accounts.length, "rider", rng);
    if (a) accounts.push(a);
    const locality = isDemo ? demoLocality : rng.weighted(weights);
    const vehicle = rng.weighted(VEHICLES);
    const series = `${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`;
    const rto = locality.lat > 18.59 && locality.lng < 73.86 ? "14" : "12"; // MH 14 is Pimpri-Chinchwad
    riders.push({
      riderId: isDemo ? opts.demo!.riderId : a!.id,
      vehicle,
      vehicleNumber: vehicle === "bicycle" ? null : `MH ${rto} ${series} ${rng.int(1000, 9999)}`,
      isAvailable: isDemo || rng.chance(0.4),
      ...near(locality, rng, isDemo ? 300 : locality.spreadM),
      lastSeenAt: new Date(now.getTime() - rng.int(10, 3600) * 1000),
    });
  }

  const customerCount = opts.stores === 0 ? 0 : Math.max(20, Math.round(opts.stores / 4));
  for (let n = 0; n < customerCount; n++) accounts.push(account(seed, accounts.length, "customer", rng));

  // Each rated shop's reviews, on delivered orders of the last 60 days, from its own stream.
  const customers = accounts.filter((a) => a.role === "customer");
  const reviews: SeededReview[] = [];
  for (const [s, q] of quality) {
    if (s >= REVIEWED_STORES_UP_TO || customers.length === 0 || riders.length === 0) break;
    const store = stores[s]!;
    const r = Random.derive(seed ^ 0x7a7e, s);
    const clamp = (x: number) => Math.min(5, Math.max(1, Math.round(x)));
    for (let k = 0; k < q.reviews; k++) {
      const storeStars = clamp(q.stars + 0.9 * r.normal());
      const comment = r.chance(0.4)
        ? r.pick(REVIEW_COMMENTS[storeStars >= 4 ? "good" : storeStars === 3 ? "mixed" : "bad"])
        : null;
      reviews.push({
        orderId: cityId(seed, KIND.order, reviews.length, r),
        storeId: store.id,
        customerId: r.pick(customers).id,
        riderId: r.pick(riders).riderId,
        deliveryAddress: `House ${r.int(1, 300)}, ${store.address.split(", ").slice(2).join(", ")}`,
        lat: round6(store.lat + (r.next() - 0.5) * 0.01),
        lng: round6(store.lng + (r.next() - 0.5) * 0.01),
        deliveredAt: hoursAgo(now, r.int(2, 24 * 60)),
        storeStars,
        riderStars: clamp(4.4 + 0.8 * r.normal()),
        comment,
      });
    }
  }

  const perStore = opts.productsPerStore ?? (opts.stores > FULL_CATALOGUE_UP_TO ? LARGE_CITY_PRODUCTS_PER_STORE : undefined);
  // Each shop draws from its own stream, so its catalogue does not depend on the shops before it.
  const stream = (s: number) => Random.derive(seed, s);
  const countFor = (s: number, r: Random) => {
    const items = byCategory.get(stores[s]!.category)!;
    const share = Math.max(8, Math.round(items.length * (0.35 + 0.5 * r.next())));
    // The demo merchant's shops and the all-night chemists stock everything they may sell, so
    // every demo search finds something.
    if ((opts.demo && s < 2) || allNight.has(s)) return items.length;
    return Math.min(items.length, perStore ?? share);
  };
  function* products(): Generator<Product> {
    let n = 0;
    for (let s = 0; s < stores.length; s++) {
      const store = stores[s]!;
      const r = stream(s);
      for (const item of r.sample(byCategory.get(store.category)!, countFor(s, r))) {
        const price = item.pricePaise * (0.94 + 0.12 * r.next());
        const step = item.pricePaise >= 2000 ? 100 : 50;
        const roll = r.next();
        yield {
          id: cityId(seed, KIND.product, n++, r),
          storeId: store.id,
          sku: item.sku,
          name: item.name,
          localName: item.localName ?? null,
          description: item.description,
          category: item.category,
          unit: item.unit,
          pricePaise: Math.max(step, Math.round(price / step) * step),
          stock: roll < 0.08 ? 0 : roll < 0.2 ? r.int(1, 4) : r.int(5, 150),
          isActive: r.chance(0.97),
        };
      }
    }
  }

  return { accounts, stores, riders, reviews, products, productCount: stores.reduce((n, _, s) => n + countFor(s, stream(s)), 0) };
}
