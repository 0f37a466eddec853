// `npm run bench:web`: Lighthouse (from npm, driving Debian's Chromium) on the built app against a
// throwaway stack with the seeded city, the data a new user meets, as the demo customer in
// Kothrud. Each page twice: Lighthouse's mobile profile (score, LCP, TBT, CLS, bytes) and a 3G
// profile (Lighthouse's "regular 3G": 1,125 ms latency, 630 kbps, CPU ×4) for the time until the
// page can be used. Prints a table with the budgets and writes bench-results/web.json.
// `npm run bench:web -- store cart` measures only the pages whose names start with those words.
import fs from "node:fs";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer, { type Page } from "puppeteer-core";
import * as constants from "lighthouse/core/config/constants.js";
import postgres from "postgres";
import { DEMO_PASSWORD } from "../seed/demo-accounts.js";
import { SMALL_CITY_STORES } from "../seed/seed.js";
import { startThrowawayStack } from "../stack/lib/throwaway.js";
import { buildApp, startBuiltApp } from "../tests/support/app.js";
import { CHROMIUM, ensureChromium } from "../tests/support/chromium.js";
import { startTileServer } from "../tests/support/tiles.js";
import { markdownTable, RESULTS_DIR, writeResults } from "./report.js";

const KOTHRUD = { lat: 18.5074, lng: 73.8077, locality: "kothrud" };
const BUDGET = { score: 90, cls: 0, storeInteractive3gMs: 5000 };

/** Signs the demo customer in through the app's own form (no script) and returns the cookies it set. */
async function signIn(appUrl: string): Promise<{ name: string; value: string }[]> {
  const res = await fetch(`${appUrl}/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ email: "customer@example.com", password: DEMO_PASSWORD }),
    headers: { origin: appUrl, accept: "text/html" },
    redirect: "manual",
  });
  if (res.status !== 303) throw new Error(`signing in answered ${res.status}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]!).map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1) }));
  return [...cookies, { name: "kirana_location", value: encodeURIComponent(JSON.stringify(KOTHRUD)) }];
}

interface Row {
  page: string;
  score: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  bytes: number;
  jsBytes: number;
  interactive3gMs: number;
}

/**
 * One Lighthouse run on a cold browser: no cache, no service worker, no stored data, but the
 * person's cookies (Lighthouse's own storage reset would sign them out, so it is done here).
 */
async function audit(page: Page, url: string, cookies: { name: string; value: string }[], throttling: typeof constants.throttling.mobileSlow4G) {
  const cdp = await page.createCDPSession();
  await cdp.send("Network.clearBrowserCache");
  await cdp.send("Storage.clearDataForOrigin", { origin: new URL(url).origin, storageTypes: "all" });
  await page.setCookie(...cookies.map((c) => ({ ...c, url })));
  const result = await lighthouse(
    url,
    { output: "json", logLevel: "error", onlyCategories: ["performance"], disableStorageReset: true },
    {
      extends: "lighthouse:default",
      settings: { formFactor: "mobile", screenEmulation: constants.screenEmulationMetrics.mobile, throttlingMethod: "simulate", throttling },
    },
    page,
  );
  if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
  // A page that sent Lighthouse elsewhere (sign-in, a redirect) was not measured at all.
  if (result.lhr.finalDisplayedUrl !== url) throw new Error(`${url} ended at ${result.lhr.finalDisplayedUrl}`);
  const { audits, categories } = result.lhr;
  const num = (id: string) => audits[id]?.numericValue ?? NaN;
  const items = (audits["resource-summary"]?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined)?.items ?? [];
  return {
    score: Math.round((categories.performance?.score ?? 0) * 100),
    lcpMs: num("largest-contentful-paint"),
    tbtMs: num("total-blocking-time"),
    cls: num("cumulative-layout-shift"),
    bytes: items.find((i) => i.resourceType === "total")?.transferSize ?? NaN,
    jsBytes: items.find((i) => i.resourceType === "script")?.transferSize ?? NaN,
    interactive: num("interactive"),
  };
}

ensureChromium((l) => console.error(l));
fs.mkdirSync(RESULTS_DIR, { recursive: true });
console.error("Starting a throwaway stack with the seeded city and the built app...");
const stack = await startThrowawayStack({ name: `bench-web-${process.pid}`, logFile: path.join(RESULTS_DIR, "bench-web-stack.log"), cityStores: SMALL_CITY_STORES });
const tiles = await startTileServer();
let app: Awaited<ReturnType<typeof startBuiltApp>> | undefined;
let chrome: chromeLauncher.LaunchedChrome | undefined;
try {
  buildApp(path.join(RESULTS_DIR, "bench-web-build.log"));
  app = await startBuiltApp({ apiUrl: stack.status.API_URL, anonKey: stack.status.ANON_KEY, mapTiles: tiles.template, logFile: path.join(RESULTS_DIR, "bench-web-app.log") });
  const cookies = await signIn(app.url);

  // The biggest open store near the customer: the page a long catalogue makes heavy.
  const sql = postgres(stack.status.DB_URL, { max: 1, onnotice: () => {} });
  const [store] = await sql<{ id: string; name: string; products: number }[]>`
    select s.id, s.name, count(p.*)::int as products
    from public.stores s join public.products p on p.store_id = s.id and p.is_active
    where s.status = 'approved' and st_dwithin(s.location, st_point(${KOTHRUD.lng}, ${KOTHRUD.lat})::geography, 3000)
    group by s.id order by products desc limit 1`;
  await sql.end();
  if (!store) throw new Error("no store near Kothrud in the seeded city");

  const pages: { name: string; path: string; signedIn: boolean }[] = [
    { name: "welcome", path: "/", signedIn: false },
    { name: "sign-in", path: "/sign-in", signedIn: false },
    { name: "customer home", path: "/customer", signedIn: true },
    { name: `store (${store.products} products)`, path: `/customer/stores/${store.id}`, signedIn: true },
    { name: "search results", path: "/customer/search?q=atta", signedIn: true },
    { name: "cart", path: "/customer/cart", signedIn: true },
    { name: "checkout", path: "/customer/checkout", signedIn: true },
  ];

  const only = process.argv.slice(2);
  const measured = only.length ? pages.filter((p) => only.some((o) => p.name.startsWith(o))) : pages;
  if (measured.length === 0) throw new Error(`no page is named ${only.join(" or ")}; the pages: ${pages.map((p) => p.name).join(", ")}`);

  chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"] });
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  const rows: Row[] = [];
  for (const p of measured) {
    const url = `${app.url}${p.path}`;
    console.error(`Lighthouse: ${p.name}`);
    const mobile = await audit(page, url, p.signedIn ? cookies : [], constants.throttling.mobileSlow4G);
    const slow = await audit(page, url, p.signedIn ? cookies : [], constants.throttling.mobileRegular3G);
    rows.push({ page: p.name, score: mobile.score, lcpMs: mobile.lcpMs, tbtMs: mobile.tbtMs, cls: mobile.cls, bytes: mobile.bytes, jsBytes: mobile.jsBytes, interactive3gMs: slow.interactive });
  }

  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\nLighthouse ${"mobile profile"} on the seeded city (demo customer in Kothrud), and the 3G profile's time to interactive\n`);
  console.log(
    markdownTable([
      ["page", "score", "LCP", "TBT", "CLS", "bytes", "JS bytes", "3G interactive"],
      ...rows.map((r) => [r.page, String(r.score), s(r.lcpMs), `${Math.round(r.tbtMs)} ms`, r.cls.toFixed(3), kb(r.bytes), kb(r.jsBytes), s(r.interactive3gMs)]),
    ]),
  );
  const misses = [
    ...rows.filter((r) => r.score < BUDGET.score).map((r) => `${r.page}: performance ${r.score} < ${BUDGET.score}`),
    ...rows.filter((r) => r.cls > BUDGET.cls).map((r) => `${r.page}: CLS ${r.cls.toFixed(3)} > 0`),
    ...rows.filter((r) => r.page.startsWith("store") && r.interactive3gMs >= BUDGET.storeInteractive3gMs).map((r) => `${r.page}: interactive on 3G at ${s(r.interactive3gMs)} ≥ 5 s`),
  ];
  console.log(`\nBudgets: performance ≥ ${BUDGET.score} and CLS 0 on every page; the store page interactive on 3G under 5 s.`);
  console.log(misses.length ? `Missed:\n${misses.map((m) => `- ${m}`).join("\n")}` : "All budgets met.");
  writeResults("web", { budget: BUDGET, rows });
} finally {
  chrome?.kill();
  await app?.stop();
  await tiles.stop();
  await stack.stop();
}
