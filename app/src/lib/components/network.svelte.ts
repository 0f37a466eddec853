// The browser's view of the network, shared by the header's status and the kept-copy note.
// Assumed online until the page has mounted: the server-rendered page cannot know.
class Network {
  online = $state(true);
}

export const network = new Network();

let following = false;

/** Follows the browser's online and offline events from now on (call from onMount). */
export function followNetwork(): void {
  network.online = navigator.onLine;
  if (following) return;
  following = true;
  window.addEventListener("online", () => (network.online = true));
  window.addEventListener("offline", () => (network.online = false));
}
