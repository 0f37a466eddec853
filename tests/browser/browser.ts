// Debian's Chromium driven by playwright-core, headless, at a cheap phone's screen size.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after } from "node:test";
import { createRequire } from "node:module";
import os from "node:os";
import jsQRModule from "jsqr";
import { generate } from "lean-qr";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import { ROOT } from "../../stack/lib/paths.js";
import { CHROMIUM } from "../support/chromium.js";
import { PASSWORD } from "../support/env.js";
import { t, type Messages } from "../../app/src/lib/i18n/index.js";
import type { Role } from "../../app/src/lib/accounts/roles.js";

export { t };

const required = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with npm test`);
  return v;
};
export const appUrl = required("APP_URL");
const SCREENSHOTS = path.join(ROOT, "test-results", "screenshots");
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// One Chromium per test file: launched by the first phone, closed once the file's tests are done.
let chromiumRunning: Promise<Browser> | undefined;
let launchArgs: string[] = [];
after(async () => {
  await (await chromiumRunning)?.close();
});

/** A fresh profile (no cookies, no service worker) on a 360 × 740 phone screen; `options` as for newContext. */
export async function phone(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  chromiumRunning ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: launchArgs });
  const context = await (await chromiumRunning).newContext({ viewport: { width: 360, height: 740 }, locale: "en-IN", serviceWorkers: "allow", ...options });
  // Waits are for conditions; this only bounds how long a test that will fail takes to say so.
  context.setDefaultTimeout(15_000);
  return context;
}

/**
 * Gives this file's phones a camera that films whatever showToCamera() last put in front of it
 * (Chromium's fake capture device, camera permission granted). Call before the first phone().
 */
export function fakeCamera(): { show(text: string): void } {
  assert.equal(chromiumRunning, undefined, "fakeCamera() must come before the first phone()");
  const file = path.join(os.tmpdir(), `kirana-camera-${process.pid}.y4m`);
  launchArgs = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${file}`];
  after(() => fs.rmSync(file, { force: true }));
  // Chromium reads the file when a page starts the camera: show() before tapping "scan".
  return { show: (text) => fs.writeFileSync(file, qrVideo(text)) };
}

/** A one-frame Y4M video of the QR code of `text`, black on white, 400 × 400. */
function qrVideo(text: string): Buffer {
  const SIDE = 400;
  const code = generate(text);
  const scale = Math.floor(SIDE / (code.size + 8));
  const offset = Math.floor((SIDE - code.size * scale) / 2);
  const luma = Buffer.alloc(SIDE * SIDE, 255);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const mx = Math.floor((x - offset) / scale);
      const my = Math.floor((y - offset) / scale);
      if (x >= offset && y >= offset && mx < code.size && my < code.size && code.get(mx, my)) luma[y * SIDE + x] = 0;
    }
  }
  const chroma = Buffer.alloc((SIDE / 2) * (SIDE / 2) * 2, 128);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${SIDE} H${SIDE} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]);
}

/** The text of the QR code an <svg> on the page draws, read the way a scanner would: from pixels. */
export async function readQr(svg: Locator): Promise<string> {
  const SIDE = 300;
  const pixels = await svg.evaluate(async (element, side) => {
    const image = new Image();
    image.src = `data:image/svg+xml,${encodeURIComponent(new XMLSerializer().serializeToString(element))}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = side;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0, side, side);
    return Array.from(context.getImageData(0, 0, side, side).data);
  }, SIDE);
  // jsqr is CommonJS: its function is also its own `default`.
  const found = jsQRModule.default(Uint8ClampedArray.from(pixels), SIDE, SIDE);
  assert.ok(found, "the picture is a readable QR code");
  return found.data;
}

/**
 * One screen of the app: axe-core finds no serious or critical accessibility problem on it, and a
 * screenshot is kept as test-results/screenshots/<name>.png.
 */
export async function screen(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document);
    return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
  });
  assert.deepEqual(violations, [], `accessibility problems on ${name}`);
  await snapshot(page, name);
}

/** A screenshot kept as test-results/screenshots/<name>.png (axe-core needs JavaScript; screen() runs it too). */
export async function snapshot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** Fills and sends the sign-up form; the caller checks where it led. */
export async function fillSignUp(page: Page, form: { role?: Exclude<Role, "admin">; name: string; email: string; password: string }): Promise<void> {
  await page.goto(`${appUrl}/sign-up`);
  if (form.role) await page.getByRole("radio", { name: t.roles[form.role].label }).check();
  await page.getByLabel(t.fields.fullName).fill(form.name);
  await page.getByLabel(t.fields.email).fill(form.email);
  await page.getByLabel(t.fields.password).fill(form.password);
  await page.getByRole("button", { name: t.signUp.submit }).click();
}

/** Fills and sends the sign-in form on the page it is on (which may carry ?next=). */
export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel(t.fields.email).fill(email);
  await page.getByLabel(t.fields.password).fill(password);
  await page.getByRole("button", { name: t.signIn.submit }).click();
}

/** Signs a test account in on the page and waits until it reaches its area's home; returns the page. */
export async function signIn(page: Page, email: string, home: string): Promise<Page> {
  await page.goto(`${appUrl}/sign-in`);
  await fillSignIn(page, email, PASSWORD);
  await waitForPath(page, home);
  return page;
}

/** Waits until the page shows the path (client-side navigations included). */
export async function waitForPath(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((u) => u.pathname === pathname);
}

/**
 * Waits until an async check in the page comes true (page.waitForFunction takes the promise an
 * async function returns for a truthy answer, so it cannot wait on one). Bounded like the rest.
 */
export async function waitForAsync(page: Page, check: (arg: string | null) => Promise<boolean>, arg: string | null = null, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(check, arg))) {
    if (Date.now() > deadline) throw new Error(`waitForAsync: ${check.toString()} not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Reloads the page through the service worker, once it is active (a first visit may still be
 * precaching the app shell): the load the worker keeps for offline.
 */
export async function reloadThroughWorker(page: Page): Promise<void> {
  await waitForAsync(page, async () => (await navigator.serviceWorker.getRegistration())?.active?.state === "activated");
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/**
 * Waits until the device's outbox is open (it can take writes) and counts `n` writes waiting.
 * The header's badge shows the count, and is hidden at zero.
 */
export async function outboxShows(page: Page, n: number): Promise<void> {
  const badge = page.locator(`[data-testid="pending-badge"][data-live][data-count="${n}"]`);
  await badge.waitFor({ state: "attached" });
  if (n === 0) assert.equal(await badge.isVisible(), false, "the badge is hidden at zero");
  else await page.getByRole("link", { name: t.outbox.badge(n) }).waitFor();
}

/**
 * Adds `count` of a product (none in the cart yet) on the store page it is on, with its stepper:
 * Add, then + until the count shows, and "Added" next to it (in the page's language, `m`).
 */
export async function addToCart(page: Page, name: string, count: number, m: Messages = t): Promise<void> {
  await page.getByRole("button", { name: m.shop.store.addNamed(name) }).click();
  for (let n = 1; n < count; n += 1) {
    await page.getByLabel(m.shop.cart.quantityOf(name, n), { exact: true }).waitFor();
    await page.getByRole("button", { name: m.shop.cart.more(name), exact: true }).click();
  }
  const row = page.getByRole("listitem").filter({ has: page.getByLabel(m.shop.cart.quantityOf(name, count), { exact: true }) });
  await row.getByText(m.shop.store.addedShort).waitFor();
  await page.getByText(m.shop.store.added(name, count)).waitFor({ state: "attached" });
}
