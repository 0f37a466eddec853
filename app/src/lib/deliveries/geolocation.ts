// The phone's position from the browser (navigator.geolocation), as plain points.
import type { Point } from "../maps/geo.js";

const pointOf = (p: GeolocationPosition): Point => ({ lat: p.coords.latitude, lng: p.coords.longitude });

/** One fix; rejects when the person refused or the phone cannot tell. */
export function currentPosition(timeoutMs = 15_000): Promise<Point> {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) return reject(new Error("no geolocation"));
    navigator.geolocation.getCurrentPosition((p) => resolve(pointOf(p)), reject, { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 30_000 });
  });
}

/**
 * Follows the phone's position: `onPoint` gets every fix, `latest()` resolves with the newest
 * (waiting for the first), `stop()` ends the watch.
 */
export function watchPosition(
  onPoint: (p: Point) => void = () => {},
  onError: (error: GeolocationPositionError) => void = () => {},
): { latest(): Promise<Point>; stop(): void } {
  let last: Point | undefined;
  let waiting: Array<(p: Point) => void> = [];
  const id = navigator.geolocation.watchPosition(
    (p) => {
      last = pointOf(p);
      onPoint(last);
      for (const resolve of waiting.splice(0)) resolve(last);
    },
    onError,
    { enableHighAccuracy: true, maximumAge: 10_000 },
  );
  return {
    latest: () => (last ? Promise.resolve(last) : new Promise((resolve) => waiting.push(resolve))),
    stop: () => {
      navigator.geolocation.clearWatch(id);
      waiting = [];
    },
  };
}
