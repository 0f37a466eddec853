import { sveltekit } from "@sveltejs/kit/vite";
import { SvelteKitPWA } from "@vite-pwa/sveltekit";
import { defineConfig } from "vite";

const GREEN = "#0f6b3a";

/**
 * The service worker's answer to a navigation it cannot fetch and has not kept: the app opened
 * from the home screen ("/") goes to the signed-in person's kept home, anything else gets the
 * precached "needs the network" page. Runs in the worker, copied as text.
 */
async function offlinePage({ request }: { request: Request }): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/") {
    const pages = await caches.open("kirana-pages");
    for (const home of ["/customer", "/merchant", "/rider", "/admin"]) {
      if (await pages.match(new URL(home, url))) return Response.redirect(new URL(home, url).href, 302);
    }
  }
  // Precached as "/offline": the SvelteKit integration drops ".html", and the server answers it.
  return (await caches.match("/offline", { ignoreSearch: true })) ?? Response.error();
}

export default defineConfig({
  plugins: [
    sveltekit(),
    SvelteKitPWA({
      // A new version waits until the app is closed rather than reloading it: workbox-window
      // takes a first install that arrives slowly (any 2G phone) for an outside update, and an
      // automatic reload then would throw away what the person was typing.
      registerType: "prompt",
      // SvelteKit builds with relative paths, which would register "./sw.js" (and link
      // "./manifest.webmanifest") relative to each page: from /customer/orders/<id> a 404, so a
      // deep page opened first never installed the worker. The worker and manifest are at the root.
      base: "/",
      scope: "/",
      manifest: {
        name: "Kirana",
        short_name: "Kirana",
        description: "Neighbourhood stores, delivered in minutes.",
        lang: "en",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "portrait",
        theme_color: GREEN,
        background_color: "#ffffff",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        // The app shell: the built scripts, styles and icons, and the page shown offline for a page
        // not kept. Pages are rendered per person by the server: they are kept as they are visited.
        globPatterns: ["client/**/*.{js,css,png,webmanifest}", "client/offline.html"],
        // The first install controls the open page at once, so it works offline from then on.
        clientsClaim: true,
        // Background Sync: on `sync` ("outbox-drain") the worker tells the open pages to drain
        // their outbox (static/outbox-sync.js). Web Push: the notification shown and a tap
        // opening its page (static/push-sw.js).
        importScripts: ["/outbox-sync.js", "/push-sw.js"],
        // Every page of the signed-in areas, from the network when there is one, else as it was
        // last seen (the stores also kept in localforage, src/lib/discovery/saved.ts, and the chats
        // in src/lib/chat/order-chats.ts): after one visit online every page opens offline. Both
        // forms are kept: the HTML a page load fetches, and the data (__data.json) SvelteKit
        // fetches when a link is tapped (offline, a tap to a page whose data is not kept becomes a
        // page load: src/lib/offline/navigation.ts). A page never
        // seen, or the visitors' pages, offline: the app's own "needs the network" page
        // (static/offline.html), never the browser's error. Signing out deletes this cache. No
        // single-page fallback: pages come from the server.
        navigateFallback: null,
        runtimeCaching: [
          {
            // These functions are copied into the worker as text: they can use no name from this file.
            urlPattern: ({ request, url }) => request.mode === "navigate" && /^\/(customer|merchant|rider|admin)(\/|$)/.test(url.pathname),
            handler: "NetworkFirst",
            options: {
              cacheName: "kirana-pages",
              networkTimeoutSeconds: 10,
              cacheableResponse: { statuses: [200] },
              // The last pages seen are enough; older ones make way.
              expiration: { maxEntries: 100 },
              plugins: [{ handlerDidError: offlinePage }],
            },
          },
          {
            urlPattern: ({ url }) => /^\/(customer|merchant|rider|admin)(\/.*)?\/__data\.json$/.test(url.pathname),
            handler: "NetworkFirst",
            options: {
              cacheName: "kirana-pages",
              networkTimeoutSeconds: 10,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 100 },
              // Kept by the page's own URL (src/lib/offline/navigation.ts looks it up), without
              // SvelteKit's x-sveltekit-invalidated, which names the layouts whose data is asked
              // for again. It is the same on every tap to a page here: the (signed-in) layout reads
              // the path and so runs on every navigation, the customer's (the cookie cart) on none.
              plugins: [
                {
                  cacheKeyWillBeUsed: async ({ request }: { request: Request }) => {
                    const url = new URL(request.url);
                    for (const name of [...url.searchParams.keys()]) if (name.startsWith("x-sveltekit-")) url.searchParams.delete(name);
                    return url.href;
                  },
                },
              ],
            },
          },
          {
            urlPattern: ({ request }) => request.mode === "navigate",
            handler: "NetworkOnly",
            options: { plugins: [{ handlerDidError: offlinePage }] },
          },
          {
            // A store's whole product list (its page renders the first aisles and fetches this for
            // the rest and the filter), so the kept store page scrolls and filters offline too. The
            // same for every customer, so it is not among the pages deleted at sign-out.
            urlPattern: ({ request, url }) => request.method === "GET" && /^\/customer\/stores\/[0-9a-f-]{36}\/products$/.test(url.pathname),
            handler: "NetworkFirst",
            options: {
              cacheName: "kirana-products",
              networkTimeoutSeconds: 10,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 30 },
            },
          },
          {
            // Photos from Storage (products, stores, door photos), kept with the pages that show
            // them so those open offline with their pictures, within a budget: at 60 KB or less a
            // photo, 300 of them are under 18 MB; the least recently used make way. A photo's name
            // changes when it is replaced, so a kept one is never stale: from the cache first.
            urlPattern: ({ request, url }) => request.method === "GET" && /\/storage\/v1\/(object|render\/image)\/(public|sign)\//.test(url.pathname),
            handler: "CacheFirst",
            options: {
              cacheName: "kirana-images",
              // The <img> tags ask with CORS: an opaque answer would count as megabytes against the quota.
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 300, maxAgeSeconds: 60 * 60 * 24 * 30, purgeOnQuotaError: true },
              plugins: [
                {
                  // A door photo's signed link changes on every visit (its token): kept by the object.
                  cacheKeyWillBeUsed: async ({ request }: { request: Request }) => {
                    const url = new URL(request.url);
                    url.searchParams.delete("token");
                    return url.href;
                  },
                },
              ],
            },
          },
        ],
      },
    }),
  ],
  envPrefix: ["VITE_", "PUBLIC_"],
});
