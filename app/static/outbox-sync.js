// Imported by the service worker: when the browser fires Background Sync for the outbox (the
// network is back), every open page of the app is told to drain its outbox.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox-drain") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((clients) => {
      for (const client of clients) client.postMessage("outbox-drain");
    }),
  );
});
