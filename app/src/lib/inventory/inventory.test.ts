// The merchant's catalogue CSV (inventory.ts): pure logic, no server. Quotes, and an error per
// bad line and column.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseInventoryCsv } from "./inventory.js";

describe("reading an inventory CSV", () => {
  it("reads a CSV with quotes, and reports each bad value with its line and column", () => {
    const csv = [
      "sku,name,category,unit,price_paise,stock,is_active",
      'ATTA,"Atta, whole wheat ""chakki""",Staples,5 kg,29000,35,yes',
      "OIL-1L,Sunflower Oil,Oils,1 l,285.50,10,true",
      "SUGAR,Sugar,Staples,1 kg,4500,-1,true",
      "bad sku!,Thing,Staples,1 pc,100,1,true",
      "SALT,Salt,Staples,1 kg,2500",
      "ATTA,Atta again,Staples,5 kg,29000,35,true",
      '"RICE",Rice,"Rice',
      'and grains",5 kg,45000,12,',
      "",
      "GHEE,,Dairy,1 l,0,3,maybe",
    ].join("\r\n");
    const parsed = parseInventoryCsv(csv);
    assert.deepEqual(parsed.rows, [
      { sku: "ATTA", name: 'Atta, whole wheat "chakki"', category: "Staples", unit: "5 kg", price_paise: 29000, stock: 35, is_active: true },
      { sku: "RICE", name: "Rice", category: "Rice\r\nand grains", unit: "5 kg", price_paise: 45000, stock: 12, is_active: true },
    ]);
    assert.deepEqual(parsed.lines, [2, 8]);
    assert.deepEqual(
      parsed.errors.map((e) => [e.line, e.column ?? null]),
      [
        [3, "price_paise"],
        [4, "stock"],
        [5, "sku"],
        [6, null],
        [7, "sku"],
        [11, "name"],
        [11, "price_paise"],
        [11, "is_active"],
      ],
    );
    assert.equal(parsed.errors[4]!.message, "The SKU ATTA is already on line 2");
    assert.equal(parsed.errors[3]!.message, "Expected 7 values, found 5");
  });

  it("reports a header without a required column or with an unknown one", () => {
    const parsed = parseInventoryCsv("\ufeffsku,name,category,unit,stock,colour\nA,B,C,D,1,red\n");
    assert.deepEqual(parsed.rows, []);
    assert.deepEqual(parsed.errors.map((e) => [e.line, e.column]), [
      [1, "colour"],
      [1, "price_paise"],
    ]);
    assert.deepEqual(parseInventoryCsv("").errors, [{ line: 1, message: "The file is empty" }]);
    assert.deepEqual(parseInventoryCsv('sku,name\n"open').errors, [{ line: 2, message: "A quoted value is not closed" }]);
  });
});
