import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { appUrl, fillSignIn, phone, screen, t } from "./browser.js";


/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  assert.equal(bytes.subarray(1, 4).toString("ascii"), "PNG");
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe("installable and offline-aware", () => {
  test("the manifest names the app, its colours and its icons, and every icon is there", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(appUrl);
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    assert.ok(href, "the page links its manifest");
    const manifest = await (await page.request.get(new URL(href, appUrl).href)).json();
    assert.equal(manifest.name, "Kirana");
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.theme_color, "#0f6b3a");
    const icons = manifest.icons as { src: string; sizes: string; purpose?: string }[];
    assert.deepEqual(icons.map((i) => `${i.sizes} ${i.purpose ?? "any"}`).sort(), ["192x192 any", "512x512 any", "512x512 maskable"]);
    for (const icon of icons) {
      const res = await page.request.get(new URL(icon.src, appUrl).href);
      assert.equal(res.headers()["content-type"], "image/png");
      const [w, h] = pngSize(await res.body());
      assert.equal(`${w}x${h}`, icon.sizes, icon.src);
    }
    assert.equal(await page.locator('meta[name="theme-color"]').getAttribute("content"), "#0f6b3a");
    await context.close();
  });

  test("the service worker takes control and precaches the app shell", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      return urls;
    });
    // Every script and style the page loaded is in the precache.
    const loaded = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.startsWith("/_app/immutable/") && /\.(js|css)$/.test(p)),
    );
    assert.ok(loaded.length > 0);
    for (const p of loaded) assert.ok(cached.includes(p), `${p} is precached`);
    assert.ok(cached.includes("/manifest.webmanifest"));
    assert.ok(cached.includes("/icons/icon-192.png"));
    await context.close();
  });

  test("offline, the indicator says so and a form that cannot be sent says why", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in`);
    // The layout registers the worker once it is running in the page, so a controller means the
    // page is interactive.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.getByRole("status").getByText(t.app.online, { exact: true }).waitFor();

    await context.setOffline(true);
    await page.getByRole("status").getByText(t.app.offline).waitFor();
    await fillSignIn(page, "someone@example.com", "some-password");
    await page.getByText(t.errors.unreachable).waitFor();
    assert.equal(new URL(page.url()).pathname, "/sign-in");
    assert.equal(await page.getByRole("button", { name: t.signIn.submit }).isEnabled(), true);
    await screen(page, "offline");

    await context.setOffline(false);
    await page.getByRole("status").getByText(t.app.online, { exact: true }).waitFor();
    await context.close();
  });
});
