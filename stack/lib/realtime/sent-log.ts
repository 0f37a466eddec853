// Broadcasts from the database reach this server by a NOTIFY sent on commit. One sent while the
// listening connection is away (a database restart, a dropped connection) is never heard, so when
// the connection comes back the server reads what was committed meanwhile from
// realtime.messages. This log of what it delivered lately makes each message go out once.

/** How far before the newest delivered message a catch-up looks: a message is stamped when its
 * transaction starts, so one committed later than a newer message needs the look back. */
const LOOK_BACK_MS = 5 * 60_000;

/** `inserted_at` (a timestamp without time zone, kept in UTC by the stack) in milliseconds. */
const millis = (insertedAt: string) => Date.parse(`${insertedAt.replace(" ", "T")}Z`);

export class SentLog {
  private readonly sent = new Map<string, number>();
  private newest = -Infinity;

  /** Starts the log at the database's clock: a catch-up reads no further back than this. */
  startAt(insertedAt: string): void {
    this.newest = Math.max(this.newest, millis(insertedAt));
  }

  /** Records a message about to be delivered; false when it went out already. */
  record(id: string, insertedAt: string): boolean {
    if (this.sent.has(id)) return false;
    const at = millis(insertedAt);
    this.sent.set(id, at);
    if (at > this.newest) this.newest = at;
    if (this.sent.size % 1024 === 0) this.forgetOld();
    return true;
  }

  /** Where a catch-up starts reading (UTC, for a `timestamp` comparison), or null before any start. */
  catchUpFrom(): string | null {
    if (!Number.isFinite(this.newest)) return null;
    return new Date(this.newest - LOOK_BACK_MS).toISOString().replace("Z", "");
  }

  /** Messages older than any catch-up reads cannot come again. */
  private forgetOld(): void {
    const horizon = this.newest - 2 * LOOK_BACK_MS;
    for (const [id, at] of this.sent) if (at < horizon) this.sent.delete(id);
  }
}
