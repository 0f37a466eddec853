// Fixtures for the ordering tests: an approved, always-open store with products (written as the
// owner, as an admin's approval would leave it), customers and riders, and checkout over HTTP.
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import type postgres from "postgres";
import { client, env, PASSWORD, signUp, type Client } from "./env.js";

type Sql = postgres.Sql;

/** Where the test stores stand (Shivaji Road, Pune) and a delivery point about 75 m away. */
export const STORE_POINT = { lat: 18.521, lng: 73.857 };
export const NEAR = { lat: 18.5204, lng: 73.8567 };
/** About 11 km north: outside every test store's radius. */
export const FAR = { lat: 18.621, lng: 73.857 };

export const ALL_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));

export interface Person {
  supabase: Client;
  userId: string;
  email: string;
  token: string;
}

export async function person(role: "customer" | "merchant" | "rider", label: string): Promise<Person> {
  const account = await signUp(role, label);
  return { ...account, token: await tokenOf(account.supabase) };
}

export async function tokenOf(supabase: Client): Promise<string> {
  const token = (await supabase.auth.getSession()).data.session?.access_token;
  assert.ok(token, "the client is signed in");
  return token;
}

/** Another, independent session of an existing account. */
export async function signIn(email: string): Promise<Client> {
  const supabase = client();
  const { error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
  assert.equal(error, null);
  return supabase;
}

export interface ProductSpec {
  sku: string;
  price_paise: number;
  stock: number;
  category?: string;
}

export interface Shop {
  merchant: Person;
  storeId: string;
  /** Product ids by SKU. */
  product: Record<string, string>;
}

/** A merchant with an approved store open around the clock (at STORE_POINT unless told), and its products. */
export async function openShop(
  sql: Sql,
  label: string,
  products: ProductSpec[],
  options: { delivery_radius_m?: number; minimum_order_paise?: number; at?: { lat: number; lng: number } } = {},
): Promise<Shop> {
  const at = options.at ?? STORE_POINT;
  const merchant = await person("merchant", label);
  const [store] = await sql<{ id: string }[]>`
    insert into public.stores (owner_id, name, address, location, status, opening_hours, delivery_radius_m, minimum_order_paise)
    values (${merchant.userId}, ${`${label} Kirana`}, '1 Shivaji Road, Pune',
            ${`SRID=4326;POINT(${at.lng} ${at.lat})`}, 'approved', ${ALL_DAY as never},
            ${options.delivery_radius_m ?? 3000}, ${options.minimum_order_paise ?? 0})
    returning id`;
  const product: Record<string, string> = {};
  for (const p of products) {
    const [row] = await sql<{ id: string }[]>`
      insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
      values (${store!.id}, ${p.sku}, ${`Product ${p.sku}`}, ${p.category ?? "Staples"}, '1 pc', ${p.price_paise}, ${p.stock})
      returning id`;
    product[p.sku] = row!.id;
  }
  return { merchant, storeId: store!.id, product };
}

/** A rider on shift at the point, seen just now. */
export async function riderAt(sql: Sql, label: string, at: { lat: number; lng: number } = NEAR): Promise<Person> {
  const rider = await person("rider", label);
  await sql`update public.rider_profiles
            set is_available = true, location = ${`SRID=4326;POINT(${at.lng} ${at.lat})`}, last_seen_at = now()
            where rider_id = ${rider.userId}`;
  return rider;
}

// A type, not an interface, so it is assignable to the generated Json type of RPC arguments.
export type OrderItem = {
  product_id: string;
  quantity: number;
  if_unavailable?: "remove" | "substitute";
};

/** A valid checkout body for the shop: `lines` as [sku, quantity]. */
export function orderRequest(shop: Shop, lines: [string, number][], extra: Record<string, unknown> = {}) {
  return {
    store_id: shop.storeId,
    items: lines.map(([sku, quantity]): OrderItem => ({ product_id: shop.product[sku]!, quantity })),
    delivery: { address: "7 Karve Road, Pune", ...NEAR },
    payment_method: "cod",
    ...extra,
  };
}

export interface OrderJson {
  id: string;
  customer_id: string;
  store_id: string;
  rider_id: string | null;
  status: string;
  subtotal_paise: number;
  delivery_fee_paise: number;
  small_order_fee_paise: number;
  total_paise: number;
  delivery_address: string;
  delivery_lat: number;
  delivery_lng: number;
  items: { product_id: string; sku: string; quantity: number; unit_price_paise: number; line_total_paise: number }[];
}

export interface Problem {
  code: string;
  message: string;
  /** Shaped by the code; tests read the fields they expect. */
  details?: any;
}

export interface Answer {
  status: number;
  /** The Idempotent-Replayed header: "true", "false", or null when absent. */
  replayed: string | null;
  text: string;
  /** The parsed JSON body (null when it is not JSON). */
  body: any;
}

export const CHECKOUT_URL = `${env.apiUrl}/functions/v1/checkout`;

/**
 * POST /functions/v1/checkout as an app sends it. `body` is sent as JSON unless it is a string;
 * `headers` overrides or (with undefined) removes the defaults.
 */
export async function checkout(
  token: string | null,
  key: string | null,
  body: unknown,
  headers: Record<string, string | undefined> = {},
): Promise<Answer> {
  const all: Record<string, string | undefined> = {
    apikey: env.anonKey,
    "Content-Type": "application/json",
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...(key ? { "Idempotency-Key": key } : {}),
    ...headers,
  };
  const res = await fetch(CHECKOUT_URL, {
    method: "POST",
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: res.status, replayed: res.headers.get("Idempotent-Replayed"), text, body: parsed };
}

export const newKey = () => randomUUID();

/** Stock of products by SKU, read as the owner. */
export async function stockOf(sql: Sql, shop: Shop): Promise<Record<string, number>> {
  const rows = await sql<{ sku: string; stock: number }[]>`select sku, stock from public.products where store_id = ${shop.storeId} order by sku`;
  return Object.fromEntries(rows.map((r) => [r.sku, r.stock]));
}

export async function orderCount(sql: Sql, where: { customerId?: string; storeId?: string }): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.orders
    where (${where.customerId ?? null}::uuid is null or customer_id = ${where.customerId ?? null}::uuid)
      and (${where.storeId ?? null}::uuid is null or store_id = ${where.storeId ?? null}::uuid)`;
  return row!.n;
}

/** Places an order through checkout and returns it; fails the test unless it is a 201. */
export async function placeOrder(customer: Person, request: unknown): Promise<OrderJson> {
  const answer = await checkout(customer.token, newKey(), request);
  assert.equal(answer.status, 201, answer.text);
  return answer.body as OrderJson;
}

/** The store's merchant accepts the order and marks it preparing, then ready (without a rider). */
export async function makeReady(shop: Shop, orderId: string): Promise<void> {
  const merchant = shop.merchant.supabase;
  const accepted = await merchant.rpc("accept_order", { order_id: orderId });
  assert.equal(accepted.error, null, accepted.error?.message);
  for (const status of ["preparing", "ready"] as const) {
    const { error } = await merchant.rpc("update_order_status", { order_id: orderId, status });
    assert.equal(error, null, error?.message);
  }
}
