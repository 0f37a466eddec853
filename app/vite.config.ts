import { sveltekit } from "@sveltejs/kit/vite";
import { SvelteKitPWA } from "@vite-pwa/sveltekit";
import { defineConfig } from "vite";

const GREEN = "#0f6b3a";

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
        // The app shell: the built scripts, styles and icons. Pages are rendered per person by the
        // server, so they are not cached.
        globPatterns: ["client/**/*.{js,css,png,webmanifest}"],
        // The first install controls the open page at once, so it works offline from then on.
        clientsClaim: true,
        // Background Sync: on `sync` ("outbox-drain") the worker tells the open pages to drain
        // their outbox (static/outbox-sync.js).
        importScripts: ["/outbox-sync.js"],
        // The customer's home, store pages, orders list and order pages, a rider's job and a
        // merchant's order, from the network when there is one, else as they were last seen (the
        // stores also kept in localforage, src/lib/discovery/saved.ts, and the chats in
        // src/lib/chat/order-chats.ts): the app opens offline. Signing out deletes this cache.
        // No single-page fallback: pages come from the server.
        navigateFallback: null,
        runtimeCaching: [
          {
            // The function is copied into the worker as text: it can use no name from this file.
            urlPattern: ({ request, url }) =>
              request.mode === "navigate" &&
              /^\/(customer(\/orders(\/[0-9a-f-]{36})?|\/stores\/[0-9a-f-]{36})?|rider\/jobs\/[0-9a-f-]{36}|merchant\/orders\/[0-9a-f-]{36})$/.test(url.pathname),
            handler: "NetworkFirst",
            options: {
              cacheName: "kirana-pages",
              networkTimeoutSeconds: 10,
              cacheableResponse: { statuses: [200] },
              // The last few orders are enough; older pages make way.
              expiration: { maxEntries: 30 },
            },
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
        ],
      },
    }),
  ],
  envPrefix: ["VITE_", "PUBLIC_"],
});
