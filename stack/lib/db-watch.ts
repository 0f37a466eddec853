import { EventEmitter } from "node:events";
import postgres from "postgres";
import { RECONNECT_OPTIONS } from "./db-options.js";

/** How often the database is asked whether it is there: while it is, and while it is not. */
const UP_INTERVAL_MS = 1000;
const DOWN_INTERVAL_MS = 200;
/** A probe unanswered this long counts as the database being away (a frozen server). */
const PROBE_TIMEOUT_MS = 2000;

/**
 * Whether Postgres accepts connections, as the gateway needs to know it: while it does not, every
 * API answers at once with a 503 instead of waiting on a connection. While the database is there,
 * one kept connection asks `select 1` every second, and its closing (the server stopped or
 * crashed) is noticed at once; after that, and while it is away, a fresh connection tries five times a second (a
 * pool's connection retries a refused connect by itself, so its query would only time out).
 * Emits `down` and `up` on each change.
 */
export class DatabaseWatch extends EventEmitter {
  up = true;
  private readonly kept: postgres.Sql;
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;
  private stopped = false;
  /** The kept connection closed: until a fresh one gets through, the database may be gone. */
  private suspect = false;

  constructor(private readonly dbUrl: string) {
    super();
    this.kept = postgres(dbUrl, {
      max: 1,
      ...RECONNECT_OPTIONS,
      idle_timeout: 0,
      onnotice: () => {},
      // The kept connection closing (the server went away): ask again now.
      onclose: () => {
        this.suspect = true;
        void this.probe();
      },
    });
  }

  start(): void {
    void this.probe();
  }

  /** Asks the database now; resolves once the answer (or its absence) is recorded. */
  probe(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.probing ??= this.ask().finally(() => {
      this.probing = null;
      this.schedule();
    });
    return this.probing;
  }

  private async ask(): Promise<void> {
    const fresh = this.up && !this.suspect ? null : postgres(this.dbUrl, { max: 1, connect_timeout: PROBE_TIMEOUT_MS / 1000, onnotice: () => {} });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
    const answer = (fresh ?? this.kept)`select 1`.then(() => true, () => false);
    let ok = await Promise.race([answer, timeout]);
    clearTimeout(timer);
    if (fresh) void fresh.end({ timeout: 0 });
    // Back: the kept connection is made again, and must work too.
    if (ok && fresh) ok = await this.kept`select 1`.then(() => true, () => false);
    if (ok) this.suspect = false;
    if (this.stopped || ok === this.up) return;
    this.up = ok;
    this.emit(ok ? "up" : "down");
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.probe(), this.up ? UP_INTERVAL_MS : DOWN_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.kept.end({ timeout: 0 });
  }
}
