// The merchant's inventory client (app/src/lib/inventory) against the stack: one product's
// price, stock and listing; and the import that creates and updates products by SKU in one
// request, refused for another merchant's store with nothing applied. Reading the CSV is
// tested beside the module (inventory.test.ts).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { $ZodError as ZodError } from "zod/v4/core";
import { importInventory, parseInventoryCsv, updateProduct } from "../../app/src/lib/inventory/inventory.js";
import { Refused } from "../../app/src/lib/orders/refusal.js";
import { db } from "../support/env.js";
import { openShop, type Person, type Shop } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const productRow = async (storeId: string, sku: string) =>
  (await sql`select name, description, category, unit, price_paise, stock, is_active from public.products where store_id = ${storeId} and sku = ${sku}`)[0];

describe("inventory from the app", () => {
  let shop: Shop;
  let other: Person;

  before(async () => {
    shop = await openShop(sql, "app-inventory", [
      { sku: "ATTA", price_paise: 28500, stock: 40 },
      { sku: "DAHI", price_paise: 3500, stock: 25 },
    ]);
    await sql`update public.products set description = 'Stone ground' where id = ${shop.product["ATTA"]!}`;
    other = (await openShop(sql, "app-inventory-other", [])).merchant;
  });

  it("the merchant changes a product's price, stock and listing", async () => {
    const updated = await updateProduct(shop.merchant.supabase, shop.product["DAHI"]!, { price_paise: 3700, stock: 0, is_active: false });
    assert.ok(updated);
    assert.deepEqual([updated.price_paise, updated.stock, updated.is_active], [3700, 0, false]);
    assert.deepEqual(
      { ...(await productRow(shop.storeId, "DAHI")) },
      { name: "Product DAHI", description: "", category: "Staples", unit: "1 pc", price_paise: 3700, stock: 0, is_active: false },
    );
    const stockOnly = await updateProduct(shop.merchant.supabase, shop.product["DAHI"]!, { stock: 12 });
    assert.deepEqual([stockOnly?.price_paise, stockOnly?.stock, stockOnly?.is_active], [3700, 12, false]);
  });

  it("another merchant's product is not theirs to change", async () => {
    assert.equal(await updateProduct(other.supabase, shop.product["ATTA"]!, { price_paise: 1 }), null);
    assert.equal((await productRow(shop.storeId, "ATTA"))!.price_paise, 28500);
  });

  it("refuses values the table would refuse, before sending", async () => {
    for (const patch of [{ price_paise: 0 }, { price_paise: 10_000_001 }, { price_paise: 12.5 }, { stock: -1 }, {}, { name: "x" } as never]) {
      await assert.rejects(updateProduct(shop.merchant.supabase, shop.product["ATTA"]!, patch), ZodError, JSON.stringify(patch));
    }
    // The edges the table accepts, the app accepts too.
    const edge = await updateProduct(shop.merchant.supabase, shop.product["ATTA"]!, { price_paise: 10_000_000, stock: 0 });
    assert.deepEqual([edge?.price_paise, edge?.stock], [10_000_000, 0]);
    await updateProduct(shop.merchant.supabase, shop.product["ATTA"]!, { price_paise: 28500, stock: 40 });
  });

  it("imports by SKU: new SKUs are created, known ones updated, columns left out kept", async () => {
    const { rows, errors } = parseInventoryCsv(
      "sku,name,category,unit,price_paise,stock\nATTA,Chakki Atta,Atta & Flours,5 kg,29900,50\nPOHA-500,Poha,Staples,500 g,4200,30\n",
    );
    assert.deepEqual(errors, []);
    const result = await importInventory(shop.merchant.supabase, shop.storeId, rows);
    assert.deepEqual(result, { created: ["POHA-500"], updated: ["ATTA"] });
    assert.deepEqual(
      { ...(await productRow(shop.storeId, "ATTA")) },
      // The description was not in the file: it stays.
      { name: "Chakki Atta", description: "Stone ground", category: "Atta & Flours", unit: "5 kg", price_paise: 29900, stock: 50, is_active: true },
    );
    assert.deepEqual(
      { ...(await productRow(shop.storeId, "POHA-500")) },
      { name: "Poha", description: "", category: "Staples", unit: "500 g", price_paise: 4200, stock: 30, is_active: true },
    );
    // The same file again changes nothing and creates nothing.
    assert.deepEqual(await importInventory(shop.merchant.supabase, shop.storeId, rows), { created: [], updated: ["ATTA", "POHA-500"] });
    const [count] = await sql`select count(*)::int as n from public.products where store_id = ${shop.storeId}`;
    assert.equal(count!.n, 3);
  });

  it("refuses another merchant's store, applying nothing", async () => {
    const { rows } = parseInventoryCsv("sku,name,category,unit,price_paise,stock\nATTA,Hijacked,Staples,5 kg,1,0\nNEW,New,Staples,1 pc,100,1\n");
    await assert.rejects(importInventory(other.supabase, shop.storeId, rows), (e) => e instanceof Refused && e.status === 403 && e.code === "42501");
    assert.equal((await productRow(shop.storeId, "ATTA"))!.name, "Chakki Atta");
    assert.equal(await productRow(shop.storeId, "NEW"), undefined);
  });
});
