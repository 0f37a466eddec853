// What a page costs on a slow network: the server compresses what it renders (brotli, else gzip,
// else nothing, as the browser asks), and the visitors' pages load little script.
import assert from "node:assert/strict";
import { request } from "node:http";
import zlib from "node:zlib";
import { describe, test } from "node:test";
import { DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { appUrl, phone } from "../browser/browser.js";

/** The demo customer's cookies, from the app's own sign-in form sent without script. */
async function customerCookies(): Promise<string> {
  const res = await fetch(`${appUrl}/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ email: "customer@example.com", password: DEMO_PASSWORD }),
    headers: { origin: appUrl, accept: "text/html" },
    redirect: "manual",
  });
  assert.equal(res.status, 303);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** The raw body and encoding of a page fetched with this Accept-Encoding (Node's fetch would decode it). */
function raw(path: string, acceptEncoding: string, cookie: string): Promise<{ status: number; encoding: string | null; body: Buffer; vary: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(`${appUrl}${path}`, { headers: { "accept-encoding": acceptEncoding, cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, encoding: res.headers["content-encoding"] ?? null, body: Buffer.concat(chunks), vary: res.headers.vary ?? null }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("pages light enough for 2G/3G", () => {
  test("rendered pages and their data are sent compressed as the browser asks, and decompress to the same page", async () => {
    const signedIn = await customerCookies();
    // The sign-in page as a visitor sees it (a signed-in person is sent home); the rest signed in.
    for (const [path, cookie] of [["/sign-in", ""], ["/customer/orders", signedIn], ["/customer/orders/__data.json", signedIn]] as const) {
      const plain = await raw(path, "identity", cookie);
      assert.equal(plain.status, 200, `${path}: answered`);
      assert.equal(plain.encoding, null, `${path}: nothing compressed for a browser that asks for none`);
      const br = await raw(path, "gzip, deflate, br", cookie);
      assert.equal(br.encoding, "br", `${path}: brotli first`);
      assert.match(br.vary ?? "", /accept-encoding/i);
      const gz = await raw(path, "gzip", cookie);
      assert.equal(gz.encoding, "gzip", `${path}: gzip when brotli is not taken`);
      // The same page once decompressed, but for the moment it was rendered at.
      const unstamped = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>");
      for (const text of [zlib.brotliDecompressSync(br.body), zlib.gunzipSync(gz.body)]) assert.equal(unstamped(text.toString()), unstamped(plain.body.toString()), `${path}: the same page`);
      assert.ok(br.body.length < plain.body.length, `${path}: smaller compressed (${br.body.length} < ${plain.body.length} bytes)`);
    }
  });

  test("the welcome and sign-in pages load under 60 KB of compressed script, and no Supabase client", async () => {
    for (const path of ["/", "/sign-in"]) {
      // A first visit: no service worker answers yet, every script comes over the network.
      const context = await phone();
      const page = await context.newPage();
      await page.goto(`${appUrl}${path}`, { waitUntil: "networkidle" });
      const scripts = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .filter((e) => (e as PerformanceResourceTiming).initiatorType === "script" || e.name.endsWith(".js"))
          .map((e) => ({ name: e.name, bytes: (e as PerformanceResourceTiming).encodedBodySize })),
      );
      const total = scripts.reduce((n, s) => n + s.bytes, 0);
      assert.ok(scripts.length > 0 && total > 0, `${path}: scripts are measured`);
      assert.ok(total < 60 * 1024, `${path}: ${(total / 1024).toFixed(1)} KB of compressed script`);
      const sources = await Promise.all(scripts.map(async (s) => (await fetch(s.name)).text()));
      assert.ok(!sources.some((text) => text.includes("RealtimeClient") || text.includes("GoTrueClient")), `${path}: no supabase-js`);
      await context.close();
    }
  });
});
