// Loads a generated city with COPY in one transaction, replacing the city a previous seed left.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";
import { CITY_EMAIL_DOMAIN, SEEDED_ORDER_ID_PATTERN, type City } from "./city.js";

export interface LoadSummary {
  accounts: number;
  stores: number;
  products: number;
  riders: number;
  reviews: number;
  seconds: number;
}

/** One value in COPY's text format. */
function field(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  if (v instanceof Date) return v.toISOString();
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return s.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!);
}

const point = (lat: number, lng: number) => `SRID=4326;POINT(${lng} ${lat})`;

/** Streams rows into `copy <table> (<columns>) from stdin`, in chunks of about 256 KB. */
async function copy<T>(tx: postgres.TransactionSql, table: string, columns: string[], rows: Iterable<T>, toRow: (r: T) => unknown[]): Promise<number> {
  let count = 0;
  function* chunks(): Generator<string> {
    let buf = "";
    for (const r of rows) {
      buf += toRow(r).map(field).join("\t") + "\n";
      count++;
      if (buf.length > 262_144) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
  }
  const target = await tx.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  await pipeline(Readable.from(chunks()), target);
  return count;
}

/**
 * Removes the previous city: its seeded orders, shops and accounts. Orders, products and shops go
 * with triggers off (a million audit rows would say nothing; foreign keys do not cascade then, so
 * each table is named); accounts are then deleted normally, so every table that hangs off
 * auth.users, GoTrue's own included, is cleaned by its foreign keys.
 */
async function removeCity(tx: postgres.TransactionSql, demoMerchantId: string | null): Promise<void> {
  await tx`create temp table seeded_stores on commit drop as
           select s.id from public.stores s join auth.users u on u.id = s.owner_id
           where u.email like ${"%@" + CITY_EMAIL_DOMAIN} or u.id = ${demoMerchantId}`;
  const [orders] = await tx`select count(*)::int as n from public.orders o
                            where (o.store_id in (select id from seeded_stores)
                                   or exists (select 1 from auth.users u where u.id in (o.customer_id, o.rider_id) and u.email like ${"%@" + CITY_EMAIL_DOMAIN}))
                              and o.id::text !~ ${SEEDED_ORDER_ID_PATTERN}`;
  if (orders!.n > 0) {
    throw new Error(`The seeded city has ${orders!.n} orders, which a new seed would orphan. Run npm run db:reset for a clean database first.`);
  }
  await tx`set local session_replication_role = replica`;
  await tx`create temp table seeded_orders on commit drop as
           select o.id from public.orders o where o.store_id in (select id from seeded_stores) and o.id::text ~ ${SEEDED_ORDER_ID_PATTERN}`;
  for (const table of ["public.reviews", "public.order_events", "public.order_items"]) {
    await tx.unsafe(`delete from ${table} where order_id in (select id from seeded_orders)`);
  }
  await tx`delete from public.orders where id in (select id from seeded_orders)`;
  await tx`delete from public.products where store_id in (select id from seeded_stores)`;
  await tx`delete from public.stores where id in (select id from seeded_stores)`;
  await tx`set local session_replication_role = origin`;
  await tx`delete from auth.users where email like ${"%@" + CITY_EMAIL_DOMAIN}`;
}

/**
 * Runs a bulk load into `table` with its secondary indexes dropped and built again afterwards,
 * when the load is bigger than what the table holds: building a trigram or spatial index once is
 * much faster than growing it row by row. Unique and primary-key indexes stay, to keep checking.
 */
async function withIndexesRebuilt<T>(tx: postgres.TransactionSql, table: string, incoming: number, load: () => Promise<T>): Promise<T> {
  const [{ rows }] = (await tx.unsafe(`select count(*)::int as rows from ${table}`)) as unknown as [{ rows: number }];
  if (incoming <= rows) return load();
  const indexes = await tx<{ name: string; def: string }[]>`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i where i.indrelid = ${table}::regclass and not i.indisunique and not i.indisprimary`;
  for (const i of indexes) await tx.unsafe(`drop index ${i.name}`);
  const result = await load();
  for (const i of indexes) await tx.unsafe(i.def);
  return result;
}

/**
 * The city's delivered orders, each of one item (the store's first product) with its timeline
 * and its review; then the shops' ratings and the riders' averages, counted by the functions the
 * database's triggers (off here) call.
 */
async function loadReviews(tx: postgres.TransactionSql, city: City): Promise<number> {
  await tx`create temp table seeded_reviews (
             order_id uuid, store_id uuid, customer_id uuid, rider_id uuid, delivery_address text,
             delivery_location extensions.geography, delivered_at timestamptz, store_stars smallint,
             rider_stars smallint, comment text) on commit drop`;
  await copy(tx, "seeded_reviews", ["order_id", "store_id", "customer_id", "rider_id", "delivery_address", "delivery_location", "delivered_at",
    "store_stars", "rider_stars", "comment"], city.reviews, (r) => [
    r.orderId, r.storeId, r.customerId, r.riderId, r.deliveryAddress, point(r.lat, r.lng), r.deliveredAt, r.storeStars, r.riderStars, r.comment,
  ]);
  // Placed 35 minutes before delivery; a store without products gets no order.
  await tx`insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                                      delivery_address, delivery_location, delivery_distance_m, created_at, updated_at)
           select r.order_id, r.customer_id, r.store_id, r.rider_id, 'delivered', p.price_paise, f.fee, p.price_paise + f.fee,
                  r.delivery_address, r.delivery_location, d.m, r.delivered_at - interval '35 minutes', r.delivered_at
           from seeded_reviews r
           join public.stores s on s.id = r.store_id
           cross join lateral (select * from public.products p where p.store_id = r.store_id order by p.id limit 1) p
           cross join lateral (select round(extensions.st_distance(s.location, r.delivery_location))::integer as m) d
           cross join lateral (select private.delivery_fee_paise(d.m) as fee) f`;
  await tx`insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
           select o.id, p.id, p.sku, p.name, p.unit, p.price_paise, 1
           from public.orders o join seeded_reviews r on r.order_id = o.id
           cross join lateral (select * from public.products p where p.store_id = o.store_id order by p.id limit 1) p`;
  await tx`insert into public.order_events (order_id, status, previous_status, actor_id, created_at)
           select o.id, e.status::public.order_status, e.previous::public.order_status,
                  case e.actor when 'customer' then o.customer_id when 'rider' then o.rider_id else s.owner_id end,
                  o.updated_at - e.before
           from public.orders o join seeded_reviews r on r.order_id = o.id join public.stores s on s.id = o.store_id
           cross join (values ('pending', null, 'customer', interval '35 minutes'), ('accepted', 'pending', 'merchant', interval '33 minutes'),
                              ('preparing', 'accepted', 'merchant', interval '32 minutes'), ('ready', 'preparing', 'merchant', interval '22 minutes'),
                              ('picked_up', 'ready', 'rider', interval '15 minutes'), ('delivered', 'picked_up', 'rider', interval '0 minutes'))
             as e (status, previous, actor, before)`;
  const reviews = await tx`insert into public.reviews (order_id, customer_id, store_id, rider_id, store_stars, rider_stars, comment, created_at)
                           select r.order_id, r.customer_id, r.store_id, r.rider_id, r.store_stars, r.rider_stars, r.comment,
                                  r.delivered_at + interval '20 minutes'
                           from seeded_reviews r where exists (select 1 from public.orders o where o.id = r.order_id)`;
  await tx`select private.refresh_store_rating(store_id) from (select distinct store_id from seeded_reviews) r`;
  await tx`select private.refresh_rider_rating(rider_id) from (select distinct rider_id from seeded_reviews) r`;
  return reviews.count;
}

/**
 * Bulk-loads the city. Triggers are off while loading (session_replication_role = replica): the
 * rows the triggers would make (profiles, rider profiles, audit entries) are written here
 * directly, and foreign keys hold because the generator makes every reference.
 */
export async function loadCity(
  sql: postgres.Sql,
  city: City,
  opts: { password: string; demoMerchantId: string | null; demoRiderId: string | null; log?: (line: string) => void },
): Promise<LoadSummary> {
  const started = Date.now();
  const log = (line: string) => opts.log?.(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line}`);
  const summary = await sql.begin(async (tx) => {
    log("Removing the city an earlier seed loaded...");
    await removeCity(tx, opts.demoMerchantId);
    const [{ hash }] = (await tx`select extensions.crypt(${opts.password}, extensions.gen_salt('bf', 10)) as hash`) as unknown as [{ hash: string }];
    await tx`set local session_replication_role = replica`;

    log(`Loading ${city.accounts.length} accounts...`);
    const created = new Date();
    const accounts = await copy(
      tx,
      "auth.users",
      ["id", "aud", "role", "email", "encrypted_password", "email_confirmed_at", "raw_app_meta_data", "raw_user_meta_data", "created_at", "updated_at"],
      city.accounts,
      (a) => [
        a.id, "authenticated", "authenticated", a.email, hash, created,
        { provider: "email", providers: ["email"] },
        { sub: a.id, email: a.email, role: a.role, full_name: a.fullName, email_verified: true, phone_verified: false },
        created, created,
      ],
    );
    await copy(tx, "auth.identities", ["id", "provider", "provider_id", "user_id", "identity_data", "created_at", "updated_at"], city.accounts, (a) => [
      a.id, "email", a.id, a.id, { sub: a.id, email: a.email, email_verified: true, phone_verified: false }, created, created,
    ]);
    await copy(tx, "public.profiles", ["id", "role", "full_name", "phone"], city.accounts, (a) => [a.id, a.role, a.fullName, a.phone]);

    const riders = city.riders.filter((r) => r.riderId !== opts.demoRiderId);
    await copy(tx, "public.rider_profiles", ["rider_id", "vehicle", "vehicle_number", "is_available", "location", "last_seen_at"], riders, (r) => [
      r.riderId, r.vehicle, r.vehicleNumber, r.isAvailable, point(r.lat, r.lng), r.lastSeenAt,
    ]);
    const demoRider = city.riders.find((r) => r.riderId === opts.demoRiderId);
    if (demoRider) {
      await tx`update public.rider_profiles
               set vehicle = ${demoRider.vehicle}, vehicle_number = ${demoRider.vehicleNumber}, is_available = true,
                   location = ${point(demoRider.lat, demoRider.lng)}::extensions.geography, last_seen_at = ${demoRider.lastSeenAt}
               where rider_id = ${demoRider.riderId}`;
    }

    log(`Loading ${city.stores.length} shops...`);
    const stores = await withIndexesRebuilt(tx, "public.stores", city.stores.length, () => copy(
      tx,
      "public.stores",
      ["id", "owner_id", "name", "category", "description", "phone", "address", "location", "delivery_radius_m", "opening_hours", "temporarily_closed",
        "reopens_at", "preparation_minutes", "status", "status_reason", "approved_at"],
      city.stores,
      (s) => [
        s.id, s.ownerId, s.name, s.category, s.description, s.phone, s.address, point(s.lat, s.lng), s.deliveryRadiusM, s.openingHours,
        s.temporarilyClosed, s.reopensAt, s.preparationMinutes, s.status, s.statusReason, s.approvedAt,
      ],
    ));
    log(`Loading ${city.productCount} products...`);
    const products = await withIndexesRebuilt(tx, "public.products", city.productCount, () => copy(
      tx,
      "public.products",
      ["id", "store_id", "sku", "name", "local_name", "description", "category", "unit", "price_paise", "stock", "is_active"],
      city.products(),
      (p) => [p.id, p.storeId, p.sku, p.name, p.localName, p.description, p.category, p.unit, p.pricePaise, p.stock, p.isActive],
    ));
    // The words search learns from products (a statement trigger, off here); the city's
    // products share a few hundred distinct word lists.
    await tx`select private.add_search_words(array(select distinct w from (select distinct search_words from public.products) p cross join unnest(p.search_words) as w))`;
    log(`Loading ${city.reviews.length} delivered orders and their reviews...`);
    const reviews = await loadReviews(tx, city);
    return { accounts, stores, products, riders: city.riders.length, reviews };
  });
  // Fresh statistics, so the planner picks the spatial indexes at once.
  log("Analysing...");
  await sql`analyze public.stores, public.products, public.rider_profiles, public.profiles, public.orders, public.reviews`;
  return { ...summary, seconds: (Date.now() - started) / 1000 };
}
