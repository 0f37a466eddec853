// Taps with no network. SvelteKit follows a tapped link by fetching the page's data
// (__data.json); when that fails it shows its error page instead of loading the page, so offline
// a tap must go where a copy is: the data kept by the service worker (the page was reached by a
// tap before), or else a full page load, which the worker answers with the kept HTML (the page
// was loaded before) or the app's "needs the network" page. The keys match vite.config.ts.
import { beforeNavigate, goto } from "$app/navigation";

/** The cache key the service worker keeps a page's data under: its data URL without SvelteKit's own parameters. */
export function keptDataKey(url: URL): string {
  const key = new URL(`${url.pathname.replace(/\/$/, "")}/__data.json`, url.origin);
  for (const [name, value] of url.searchParams) if (!name.startsWith("x-sveltekit-")) key.searchParams.append(name, value);
  return key.href;
}

async function dataIsKept(url: URL): Promise<boolean> {
  const pages = await globalThis.caches?.open("kirana-pages");
  return (await pages?.match(keptDataKey(url))) !== undefined;
}

/** From the signed-in layout: offline, a tapped link or a sent search opens the page's kept copy. */
export function openKeptCopiesOffline(): void {
  let allowed: string | undefined;
  beforeNavigate((nav) => {
    const to = nav.to?.url;
    if (navigator.onLine || !to || to.origin !== location.origin || (nav.type !== "link" && nav.type !== "form")) return;
    if (allowed === to.href) {
      allowed = undefined;
      return;
    }
    nav.cancel();
    void dataIsKept(to).then((kept) => {
      if (!kept) return location.assign(to.href);
      allowed = to.href;
      void goto(to.href);
    });
  });
}

/**
 * Has the service worker keep the data of pages a tap may reach before they were ever opened
 * (the cart and checkout, tapped to from a store page offline), by fetching it while online.
 */
export async function keepDataForOffline(paths: string[]): Promise<void> {
  if (!navigator.onLine || !navigator.serviceWorker?.controller) return;
  await Promise.all(paths.map((p) => fetch(keptDataKey(new URL(p, location.origin))).catch(() => undefined)));
}
