import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ROOT } from "../../stack/lib/paths.js";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { CATALOGUE } from "../../seed/catalogue.js";
import { CITY_EMAIL_DOMAIN, generateCity } from "../../seed/city.js";
import { LOCALITIES } from "../../seed/pune.js";
import { client, db, env } from "../support/env.js";

const sql = db();
after(() => sql.end());

const seedCli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "seed/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, API_URL: env.apiUrl, ANON_KEY: env.anonKey, DB_URL: env.dbUrl },
  });

const demo = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;
const cityEmails = `%@${CITY_EMAIL_DOMAIN}`;
const kothrud = LOCALITIES.find((l) => l.name === "Kothrud")!;

/** What a city is, leaving out timestamps (relative to load time): equal digests, equal cities. */
async function cityDigest(): Promise<{ stores: string; products: string; accounts: string }> {
  const [row] = await sql`
    with city_stores as (
      select s.* from public.stores s join auth.users u on u.id = s.owner_id
      where u.email like ${cityEmails} or u.email = ${demo("merchant").email})
    select
      (select md5(string_agg(concat_ws('|', id, owner_id, name, category, address, extensions.st_astext(location),
        delivery_radius_m, opening_hours, temporarily_closed, status, rating), ',' order by id)) from city_stores) as stores,
      (select md5(string_agg(concat_ws('|', p.id, p.store_id, p.sku, p.price_paise, p.stock, p.is_active), ',' order by p.id))
         from public.products p where p.store_id in (select id from city_stores)) as products,
      (select md5(string_agg(concat_ws('|', u.id, u.email, p.role, p.full_name), ',' order by u.id))
         from auth.users u join public.profiles p on p.id = u.id where u.email like ${cityEmails}) as accounts`;
  return row as { stores: string; products: string; accounts: string };
}

test("the city generator is deterministic: one seed, one city; another seed, another city", () => {
  const now = new Date("2026-11-21T06:00:00Z");
  const summary = (seed: number) => {
    const city = generateCity({ seed, stores: 120, now });
    return JSON.stringify({ accounts: city.accounts, stores: city.stores, riders: city.riders, products: [...city.products()] });
  };
  assert.equal(summary(7), summary(7));
  assert.notEqual(summary(7), summary(8));
});

test("a generated city looks like Pune: shops of every kind around its neighbourhoods, real catalogue items", () => {
  const city = generateCity({ seed: 1, stores: 2000, now: new Date() });
  const categories = new Set(city.stores.map((s) => s.category));
  assert.equal(categories.size, 8, "every kind of shop appears");
  for (const s of city.stores) {
    assert.ok(s.lat > 18.35 && s.lat < 18.75 && s.lng > 73.6 && s.lng < 74.1, `${s.name} stands in Pune (${s.lat}, ${s.lng})`);
  }
  const share = (pred: (s: (typeof city.stores)[number]) => boolean) => city.stores.filter(pred).length / city.stores.length;
  assert.ok(share((s) => s.status === "approved") > 0.85, "most shops are approved");
  assert.ok(share((s) => s.status === "pending") > 0, "some shops wait for approval");
  assert.ok(share((s) => s.status === "suspended") > 0, "some shops are suspended");
  assert.ok(share((s) => s.temporarilyClosed) > 0, "some shops are temporarily closed");
  assert.ok(share((s) => Object.values(s.openingHours).some((slots) => slots.length === 2)) > 0.2, "many shops close for the afternoon");
  assert.ok(share((s) => Object.values(s.openingHours).some((slots) => slots.length === 0)) > 0, "some shops have a weekly day off");
  // So that every neighbourhood lists an open shop whatever the hour a person (or a test) looks.
  const aroundTheClock = (s: (typeof city.stores)[number]) =>
    s.status === "approved" && !s.temporarilyClosed && ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].every((d) => JSON.stringify(s.openingHours[d]) === '[["00:00","24:00"]]');
  for (const l of LOCALITIES) {
    const near = (s: (typeof city.stores)[number]) => Math.hypot((s.lat - l.lat) * 111_320, (s.lng - l.lng) * 105_600) < 1500;
    assert.ok(city.stores.some((s) => aroundTheClock(s) && near(s) && s.deliveryRadiusM >= 3000), `${l.name} has a shop open around the clock`);
  }

  assert.ok(CATALOGUE.length >= 400, `several hundred products (${CATALOGUE.length})`);
  const names = new Set(CATALOGUE.map((i) => i.name.toLowerCase()));
  assert.equal(names.size, CATALOGUE.length, "product names are unique");
  const products = [...city.products()];
  assert.equal(products.length, city.productCount);
  const skus = new Set(CATALOGUE.map((i) => i.sku));
  assert.ok(products.every((p) => skus.has(p.sku) && p.pricePaise > 0 && p.stock >= 0));
  assert.ok(products.some((p) => p.stock === 0) && products.some((p) => p.stock > 0), "some products are out of stock");
});

test("npm run seed loads a city in bulk; the same seed loads the same city again, another seed replaces it", async () => {
  const first = seedCli("--stores", "200", "--seed", "7");
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /200 shops, \d+ products/);

  const [counts] = await sql`
    select (select count(*)::int from public.stores s join auth.users u on u.id = s.owner_id where u.email like ${cityEmails}) as city_stores,
           (select count(*)::int from public.stores s join auth.users u on u.id = s.owner_id where u.email = ${demo("merchant").email}) as demo_stores,
           (select count(*)::int from auth.users u join auth.identities i on i.user_id = u.id join public.profiles p on p.id = u.id
             where u.email like ${cityEmails}) as accounts,
           (select count(*)::int from auth.users where email like ${cityEmails}) as users,
           (select count(*)::int from public.rider_profiles r join auth.users u on u.id = r.rider_id where u.email like ${cityEmails}) as riders`;
  assert.equal(counts!.city_stores + counts!.demo_stores, 200);
  assert.equal(counts!.demo_stores, 2, "the demo merchant runs two of the shops");
  assert.equal(counts!.accounts, counts!.users, "every seeded account has an identity and a profile");
  assert.equal(counts!.riders, 25, "one rider for every eight shops");
  const digest = await cityDigest();

  const again = seedCli("--stores", "200", "--seed", "7");
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(await cityDigest(), digest, "the same seed gives the same city");

  const other = seedCli("--stores", "200", "--seed", "8");
  assert.equal(other.status, 0, other.stderr);
  const replaced = await cityDigest();
  assert.notEqual(replaced.stores, digest.stores);
  const [{ n }] = (await sql`select count(*)::int as n from public.stores s join auth.users u on u.id = s.owner_id
                             where u.email like ${cityEmails} or u.email = ${demo("merchant").email}`) as unknown as [{ n: number }];
  assert.equal(n, 200, "the new city replaced the old one instead of adding to it");
});

test("the seeded city works through the API: demo and city accounts sign in, discovery finds its shops", async () => {
  const r = seedCli("--stores", "200", "--seed", "1");
  assert.equal(r.status, 0, r.stderr);

  const merchant = client();
  const { error } = await merchant.auth.signInWithPassword({ email: demo("merchant").email, password: DEMO_PASSWORD });
  assert.equal(error, null);
  const { data: own } = await merchant.from("stores").select("name, status").eq("owner_id", (await merchant.auth.getUser()).data.user!.id);
  assert.deepEqual(own!.map((s) => s.status).sort(), ["approved", "pending"], "the demo merchant has an approved shop and one awaiting approval");

  const cityMerchant = client();
  const signIn = await cityMerchant.auth.signInWithPassword({ email: `merchant.000000@${CITY_EMAIL_DOMAIN}`, password: DEMO_PASSWORD });
  assert.equal(signIn.error, null, "seeded accounts sign in with the demo password");
  const { data: profile } = await cityMerchant.rpc("my_profile");
  assert.equal(profile?.role, "merchant");

  const anon = client();
  const nearby = await anon.rpc("nearby_stores", { lat: kothrud.lat, lng: kothrud.lng, open_now: false });
  assert.equal(nearby.error, null);
  assert.ok(nearby.data!.some((s) => own!.some((o) => o.name === s.name)), "the demo merchant's approved shop is found from Kothrud");
  // The demo shop is open around the clock and stocks all it may sell, tomatoes included.
  const search = await anon.rpc("search_products", { query: "tometo", lat: kothrud.lat, lng: kothrud.lng });
  assert.equal(search.error, null);
  assert.ok(search.data!.some((p) => /tomato/i.test(p.product_name!) && own!.some((o) => o.name === p.store_name)), "a misspelt tomato is found at the demo shop");
});

test("a bad seed option is refused with a clear message and changes nothing", async () => {
  const before = await cityDigest();
  for (const args of [["--stores", "-5"], ["--stores", "many"], ["--seed", "1.5"], ["--products-per-store", "9999"], ["--colour", "red"]]) {
    const r = seedCli(...args);
    assert.equal(r.status, 2, `${args.join(" ")} exits with 2`);
    assert.match(r.stderr, /^error: /m, `${args.join(" ")} explains itself`);
  }
  assert.deepEqual(await cityDigest(), before);
  const start = spawnSync(process.execPath, ["--import", "tsx", "stack/cli.ts", "start", "--city", "lots"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(start.status, 1);
  assert.match(start.stderr, /error: --city takes a number of shops/);
});

test("a seed that would orphan orders is refused and leaves the city as it was", async () => {
  const before = await cityDigest();
  const [order] = await sql`
    insert into public.orders (customer_id, store_id, subtotal_paise, total_paise, delivery_address, delivery_location)
    select (select id from auth.users where email = ${demo("customer").email}), s.id, 5000, 5000, 'Flat 3, Kothrud, Pune',
           extensions.st_point(${kothrud.lng}, ${kothrud.lat})::extensions.geography
    from public.stores s join auth.users u on u.id = s.owner_id where u.email like ${cityEmails} limit 1
    returning id`;
  try {
    const r = seedCli("--stores", "50");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /has 1 orders, which a new seed would orphan/);
    assert.deepEqual(await cityDigest(), before);
  } finally {
    await sql`delete from public.orders where id = ${order!.id}`;
  }
});

test("--stores 0 removes the city and keeps the demo accounts, which all sign in", async () => {
  const r = seedCli("--stores", "0");
  assert.equal(r.status, 0, r.stderr);
  const [left] = await sql`select (select count(*)::int from auth.users where email like ${cityEmails}) as accounts,
                                  (select count(*)::int from public.stores s join auth.users u on u.id = s.owner_id
                                    where u.email = ${demo("merchant").email}) as demo_stores`;
  assert.deepEqual({ ...left }, { accounts: 0, demo_stores: 0 });
  for (const a of DEMO_ACCOUNTS) {
    const supabase = client();
    const { error } = await supabase.auth.signInWithPassword({ email: a.email, password: DEMO_PASSWORD });
    assert.equal(error, null, a.email);
    const { data } = await supabase.rpc("my_profile");
    assert.equal(data?.role, a.role, `${a.email} is a ${a.role}`);
    assert.equal(data?.phone, a.phone, `${a.email} has a phone number`);
  }
});
