// Waiting for what a realtime client reports, without fixed sleeps: statuses and messages are
// collected as they come and a test waits (with a deadline) for the ones it expects.

/** How long a test waits for something that should happen; generous for a loaded CI machine. */
export const WAIT_MS = 5_000;

export type Status = "SUBSCRIBED" | "CHANNEL_ERROR" | "TIMED_OUT" | "CLOSED";

/** Every status the channel reports, in order, with the error that came with it. */
export class StatusLog {
  readonly seen: Array<{ status: Status; err?: Error }> = [];
  private waiters: Array<() => void> = [];
  readonly callback = (status: `${Status}`, err?: Error) => {
    this.seen.push({ status: status as Status, err });
    for (const w of this.waiters.splice(0)) w();
  };
  /** Resolves with the first status at or after `from` that is one of `statuses`. */
  async next(statuses: Status[], from = 0, ms = WAIT_MS): Promise<{ status: Status; err?: Error; index: number }> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.seen.findIndex((s, idx) => idx >= from && statuses.includes(s.status));
      if (i >= 0) return { ...this.seen[i]!, index: i };
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${statuses.join("/")} within ${ms} ms (saw ${this.seen.map((s) => s.status).join(", ") || "nothing"})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** Collects what a callback receives and lets a test wait for it. */
export class Inbox<T = any> {
  readonly items: T[] = [];
  private waiters: Array<() => void> = [];
  readonly push = (item: T) => {
    this.items.push(item);
    for (const w of this.waiters.splice(0)) w();
  };
  async until(pred: (items: T[]) => boolean, ms = WAIT_MS, what = "the expected messages"): Promise<T[]> {
    const deadline = Date.now() + ms;
    while (!pred(this.items)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}; got ${JSON.stringify(this.items).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.items;
  }
  count(n: number, ms = WAIT_MS) {
    return this.until((items) => items.length >= n, ms, `${n} message(s)`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
