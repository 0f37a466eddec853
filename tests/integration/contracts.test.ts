// The contracts the app and the Edge Functions check input with (supabase/functions/_shared/
// contracts) against the database's own checks: for every field a table or checkout's SQL
// checks, values at, just inside and just past each limit, empty, negative and malformed. The
// contract must accept exactly the values the database accepts, so a form never refuses what the
// API takes, nor lets through what it then refuses.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { orderRequest, substitutions } from "../../supabase/functions/_shared/contracts/checkout.ts";
import { addressColumns } from "../../supabase/functions/_shared/contracts/address.ts";
import { INT4_MAX, productColumns } from "../../supabase/functions/_shared/contracts/product.ts";
import { storeColumns } from "../../supabase/functions/_shared/contracts/store.ts";
import { Constants } from "../../app/src/lib/database.types.js";
import { db } from "../support/env.js";
import { NEAR, openShop, person, type Person, type Shop } from "../support/orders.js";

const sql = db();
let shop: Shop;
let customer: Person;
let addressId: string;
before(async () => {
  shop = await openShop(sql, "contracts", [{ sku: "RICE-1", price_paise: 5000, stock: 10 }]);
  customer = await person("customer", "contracts");
  const { data, error } = await customer.supabase
    .from("addresses")
    .insert({ label: "home", house: "7", street: "Karve Road", phone: "9876543210", location: `SRID=4326;POINT(${NEAR.lng} ${NEAR.lat})` })
    .select("id")
    .single();
  assert.equal(error, null);
  addressId = data!.id;
});
after(() => sql.end());

// What Postgres answers for a value it will not store: a check constraint (23514), not null
// (23502), not a number of the column's type (22P02) or out of its range (22003).
const REFUSED = new Set(["23514", "23502", "22P02", "22003"]);

/** Whether a REST write of the value went through; any other error fails the test. */
function verdict(answer: { error: { code: string; message: string } | null; data: unknown[] | null }, what: string): boolean {
  if (!answer.error) {
    assert.equal(answer.data?.length, 1, `${what}: one row written`);
    return true;
  }
  assert.ok(REFUSED.has(answer.error.code), `${what}: refused by the table's checks, not ${answer.error.code} ${answer.error.message}`);
  return false;
}

/** A value for a message: a long string as its start and its length in characters. */
const show = (v: unknown) => {
  const chars = typeof v === "string" ? [...v] : [];
  if (chars.length > 40) return `${JSON.stringify(chars.slice(0, 20).join(""))}… (${chars.length} characters)`;
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
};
const text = (n: number, c = "x") => c.repeat(n);
/** Spaces around, which btrim drops and the length checks do not count. */
const padded = (n: number) => `  ${text(n)}  `;
const astral = (n: number) => text(n, "😀"); // one character, two UTF-16 units

/** Values at and around a `char_length(btrim(x)) between min and max` check. */
const lengths = (min: number, max: number) => [
  "",
  "   ",
  text(min),
  ...(min > 1 ? [text(min - 1)] : []),
  padded(min),
  ...(min > 1 ? [padded(min - 1)] : []),
  `\t${text(Math.max(min - 1, 1))}`,
  text(max),
  text(max + 1),
  padded(max),
  astral(max),
  astral(max + 1),
];
/** Values at and around a `char_length(x) <= max` check. */
const upTo = (max: number) => ["", "  ", text(max), text(max + 1), astral(max), astral(max + 1)];
/** Numbers at and around a `between min and max` check on an integer column. */
const range = (min: number, max: number) => [min, min - 1, max, max + 1, 0, -1, 1.5, (min + max) / 2 + 0.5];

type Cases = Record<string, unknown[]>;

/** Holds each field's contract to the database, one value at a time; lists every disagreement. */
async function agree(cases: Cases, contract: (field: string, value: unknown) => boolean, database: (field: string, value: unknown) => Promise<boolean>) {
  const disagreements: string[] = [];
  let compared = 0;
  for (const [field, values] of Object.entries(cases)) {
    for (const value of values) {
      const zod = contract(field, value);
      const pg = await database(field, value);
      compared++;
      if (zod !== pg) disagreements.push(`${field} = ${show(value)}: contract ${zod ? "accepts" : "refuses"}, database ${pg ? "accepts" : "refuses"}`);
    }
  }
  assert.deepEqual(disagreements, [], "the contract and the database disagree");
  assert.ok(compared > 20, `values compared: ${compared}`);
}

describe("as a merchant: stores", () => {
  test("the store contract accepts exactly what the stores table's checks accept", async () => {
    const hours = (slots: unknown) => ({ mon: slots });
    const cases: Cases = {
      name: lengths(2, 120),
      description: upTo(1000),
      phone: [null, "1234567", "123456", "+123456789012345", "+1234567890123456", "123456789012345", "1234567890123456", "12345a7", "++1234567", "+ 1234567", ""],
      address: lengths(5, 300),
      delivery_radius_m: range(200, 15000),
      preparation_minutes: range(1, 120),
      minimum_order_paise: range(0, 1_000_000),
      opening_hours: [
        {},
        hours([]),
        hours([["07:00", "22:00"]]),
        hours([["22:00", "02:00"]]),
        hours([["00:00", "24:00"]]),
        hours([["07:00", "13:00"], ["16:00", "21:00"]]),
        hours([["23:59", "00:00"]]),
        hours([["24:00", "01:00"]]),
        hours([["07:00", "07:00"]]),
        hours([["7:00", "22:00"]]),
        hours([["07:60", "22:00"]]),
        hours([["07:00", "24:01"]]),
        hours([["07:00"]]),
        hours([["07:00", "13:00", "22:00"]]),
        hours(["07:00", "22:00"]),
        hours("07:00-22:00"),
        { monday: [["07:00", "22:00"]] },
        [],
        null,
      ],
    };
    const field = (f: string) => storeColumns.shape[f as keyof typeof storeColumns.shape];
    await agree(
      cases,
      (f, v) => field(f).safeParse(v).success,
      async (f, v) => verdict(await shop.merchant.supabase.from("stores").update({ [f]: v } as never).eq("id", shop.storeId).select("id"), `stores.${f}`),
    );
  });
});

describe("as a merchant: products", () => {
  test("the product contract accepts exactly what the products table's checks accept", async () => {
    const productId = shop.product["RICE-1"]!;
    const cases: Cases = {
      sku: ["A", "", "a1._/-", text(64), text(65), ".abc", "-abc", "a b", "RICE 1", "é", "a\u00e9"],
      name: lengths(1, 160),
      category: lengths(1, 60),
      unit: lengths(1, 30),
      price_paise: range(1, 10_000_000),
      stock: [0, -1, 1, INT4_MAX, INT4_MAX + 1, 2.5],
      description: upTo(2000),
      image_path: [null, ...upTo(500)],
    };
    const field = (f: string) => productColumns.shape[f as keyof typeof productColumns.shape];
    await agree(
      cases,
      (f, v) => field(f).safeParse(v).success,
      async (f, v) => verdict(await shop.merchant.supabase.from("products").update({ [f]: v } as never).eq("id", productId).select("id"), `products.${f}`),
    );
  });
});

describe("as a customer: addresses", () => {
  test("the address contract accepts exactly what the addresses table's checks accept", async () => {
    const cases: Cases = {
      house: lengths(1, 100),
      street: lengths(3, 150),
      landmark: [null, ...lengths(1, 100)],
      phone: ["9876543210", "987654321", "+987654321012345", "+9876543210123456", "98765 43210", "98765-43210", "+", "", "phone12345"],
    };
    const field = (f: string) => addressColumns.shape[f as keyof typeof addressColumns.shape];
    await agree(
      cases,
      (f, v) => field(f).safeParse(v).success,
      async (f, v) => verdict(await customer.supabase.from("addresses").update({ [f]: v } as never).eq("id", addressId).select("id"), `addresses.${f}`),
    );
  });
});

describe("as a customer: checkout", () => {
  test("the checkout contract accepts exactly the requests checkout's SQL accepts", async () => {
    // A well-formed request the cases below change one field of. Which store or products the ids
    // name does not matter here: this is the request's shape, checked before anything is looked up.
    const base = () => ({
      store_id: randomUUID(),
      items: [{ product_id: randomUUID(), quantity: 2 }],
      delivery: { address: "7 Karve Road, Pune", ...NEAR },
      payment_method: "cod",
    });
    type Request = Record<string, unknown> & { items: Record<string, unknown>[]; delivery: Record<string, unknown> };
    const changes: Record<string, ((r: Request) => void)[]> = {
      store_id: [
        (r) => (r.store_id = "not-a-uuid"),
        (r) => (r.store_id = String(r.store_id).toUpperCase()),
        (r) => (r.store_id = "12345678-1234-1234-1234-123456789012"),
        (r) => (r.store_id = "00000000-0000-0000-0000-000000000000"),
        (r) => (r.store_id = String(r.store_id).replaceAll("-", "")),
        (r) => delete r.store_id,
      ],
      items: [
        (r) => (r.items = []),
        (r) => (r.items = Array.from({ length: 50 }, () => ({ product_id: randomUUID(), quantity: 1 }))),
        (r) => (r.items = Array.from({ length: 51 }, () => ({ product_id: randomUUID(), quantity: 1 }))),
        (r) => r.items.push({ ...r.items[0]!, product_id: String(r.items[0]!.product_id).toUpperCase() }),
        (r) => (r.items = {} as never),
        (r) => delete (r as Partial<Request>).items,
      ],
      "items.quantity": [0, 1, 100, 101, -1, 1.5, "2", null].map((q) => (r: Request) => (r.items[0]!.quantity = q)),
      "items.product_id": ["x", "12345678-1234-1234-1234-123456789012", null].map((id) => (r: Request) => (r.items[0]!.product_id = id)),
      "items.if_unavailable": [...substitutions, "ask", "", null].map((s) => (r: Request) => (r.items[0]!.if_unavailable = s)),
      "delivery.address": lengths(5, 300)
        .filter((a) => a !== "")
        .concat([""])
        .map((a) => (r: Request) => (r.delivery.address = a)),
      "delivery.lat": [90, -90, 90.000001, -91, 0, "18.5"].map((lat) => (r: Request) => (r.delivery.lat = lat)),
      "delivery.lng": [180, -180, 180.5, -181, "73.8"].map((lng) => (r: Request) => (r.delivery.lng = lng)),
      "delivery.phone": ["9876543210", "+987654321012345", "987654321", "+9876543210123456", "98765 43210", "", null].map(
        (p) => (r: Request) => (r.delivery.phone = p),
      ),
      delivery: [(r) => (r.delivery = "7 Karve Road" as never), (r) => delete (r as Partial<Request>).delivery],
      notes: [text(500), text(501), astral(500), "", null, 5].map((n) => (r: Request) => (r.notes = n)),
      expected_total_paise: [0, 999_999_999, 1_000_000_000, -1, 12.5, "100", null].map((t) => (r: Request) => (r.expected_total_paise = t)),
      payment_method: [(r) => (r.payment_method = "card"), (r) => (r.payment_method = "COD"), (r) => delete r.payment_method],
    };
    const cases: Cases = Object.fromEntries(
      Object.entries(changes).map(([f, edits]) => [
        f,
        edits.map((edit) => {
          const r = base() as Request;
          edit(r);
          return r;
        }),
      ]),
    );
    await agree(
      cases,
      (_f, request) => orderRequest.safeParse(request).success,
      async (f, request) => {
        try {
          await sql`select private.check_order_request(${sql.json(request as never)})`;
          return true;
        } catch (e) {
          const pg = e as { code?: string; message?: string };
          assert.equal(pg.code, "22023", `${f}: refused as a bad request, not ${pg.code} ${pg.message}`);
          return false;
        }
      },
    );
  });

  test("the contract's substitution choices are the database's", () => {
    assert.deepEqual([...substitutions], [...Constants.public.Enums.substitution_preference]);
  });
});
