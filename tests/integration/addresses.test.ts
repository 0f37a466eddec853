// Saved addresses over REST (owner only, bad input a clear 400 that saves nothing), the
// gazetteer's search_places, and checkout keeping a snapshot of the chosen address (text, pin,
// phone) that later edits of the address do not change.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { client, db } from "../support/env.js";
import { addressForm, listAddresses, saveAddress, searchPlaces, toDelivery } from "../../app/src/lib/addresses/addresses.js";
import { addItem, emptyCart, orderRequestSchema, toOrderRequest } from "../../app/src/lib/cart/cart.js";
import { checkout, newKey, openShop, orderCount, orderRequest, person, stockOf, type Person, type Shop } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const HOME = { label: "home" as const, house: "Flat 12, Lotus Court", street: "Karve Road, Deccan", landmark: "Opposite the petrol pump", phone: "9822012345" };
const at = (p: { lat: number; lng: number }) => `SRID=4326;POINT(${p.lng} ${p.lat})`;

describe("saved addresses", () => {
  let customer: Person;
  let other: Person;

  before(async () => {
    customer = await person("customer", "addresses");
    other = await person("customer", "addresses-other");
  });

  it("a customer saves an address and reads it back with its pin and line; nobody else sees it", async () => {
    const saved = await customer.supabase.from("addresses").insert({ ...HOME, location: at({ lat: 18.5158, lng: 73.8418 }) }).select("id, is_default").single();
    assert.equal(saved.error, null);
    assert.equal(saved.data!.is_default, true, "the first address is the default");
    const mine = await customer.supabase.from("my_addresses").select("lat, lng, line, phone");
    assert.deepEqual(mine.data, [{ lat: 18.5158, lng: 73.8418, line: "Flat 12, Lotus Court, Karve Road, Deccan, near Opposite the petrol pump", phone: "9822012345" }]);
    const theirs = await other.supabase.from("my_addresses").select("id");
    assert.deepEqual(theirs.data, []);
  });

  it("bad input is a 400 naming the rule, and saves nothing", async () => {
    const before = await sql`select count(*)::int as n from public.addresses where customer_id = ${customer.userId}`;
    for (const [what, row] of [
      ["a phone of letters", { ...HOME, phone: "call me" }],
      ["a blank house", { ...HOME, house: "  " }],
      ["a label that is not Home, Work or Other", { ...HOME, label: "holiday" }],
    ] as const) {
      const answer = await customer.supabase.from("addresses").insert({ ...row, location: at({ lat: 18.5, lng: 73.8 }) } as never);
      assert.equal(answer.status, 400, `${what}: ${JSON.stringify(answer.error)}`);
    }
    const forOther = await customer.supabase.from("addresses").insert({ ...HOME, location: at({ lat: 18.5, lng: 73.8 }), customer_id: other.userId } as never);
    assert.ok([401, 403].includes(forOther.status), `an address for someone else is refused (${forOther.status})`);
    const anonymous = await client().from("addresses").insert({ ...HOME, location: at({ lat: 18.5, lng: 73.8 }) });
    assert.ok([401, 403].includes(anonymous.status), `a signed-out caller is refused (${anonymous.status})`);
    const after = await sql`select count(*)::int as n from public.addresses where customer_id = ${customer.userId}`;
    assert.equal(after[0]!.n, before[0]!.n);
  });

  it("search_places finds localities and landmarks by name, misspelt too, for anyone", async () => {
    const anyone = client();
    const { data, error } = await anyone.rpc("search_places", { q: "deccan" });
    assert.equal(error, null);
    assert.equal(data![0]!.name, "Deccan Gymkhana");
    assert.equal((await anyone.rpc("search_places", { q: "shanivar wada" })).data![0]!.name, "Shaniwar Wada");
    assert.deepEqual((await anyone.rpc("search_places", { q: "x" })).data, []);
  });
});

describe("checkout keeps a snapshot of the address", () => {
  let shop: Shop;
  let customer: Person;

  before(async () => {
    shop = await openShop(sql, "address-snapshot", [{ sku: "DAL", price_paise: 11000, stock: 10 }]);
    customer = await person("customer", "address-snapshot");
    const { error } = await customer.supabase.from("addresses").insert({ ...HOME, location: at({ lat: 18.5204, lng: 73.8567 }) });
    assert.equal(error, null);
  });

  it("the order keeps the address's text, pin and phone, and editing the address later leaves it", async () => {
    const [saved] = (await customer.supabase.from("my_addresses").select("id, line, lat, lng, phone")).data!;
    const answer = await checkout(customer.token, newKey(), orderRequest(shop, [["DAL", 1]], { delivery: { address: saved!.line, lat: saved!.lat, lng: saved!.lng, phone: saved!.phone } }));
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.body.delivery_phone, "9822012345");

    await customer.supabase.from("addresses").update({ house: "Flat 99, Elsewhere", phone: "9000000000", location: at({ lat: 18.53, lng: 73.86 }) }).eq("id", saved!.id);
    const [order] = await sql<{ delivery_address: string; delivery_phone: string; lat: number; lng: number }[]>`
      select delivery_address, delivery_phone, extensions.st_y(delivery_location::extensions.geometry) as lat, extensions.st_x(delivery_location::extensions.geometry) as lng
      from public.orders where id = ${answer.body.id}`;
    assert.deepEqual({ ...order }, { delivery_address: saved!.line, delivery_phone: "9822012345", lat: 18.5204, lng: 73.8567 });
  });

  it("a delivery phone that is not a phone number is a 400 on the field, and nothing changes", async () => {
    const stock = await stockOf(sql, shop);
    const orders = await orderCount(sql, { customerId: customer.userId });
    const answer = await checkout(customer.token, newKey(), orderRequest(shop, [["DAL", 1]], { delivery: { address: "7 Karve Road, Pune", lat: 18.5204, lng: 73.8567, phone: "ring twice" } }));
    assert.equal(answer.status, 400, answer.text);
    assert.ok(answer.body.details["delivery.phone"], answer.text);
    assert.deepEqual(await stockOf(sql, shop), stock);
    assert.equal(await orderCount(sql, { customerId: customer.userId }), orders);
  });
});

describe("the app's addresses module", () => {
  it("saves, lists the default first, and gives checkout a delivery it accepts", async () => {
    const customer = await person("customer", "addresses-lib");
    await saveAddress(customer.supabase, addressForm.parse({ ...HOME, landmark: "", lat: "18.51", lng: "73.84" }));
    const { id } = await saveAddress(customer.supabase, addressForm.parse({ ...HOME, label: "work", house: "Office 4", landmark: "", lat: "18.56", lng: "73.79", is_default: "on" }));
    const list = await listAddresses(customer.supabase);
    assert.deepEqual(list.map((a) => [a.id === id, a.is_default]), [[true, true], [false, false]]);
    const delivery = toDelivery(list[0]!);
    assert.deepEqual(delivery, { address: "Office 4, Karve Road, Deccan", lat: 18.56, lng: 73.79, phone: "9822012345" });
    const added = addItem(emptyCart(), { id: randomUUID(), name: "A shop" }, { id: randomUUID(), name: "Dal", pricePaise: 100 });
    assert.ok(added.ok);
    const request = toOrderRequest(added.cart, delivery);
    assert.equal(orderRequestSchema.safeParse(request).success, true);
    assert.equal((await searchPlaces(customer.supabase, "aundh"))[0]!.name, "Aundh");
  });
});
