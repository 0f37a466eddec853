// The count of a person's queued writes, mirrored from the device's outbox into a cookie so the
// server renders the header's badge as the device last saw it: nothing appears or moves when the
// outbox opens after the page has loaded. Keyed by the person, for phones shared by a family.
const NAME = "outbox_pending";

/** The cookie's value for a person's count. */
export const pendingCookie = (userId: string, count: number) =>
  `${NAME}=${encodeURIComponent(`${userId}:${count}`)}; Path=/; Max-Age=31536000; SameSite=Lax`;

/** The count the cookie holds for this person; 0 when it is missing or another person's. */
export function pendingFromCookie(value: string | undefined, userId: string): number {
  const [who, count] = (value ?? "").split(":");
  const n = Number(count);
  return who === userId && Number.isInteger(n) && n > 0 ? n : 0;
}

export const PENDING_COOKIE = NAME;
