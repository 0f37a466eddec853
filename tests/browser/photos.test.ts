// Photos on Storage, through the app: a merchant's product photo taken online and offline (made
// small on the phone, sent once when the network returns), shown to a customer on the store page
// and in the cart, with a tile for a product without one; a rider's door photo, which waits in
// the outbox while the network is down, and the customer seeing it on the order page.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { encodePng } from "../../seed/images.js";
import { handoverCode } from "../../app/src/lib/orders/orders.js";
import { publicUrl } from "../../app/src/lib/images/images.js";
import { db, env } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, riderAt } from "../support/orders.js";
import { addToCart, appUrl, outboxShows, phone, screen, signIn, t, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const ph = t.photos;
const i = t.merchant.inventory;

/** A camera-sized photo (a colour gradient), far bigger than what the phone may send. */
function cameraPhoto(name: string, tint: number): { name: string; mimeType: string; buffer: Buffer } {
  const [w, h] = [1600, 1200];
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      rgb[o] = (x * 255) / w;
      rgb[o + 1] = (y * 255) / h;
      rgb[o + 2] = tint;
    }
  }
  return { name, mimeType: "image/png", buffer: encodePng(w, h, rgb) };
}

const imagePathOf = async (productId: string) =>
  (await sql<{ image_path: string | null }[]>`select image_path from public.products where id = ${productId}`)[0]!.image_path;
const objectsUnder = async (bucket: string, prefix: string) =>
  (await sql<{ name: string }[]>`select name from storage.objects where bucket_id = ${bucket} and name like ${prefix + "%"} order by name`).map((o) => o.name);

/** The <img>'s size as drawn and as decoded, once it has loaded. */
async function loaded(img: Locator): Promise<{ src: string; width: string | null; height: string | null; natural: number }> {
  await img.scrollIntoViewIfNeeded();
  await img.evaluate((el: HTMLImageElement) => (el.complete && el.naturalWidth > 0 ? null : new Promise((r, e) => ((el.onload = r), (el.onerror = e)))));
  return {
    src: (await img.getAttribute("src"))!,
    width: await img.getAttribute("width"),
    height: await img.getAttribute("height"),
    natural: await img.evaluate((el: HTMLImageElement) => Math.max(el.naturalWidth, el.naturalHeight)),
  };
}

/** Taps a product's photo button and picks the file in the chooser it opens (camera or gallery). */
async function choosePhoto(page: Page, button: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: button, exact: true }).click()]);
  await chooser.setFiles(file);
}

const rowOf = (page: Page, name: string) => page.getByRole("listitem").filter({ hasText: name });

describe("photos", () => {
  test("a merchant adds a product photo online and offline (sent once when the network returns); a customer sees it on the store page and in the cart", async () => {
    const shop = await openShop(sql, "ui-photos", [
      { sku: "TEA", price_paise: 24000, stock: 10, category: "Tea & Coffee" },
      { sku: "RICE", price_paise: 9000, stock: 10, category: "Atta, Rice & Dal" },
    ]);
    const merchant = await phone();
    const page = await signIn(await merchant.newPage(), shop.merchant.email, "/merchant");
    await page.goto(`${appUrl}/merchant/inventory`);
    await outboxShows(page, 0);
    const tea = page.getByRole("form", { name: i.label("Product TEA") });

    // Online: made small on the phone, stored, named on the product.
    await choosePhoto(page, ph.addNamed("Product TEA"), cameraPhoto("tea.png", 40));
    await page.getByText(ph.state(t.outbox.states.done)).waitFor();
    const first = await imagePathOf(shop.product.TEA!);
    assert.match(first ?? "", new RegExp(`^${shop.storeId}/${shop.product.TEA}/[0-9a-f-]{36}\\.webp$`));
    const stored = await fetch(publicUrl(env.apiUrl, "product-images", first!));
    assert.equal(stored.status, 200);
    assert.equal(stored.headers.get("content-type"), "image/webp");
    const bytes = (await stored.arrayBuffer()).byteLength;
    assert.ok(bytes <= 70_000, `the photo sent is small: ${bytes} bytes`);

    // Offline: the new photo waits on the phone (shown from there), then is sent once; the old
    // photo is removed.
    await merchant.setOffline(true);
    await choosePhoto(page, ph.changeNamed("Product TEA"), cameraPhoto("tea-2.png", 200));
    await page.getByText(ph.state(t.outbox.states.queued)).waitFor();
    await outboxShows(page, 1);
    assert.equal(await imagePathOf(shop.product.TEA!), first);
    await screen(page, "photos-stock-offline");
    await merchant.setOffline(false);
    await page.getByText(ph.state(t.outbox.states.done)).waitFor();
    await outboxShows(page, 0);
    const second = await imagePathOf(shop.product.TEA!);
    assert.notEqual(second, first);
    assert.deepEqual(await objectsUnder("product-images", `${shop.storeId}/${shop.product.TEA}/`), [second], "one photo per product: the old one is removed");
    const [changes] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.audit_log
      where table_name = 'products' and record_id = ${shop.product.TEA!} and action ilike 'update%'`;
    assert.equal(changes!.n, 2, "each photo named on the product once");
    assert.ok(await tea.isVisible());

    // The CSV import names a photo per product, chosen with the file; a name not chosen is refused
    // on its line and nothing is imported.
    const csv = (text: string) => ({ name: "stock.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
    const header = "sku,name,category,unit,price_paise,stock,image";
    const small = { name: "rusk.png", mimeType: "image/png", buffer: encodePng(2, 2, new Uint8Array(12).fill(200)) };
    await page.getByLabel(i.file, { exact: true }).setInputFiles(csv(`${header}
RUSK,Rusk,Biscuits & Cookies,200 g,4000,9,rusk.png
JAM,Jam,Breakfast & Spreads,1 jar,9000,2,jam.png
`));
    await page.getByLabel(ph.importPhotos).setInputFiles([small]);
    await page.getByRole("button", { name: i.import, exact: true }).click();
    await page.getByText(/^Line 3, image: /).waitFor();
    assert.equal((await sql`select 1 from public.products where store_id = ${shop.storeId} and sku in ('RUSK', 'JAM')`).length, 0);
    await page.getByLabel(i.file, { exact: true }).setInputFiles(csv(`${header}
RUSK,Rusk,Biscuits & Cookies,200 g,4000,9,rusk.png
JAM,Jam,Breakfast & Spreads,1 jar,9000,2,
`));
    await page.getByLabel(ph.importPhotos).setInputFiles([small]);
    await page.getByRole("button", { name: i.import, exact: true }).click();
    await page.getByText(`${i.imported(2, 0)} ${ph.importedPhotos(1)}`).waitFor();
    const [rusk] = await sql<{ id: string; image_path: string | null }[]>`select id, image_path from public.products where store_id = ${shop.storeId} and sku = 'RUSK'`;
    assert.match(rusk!.image_path ?? "", new RegExp(`^${shop.storeId}/${rusk!.id}/[0-9a-f-]{36}\\.png$`));
    assert.equal((await fetch(publicUrl(env.apiUrl, "product-images", rusk!.image_path!))).status, 200);
    await merchant.close();

    // The customer: the photo on the store page, small and sized; a tile for the product without one.
    const customer = await person("customer", "ui-photos-customer");
    const shopper = await phone();
    const store = await signIn(await shopper.newPage(), customer.email, "/customer");
    await store.goto(`${appUrl}/customer/stores/${shop.storeId}`);
    const shown = await loaded(rowOf(store, "Product TEA").locator("img"));
    assert.equal(shown.src, publicUrl(env.apiUrl, "product-images", second!));
    assert.deepEqual([shown.width, shown.height], ["48", "48"]);
    assert.ok(shown.natural <= 640, `at most 640 px: ${shown.natural}`);
    assert.equal(await rowOf(store, "Product RICE").locator("img").count(), 0);
    assert.equal((await rowOf(store, "Product RICE").locator(".tile").textContent())?.trim(), "A");
    await screen(store, "photos-store");

    await addToCart(store, "Product TEA", 1);
    await store.goto(`${appUrl}/customer/cart`);
    await waitForPath(store, "/customer/cart");
    const inCart = await loaded(store.getByRole("listitem").filter({ hasText: "Product TEA" }).locator("img"));
    assert.equal(inCart.src, publicUrl(env.apiUrl, "product-images", second!));
    await screen(store, "photos-cart");
    await shopper.close();
  });

  test("a rider takes the door photo offline (it waits in the outbox), delivers with the code, and the customer and the store see the photo", async () => {
    const shop = await openShop(sql, "ui-proof", [{ sku: "MILK", price_paise: 3000, stock: 10, category: "Milk, Curd & Paneer" }]);
    const customer = await person("customer", "ui-proof-customer");
    const rider = await riderAt(sql, "ui-proof-rider");
    const order = await placeOrder(customer, orderRequest(shop, [["MILK", 2]]));
    await makeReady(shop, order.id);
    for (const [name, args] of [["claim_delivery", { order_id: order.id }], ["update_order_status", { order_id: order.id, status: "picked_up" }]] as const) {
      const { error } = await rider.supabase.rpc(name, args as never);
      assert.equal(error, null, error?.message);
    }

    const riderPhone = await phone({ geolocation: { latitude: 18.5204, longitude: 73.8567 }, permissions: ["geolocation"] });
    const page = await signIn(await riderPhone.newPage(), rider.email, "/rider");
    await page.goto(`${appUrl}/rider/jobs/${order.id}`);
    await outboxShows(page, 0);
    await riderPhone.setOffline(true);
    await page.getByLabel(ph.door.take).setInputFiles(cameraPhoto("door.png", 120));
    await page.getByText(ph.door.state(t.outbox.states.queued)).waitFor();
    await outboxShows(page, 1);
    await screen(page, "photos-rider-door");
    await riderPhone.setOffline(false);
    await page.getByText(ph.door.state(t.outbox.states.done)).waitFor();
    const [row] = await sql<{ delivery_proof_path: string | null }[]>`select delivery_proof_path from public.orders where id = ${order.id}`;
    assert.match(row!.delivery_proof_path ?? "", new RegExp(`^${order.id}/[0-9a-f-]{36}\\.webp$`));
    assert.deepEqual(await objectsUnder("delivery-proofs", `${order.id}/`), [row!.delivery_proof_path]);

    await page.getByLabel(t.rider.job.code).fill(await handoverCode(customer.supabase, order.id));
    await page.getByRole("button", { name: t.rider.job.deliver }).click();
    await page.getByText(t.rider.job.delivered).waitFor();
    await riderPhone.close();

    const customerPhone = await phone();
    const orderPage = await signIn(await customerPhone.newPage(), customer.email, "/customer");
    await orderPage.goto(`${appUrl}/customer/orders/${order.id}`);
    const proof = await loaded(orderPage.getByRole("img", { name: ph.proof.alt }));
    assert.match(proof.src, new RegExp(`/storage/v1/object/sign/delivery-proofs/${order.id}/`));
    assert.ok(proof.natural <= 640);
    await screen(orderPage, "photos-order-proof");
    await customerPhone.close();

    // The store's merchant sees it on the order too.
    const merchantPhone = await phone();
    const merchantPage = await signIn(await merchantPhone.newPage(), shop.merchant.email, "/merchant");
    await merchantPage.goto(`${appUrl}/merchant/orders/${order.id}`);
    assert.ok((await loaded(merchantPage.getByRole("img", { name: ph.proof.alt }))).natural > 0);
    await merchantPhone.close();
  });
});
