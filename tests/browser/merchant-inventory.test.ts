import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { db } from "../support/env.js";
import { openShop } from "../support/orders.js";
import { outboxShows, phone, screen, signIn, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const i = t.merchant.inventory;
const productsOf = async (storeId: string) =>
  Object.fromEntries(
    (await sql<{ sku: string; name: string; price_paise: number; stock: number; is_active: boolean }[]>`
      select sku, name, price_paise, stock, is_active from public.products where store_id = ${storeId} order by sku`).map((p) => [p.sku, p]),
  );

describe("the merchant's inventory", () => {
  test("edits a product online and offline through the outbox (sent once when the network returns) and imports a CSV file", async () => {
    const shop = await openShop(sql, "ui-stock", [
      { sku: "ATTA", price_paise: 25000, stock: 10 },
      { sku: "DAL", price_paise: 14000, stock: 10 },
    ]);
    const context = await phone();
    const page = await context.newPage();
    await signIn(page, shop.merchant.email, "/merchant");
    await page.getByRole("link", { name: t.merchant.nav.inventory, exact: true }).click();
    await waitForPath(page, "/merchant/inventory");
    await outboxShows(page, 0);

    // Found by name.
    await page.getByLabel(i.search).fill("dal");
    await page.getByRole("heading", { name: i.product("Product ATTA", "ATTA") }).waitFor({ state: "detached" });
    const dal = page.getByRole("form", { name: i.label("Product DAL") });
    await dal.getByLabel(i.price).fill("150.5");
    await dal.getByLabel(i.stock).fill("7");
    await dal.getByRole("button", { name: i.saveNamed("Product DAL") }).click();
    await dal.getByText(i.state(t.outbox.states.done)).waitFor();
    assert.deepEqual([(await productsOf(shop.storeId)).DAL!.price_paise, (await productsOf(shop.storeId)).DAL!.stock], [15050, 7]);

    // A bad value is refused at its field and nothing is queued.
    await dal.getByLabel(i.stock).fill("-1");
    await dal.getByRole("button", { name: i.saveNamed("Product DAL") }).click();
    await dal.getByText(i.stockInvalid).waitFor();
    assert.equal((await productsOf(shop.storeId)).DAL!.stock, 7);

    // Offline: the change waits on the phone with the pending badge, then is sent once.
    await page.getByLabel(i.search).fill("");
    // Drawn again in its aisle, a product shows the change saved.
    assert.deepEqual(
      [await dal.getByLabel(i.price).inputValue(), await dal.getByLabel(i.stock).inputValue()],
      ["150.50", "7"],
    );
    const atta = page.getByRole("form", { name: i.label("Product ATTA") });
    await context.setOffline(true);
    await atta.getByLabel(i.stock).fill("3");
    await atta.getByRole("checkbox", { name: i.active }).uncheck();
    await atta.getByRole("button", { name: i.saveNamed("Product ATTA") }).click();
    await atta.getByText(i.state(t.outbox.states.queued)).waitFor();
    await outboxShows(page, 1);
    assert.deepEqual([(await productsOf(shop.storeId)).ATTA!.stock, (await productsOf(shop.storeId)).ATTA!.is_active], [10, true]);
    await screen(page, "merchant-inventory");

    await context.setOffline(false);
    await atta.getByText(i.state(t.outbox.states.done)).waitFor();
    await outboxShows(page, 0);
    assert.deepEqual([(await productsOf(shop.storeId)).ATTA!.stock, (await productsOf(shop.storeId)).ATTA!.is_active], [3, false]);
    const [changes] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.audit_log
      where table_name = 'products' and record_id = ${shop.product.ATTA!} and action ilike 'update%'`;
    assert.equal(changes!.n, 1, "the queued change reached the database once");

    // CSV: a file with a bad line is refused with its line, and nothing is written.
    const file = (text: string) => ({ name: "stock.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
    const header = "sku,name,category,unit,price_paise,stock";
    await page.getByLabel(i.file, { exact: true }).setInputFiles(file(`${header}\nATTA,Product ATTA,Staples,1 pc,26000,20\nGHEE,Ghee,Dairy,500 ml,12.5,4\n`));
    await page.getByRole("button", { name: i.import, exact: true }).click();
    await page.getByText(i.parseErrors(1)).waitFor();
    await page.getByText(/^Line 3, price_paise: /).waitFor();
    assert.deepEqual(Object.keys(await productsOf(shop.storeId)), ["ATTA", "DAL"]);
    assert.equal((await productsOf(shop.storeId)).ATTA!.price_paise, 25000);

    await page.getByLabel(i.file, { exact: true }).setInputFiles(file(`${header}\nATTA,Product ATTA,Staples,1 pc,26000,20\nGHEE,Ghee,Dairy,500 ml,45000,4\n`));
    await page.getByRole("button", { name: i.import, exact: true }).click();
    await page.getByText(i.imported(1, 1)).waitFor();
    const after = await productsOf(shop.storeId);
    assert.deepEqual([after.ATTA!.price_paise, after.ATTA!.stock, after.GHEE!.name, after.GHEE!.price_paise], [26000, 20, "Ghee", 45000]);
    await context.close();
  });
});
