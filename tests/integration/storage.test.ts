// Photos through supabase-js `storage`, as the app's people use them: a merchant's product images
// and store photo (public buckets), a rider's proof of delivery (private, read through signed
// URLs by the customer, the store's merchant and admins), and every refusal the policies and the
// buckets' limits make, with nothing stored by a refused request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { client, db, env, type Client } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, riderAt, type Person, type Shop } from "../support/orders.js";

const sql = db();
let shop: Shop;
let otherShop: Shop;
let customer: Person;
let stranger: Person;
let rider: Person;
let otherRider: Person;
let admin: Person;
before(async () => {
  shop = await openShop(sql, "photos", [{ sku: "RICE", price_paise: 6000, stock: 100 }]);
  otherShop = await openShop(sql, "photos-other", [{ sku: "DAL", price_paise: 9000, stock: 100 }]);
  customer = await person("customer", "photo-customer");
  stranger = await person("customer", "photo-stranger");
  rider = await riderAt(sql, "photo-rider");
  otherRider = await riderAt(sql, "photo-other-rider");
  admin = await person("customer", "photo-admin");
  await sql`update public.profiles set role = 'admin' where id = ${admin.userId}`;
});
after(() => sql.end());

// Small images of each allowed type (their bytes are what a download must give back).
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f5c6d80000000049454e44ae426082", "hex");
const JPEG = Buffer.concat([Buffer.from("ffd8ffe000104a46494600010100000100010000", "hex"), Buffer.alloc(64, 7), Buffer.from("ffd9", "hex")]);
const MIB = 1024 * 1024;

/** The objects of a bucket under a prefix, as the database holds them. */
async function stored(bucket: string, name: string): Promise<number> {
  const [{ n }] = (await sql`select count(*)::int as n from storage.objects where bucket_id = ${bucket} and name = ${name}`) as unknown as [{ n: number }];
  return n;
}

async function bytesAt(url: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
}

test("a merchant uploads, replaces and removes their product's image; anyone opens its public URL", async () => {
  const images = shop.merchant.supabase.storage.from("product-images");
  const path = `${shop.storeId}/${shop.product.RICE}/rice.png`;
  const up = await images.upload(path, PNG, { contentType: "image/png" });
  assert.equal(up.error, null, up.error?.message);
  assert.equal(up.data?.fullPath, `product-images/${path}`);
  const saved = await shop.merchant.supabase.from("products").update({ image_path: path }).eq("id", shop.product.RICE!).select("image_path").single();
  assert.equal(saved.error, null, saved.error?.message);

  const visitor = client().storage.from("product-images");
  const url = visitor.getPublicUrl(path).data.publicUrl;
  assert.deepEqual(await bytesAt(url), { status: 200, type: "image/png", bytes: PNG }, "a visitor opens the public URL without a key");
  const listed = await client().from("products").select("image_path").eq("id", shop.product.RICE!).single();
  assert.equal(listed.data?.image_path, path, "a visitor reads where the image is from the product");

  const again = await images.upload(path, JPEG, { contentType: "image/jpeg" });
  assert.equal(again.error?.message, "The resource already exists", "an upload does not replace an image unless asked to");
  const replaced = await images.upload(path, JPEG, { contentType: "image/jpeg", upsert: true });
  assert.equal(replaced.error, null, replaced.error?.message);
  assert.deepEqual(await bytesAt(url), { status: 200, type: "image/jpeg", bytes: JPEG }, "the public URL serves the new image");

  // A browser's File goes as a multipart form.
  const file = new File([PNG], "from-phone.png", { type: "image/png" });
  const fromPhone = await images.upload(`${shop.storeId}/${shop.product.RICE}/from-phone.png`, file);
  assert.equal(fromPhone.error, null, fromPhone.error?.message);
  assert.deepEqual(await bytesAt(visitor.getPublicUrl(`${shop.storeId}/${shop.product.RICE}/from-phone.png`).data.publicUrl), { status: 200, type: "image/png", bytes: PNG });

  const removed = await images.remove([`${shop.storeId}/${shop.product.RICE}/from-phone.png`]);
  assert.equal(removed.error, null, removed.error?.message);
  assert.equal(removed.data?.length, 1);
  assert.equal(await stored("product-images", `${shop.storeId}/${shop.product.RICE}/from-phone.png`), 0);
  assert.equal((await bytesAt(visitor.getPublicUrl(`${shop.storeId}/${shop.product.RICE}/from-phone.png`).data.publicUrl)).status, 400);
});

test("a merchant's upload into another store's folder is refused, and so is anyone else's", async () => {
  const target = `${otherShop.storeId}/${otherShop.product.DAL}/mine.png`;
  const refused = await shop.merchant.supabase.storage.from("product-images").upload(target, PNG, { contentType: "image/png" });
  assert.equal(refused.data, null);
  assert.equal(refused.error?.message, "new row violates row-level security policy");
  assert.equal((refused.error as { statusCode?: string }).statusCode, "403");
  for (const who of [customer, rider, admin]) {
    const r = await who.supabase.storage.from("product-images").upload(`${shop.storeId}/${shop.product.RICE}/x.png`, PNG, { contentType: "image/png" });
    assert.equal((r.error as { statusCode?: string } | null)?.statusCode, "403");
  }
  const visitor = await client().storage.from("store-photos").upload(`${shop.storeId}/x.png`, PNG, { contentType: "image/png" });
  assert.equal((visitor.error as { statusCode?: string } | null)?.statusCode, "403");
  assert.equal(await stored("product-images", target), 0, "nothing was stored");
  // Replacing or removing another store's image changes nothing either.
  const own = await otherShop.merchant.supabase.storage.from("product-images").upload(target, PNG, { contentType: "image/png" });
  assert.equal(own.error, null, own.error?.message);
  const overwrite = await shop.merchant.supabase.storage.from("product-images").upload(target, JPEG, { contentType: "image/jpeg", upsert: true });
  assert.equal((overwrite.error as { statusCode?: string } | null)?.statusCode, "403");
  const removal = await shop.merchant.supabase.storage.from("product-images").remove([target]);
  assert.deepEqual(removal.data, []);
  assert.deepEqual((await bytesAt(client().storage.from("product-images").getPublicUrl(target).data.publicUrl)).bytes, PNG);
});

test("an oversized or wrong-type file is refused with a clear error, and nothing is stored", async () => {
  const images = shop.merchant.supabase.storage.from("product-images");
  const folder = `${shop.storeId}/${shop.product.RICE}`;
  const big = await images.upload(`${folder}/big.png`, Buffer.alloc(MIB + 1, 1), { contentType: "image/png" });
  assert.equal(big.error?.message, `The object exceeded the maximum allowed size of ${MIB} bytes`);
  assert.deepEqual([(big.error as { statusCode?: string }).statusCode, (big.error as { code?: string }).code], ["413", "EntityTooLarge"]);
  const justRight = await images.upload(`${folder}/exactly-1mib.png`, Buffer.alloc(MIB, 1), { contentType: "image/png" });
  assert.equal(justRight.error, null, "exactly 1 MiB is allowed");
  for (const [name, type] of [["anim.gif", "image/gif"], ["notes.txt", "text/plain"], ["page.svg", "image/svg+xml"]]) {
    const wrong = await images.upload(`${folder}/${name}`, PNG, { contentType: type });
    assert.equal(wrong.error?.message, `mime type ${type} is not supported. Supported: image/jpeg, image/png, image/webp`, type!);
    assert.deepEqual([(wrong.error as { statusCode?: string }).statusCode, (wrong.error as { code?: string }).code], ["415", "InvalidMimeType"]);
    assert.equal(await stored("product-images", `${folder}/${name}`), 0);
  }
  const webp = await images.upload(`${folder}/rice.webp`, PNG, { contentType: "image/webp" });
  assert.equal(webp.error, null, "WebP is allowed");
  const proof = await rider.supabase.storage.from("delivery-proofs").upload(`${shop.storeId}/big.jpg`, Buffer.alloc(MIB + 1), { contentType: "image/jpeg" });
  assert.equal((proof.error as { statusCode?: string } | null)?.statusCode, "413", "the private bucket has the same limit");
  assert.equal(await stored("product-images", `${folder}/big.png`), 0);
});

test("a merchant sets their store's photo; other merchants and customers cannot", async () => {
  const path = `${shop.storeId}/front.jpg`;
  const up = await shop.merchant.supabase.storage.from("store-photos").upload(path, JPEG, { contentType: "image/jpeg" });
  assert.equal(up.error, null, up.error?.message);
  const saved = await shop.merchant.supabase.from("stores").update({ photo_path: path }).eq("id", shop.storeId).select("photo_path").single();
  assert.deepEqual(saved.data, { photo_path: path });
  const wrongFolder = await shop.merchant.supabase.from("stores").update({ photo_path: `${otherShop.storeId}/front.jpg` }).eq("id", shop.storeId);
  assert.equal(wrongFolder.error?.code, "23514", "photo_path must be in the store's own folder");
  const intruder = await otherShop.merchant.supabase.storage.from("store-photos").upload(`${shop.storeId}/mine.jpg`, JPEG, { contentType: "image/jpeg" });
  assert.equal((intruder.error as { statusCode?: string } | null)?.statusCode, "403");
  const store = await client().from("stores").select("photo_path").eq("id", shop.storeId).single();
  assert.deepEqual(await bytesAt(client().storage.from("store-photos").getPublicUrl(store.data!.photo_path!).data.publicUrl), { status: 200, type: "image/jpeg", bytes: JPEG });
});

/** An order of the customer's at the shop, claimed by a new rider and picked up. */
async function pickedUpOrder(label: string): Promise<{ orderId: string; rider: Person }> {
  const rider = await riderAt(sql, label);
  const order = await placeOrder(customer, orderRequest(shop, [["RICE", 1]]));
  await makeReady(shop, order.id);
  const claimed = await rider.supabase.rpc("claim_delivery", { order_id: order.id });
  assert.equal(claimed.error, null, claimed.error?.message);
  const picked = await rider.supabase.rpc("update_order_status", { order_id: order.id, status: "picked_up" });
  assert.equal(picked.error, null, picked.error?.message);
  return { orderId: order.id, rider };
}

/** The order's proof as `who` opens it: the path from the order, then a signed URL. */
async function openProof(who: Client, orderId: string) {
  const order = await who.from("orders").select("delivery_proof_path").eq("id", orderId).maybeSingle();
  const path = order.data?.delivery_proof_path;
  if (!path) return { path: null, error: "no path" };
  const signed = await who.storage.from("delivery-proofs").createSignedUrl(path, 3600);
  if (signed.error) return { path, error: signed.error.message };
  return { path, error: null, ...(await bytesAt(signed.data.signedUrl)) };
}

test("the rider's proof of delivery: attached by the assigned rider, opened by the customer, the merchant and admins through signed URLs", async () => {
  const { orderId, rider } = await pickedUpOrder("proof-rider");
  const path = `${orderId}/door.jpg`;
  const proofs = rider.supabase.storage.from("delivery-proofs");
  const up = await proofs.upload(path, JPEG, { contentType: "image/jpeg" });
  assert.equal(up.error, null, up.error?.message);
  const attached = await rider.supabase.rpc("attach_delivery_proof", { p_order_id: orderId, p_path: path });
  assert.equal(attached.error, null, attached.error?.message);
  assert.equal(attached.data?.delivery_proof_path, path);

  for (const [who, label] of [[customer, "customer"], [shop.merchant, "merchant"], [admin, "admin"], [rider, "rider"]] as const) {
    assert.deepEqual(await openProof(who.supabase, orderId), { path, error: null, status: 200, type: "image/jpeg", bytes: JPEG }, label);
  }
  // A stranger, another rider and another store's merchant neither read the order nor the photo.
  for (const [who, label] of [[stranger, "stranger"], [otherRider, "other rider"], [otherShop.merchant, "other merchant"]] as const) {
    assert.deepEqual(await openProof(who.supabase, orderId), { path: null, error: "no path" }, label);
    const signed = await who.supabase.storage.from("delivery-proofs").createSignedUrl(path, 3600);
    assert.equal(signed.error?.message, "Object not found", label);
    const download = await who.supabase.storage.from("delivery-proofs").download(path);
    assert.ok(download.error, label);
    const listed = await who.supabase.storage.from("delivery-proofs").list(orderId);
    assert.deepEqual(listed.data, [], label);
  }
  const visitor = await client().storage.from("delivery-proofs").createSignedUrl(path, 3600);
  assert.ok(visitor.error, "a visitor gets no signed URL");
  assert.equal((await bytesAt(client().storage.from("delivery-proofs").getPublicUrl(path).data.publicUrl)).status, 400, "the private bucket has no public URL");

  // Attaching: refused for other folders, missing files and other people, as clear 4xx codes.
  const refusals = [
    [rider, { p_order_id: orderId, p_path: `${shop.storeId}/door.jpg` }, 400, "invalid_proof_path"],
    [rider, { p_order_id: orderId, p_path: `${orderId}/never-uploaded.jpg` }, 404, "proof_not_found"],
    [otherRider, { p_order_id: orderId, p_path: path }, 404, "order_not_found"],
    [customer, { p_order_id: orderId, p_path: path }, 404, "order_not_found"],
  ] as const;
  for (const [who, args, status, code] of refusals) {
    const res = await fetch(`${env.apiUrl}/rest/v1/rpc/attach_delivery_proof`, {
      method: "POST",
      headers: { apikey: env.anonKey, authorization: `Bearer ${who.token}`, "content-type": "application/json" },
      body: JSON.stringify(args),
    });
    assert.deepEqual([res.status, (await res.json()).code], [status, code], JSON.stringify(args));
  }
  const [row] = await sql`select delivery_proof_path from public.orders where id = ${orderId}`;
  assert.equal(row!.delivery_proof_path, path, "refused calls changed nothing");

  // A second photo replaces the first.
  const second = await proofs.upload(`${orderId}/door-2.jpg`, PNG, { contentType: "image/png" });
  assert.equal(second.error, null, second.error?.message);
  const replaced = await rider.supabase.rpc("attach_delivery_proof", { p_order_id: orderId, p_path: `${orderId}/door-2.jpg` });
  assert.equal(replaced.data?.delivery_proof_path, `${orderId}/door-2.jpg`);
  assert.deepEqual(await openProof(customer.supabase, orderId), { path: `${orderId}/door-2.jpg`, error: null, status: 200, type: "image/png", bytes: PNG });
});

test("a rider taken off the order loses access to its proof; the rider now on it has it", async () => {
  const { orderId, rider } = await pickedUpOrder("removed-rider");
  const path = `${orderId}/door.jpg`;
  assert.equal((await rider.supabase.storage.from("delivery-proofs").upload(path, JPEG, { contentType: "image/jpeg" })).error, null);
  assert.equal((await rider.supabase.storage.from("delivery-proofs").createSignedUrl(path, 60)).error, null);
  await sql`update public.orders set rider_id = ${otherRider.userId} where id = ${orderId}`;

  const signed = await rider.supabase.storage.from("delivery-proofs").createSignedUrl(path, 60);
  assert.equal(signed.error?.message, "Object not found");
  const upload = await rider.supabase.storage.from("delivery-proofs").upload(`${orderId}/late.jpg`, JPEG, { contentType: "image/jpeg" });
  assert.equal((upload.error as { statusCode?: string } | null)?.statusCode, "403");
  const attach = await rider.supabase.rpc("attach_delivery_proof", { p_order_id: orderId, p_path: path });
  assert.equal(attach.error?.code, "order_not_found");
  const now = await otherRider.supabase.storage.from("delivery-proofs").createSignedUrl(path, 60);
  assert.equal(now.error, null, now.error?.message);
  assert.deepEqual((await bytesAt(now.data!.signedUrl)).bytes, JPEG);
});

test("a suspended merchant uploads nothing, even into their own store's folder", async () => {
  const suspended = await openShop(sql, "photos-suspended", [{ sku: "OIL", price_paise: 15000, stock: 5 }]);
  await sql`update public.profiles set status = 'suspended' where id = ${suspended.merchant.userId}`;
  const r = await suspended.merchant.supabase.storage.from("product-images")
    .upload(`${suspended.storeId}/${suspended.product.OIL}/oil.png`, PNG, { contentType: "image/png" });
  assert.equal((r.error as { statusCode?: string } | null)?.statusCode, "403");
  const photo = await suspended.merchant.supabase.storage.from("store-photos").upload(`${suspended.storeId}/front.png`, PNG, { contentType: "image/png" });
  assert.equal((photo.error as { statusCode?: string } | null)?.statusCode, "403");
});

test("a hidden product's image is no longer listed through the API, and a deleted product's is removed by the cleanup job", async () => {
  const hidden = await openShop(sql, "photos-hidden", [{ sku: "SOAP", price_paise: 4000, stock: 5 }]);
  const path = `${hidden.storeId}/${hidden.product.SOAP}/soap.png`;
  assert.equal((await hidden.merchant.supabase.storage.from("product-images").upload(path, PNG, { contentType: "image/png" })).error, null);
  await hidden.merchant.supabase.from("products").update({ image_path: path }).eq("id", hidden.product.SOAP!);
  const folder = `${hidden.storeId}/${hidden.product.SOAP}`;
  const names = async () => (await client().storage.from("product-images").list(folder)).data?.map((o) => o.name.split("/").pop());
  assert.deepEqual(await names(), ["soap.png"], "a visitor lists the listed product's image");
  await hidden.merchant.supabase.from("products").update({ is_active: false }).eq("id", hidden.product.SOAP!);
  assert.deepEqual(await names(), [], "hidden: no longer listed to visitors");
  assert.equal((await client().storage.from("product-images").download(path)).data, null, "nor downloaded through the API");

  await hidden.merchant.supabase.from("products").delete().eq("id", hidden.product.SOAP!);
  await sql`update storage.objects set created_at = now() - interval '2 days', updated_at = now() - interval '2 days'
            where bucket_id = 'product-images' and name = ${path}`;
  const [{ removed }] = (await sql`select private.remove_orphaned_photos() as removed`) as unknown as [{ removed: number }];
  assert.ok(removed >= 1);
  assert.equal(await stored("product-images", path), 0, "the deleted product's image is gone");
  assert.equal((await bytesAt(client().storage.from("product-images").getPublicUrl(path).data.publicUrl)).status, 400, "its public URL no longer serves it");
});
