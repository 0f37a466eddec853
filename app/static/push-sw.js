// Imported by the service worker: Web Push. The push function sends {id, kind, title, body, link,
// tag}; the notification carries the app's icon and the tag, so a later status of the same order
// replaces the earlier one. A tap opens the notification's page: in a window of the app already
// open when there is one, else in a new one.
self.addEventListener("push", (event) => {
  let message;
  try {
    message = event.data ? event.data.json() : null;
  } catch {
    message = null;
  }
  if (!message || typeof message.title !== "string") return;
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: typeof message.body === "string" ? message.body : "",
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      tag: typeof message.tag === "string" ? message.tag : undefined,
      renotify: typeof message.tag === "string",
      data: { link: typeof message.link === "string" ? message.link : "/", id: message.id },
    }),
  );
});

/** The page a notification opens: its link, kept to this app's origin. */
function notificationUrl(notification) {
  const url = new URL(notification.data?.link ?? "/", self.location.origin);
  return url.origin === self.location.origin ? url.href : self.location.origin + "/";
}

/** Focuses the app's window showing the page, else brings another app window to it, else opens one. */
self.openNotification = async (notification) => {
  const url = notificationUrl(notification);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const showing = windows.find((w) => w.url === url);
  if (showing) return showing.focus().catch(() => showing);
  const other = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (other) {
    const moved = await other.navigate(url);
    return (moved ?? other).focus().catch(() => moved ?? other);
  }
  return self.clients.openWindow(url);
};

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.openNotification(event.notification));
});
