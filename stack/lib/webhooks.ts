import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { STACK_SQL_DIR } from "./paths.js";
import { RECONNECT_OPTIONS } from "./db-options.js";

const CHANNEL = "net_http_request_queue";
const RESPONSE_TTL = "6 hours";

interface QueuedRequest {
  id: string;
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeout_milliseconds: number;
}

/** stack/sql/04-webhooks.sql, for databases made before it existed (it is idempotent). */
export async function ensureWebhooksSchema(dbUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const text = fs.readFileSync(path.join(STACK_SQL_DIR, "04-webhooks.sql"), "utf8");
    await sql.begin((tx) => tx.unsafe(text));
  } finally {
    await sql.end();
  }
}

/**
 * What pg_net's background worker does on Supabase: sends the requests Database Webhooks queue
 * (`net.http_request_queue`, filled by stack/sql/04-webhooks.sql) once their transaction
 * commits, and records each answer in `net._http_response`. Woken by NOTIFY; on start it sends
 * whatever was queued while it was down.
 */
export class WebhookSender {
  private sql: postgres.Sql;
  private inFlight = new Set<Promise<void>>();
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private abort = new AbortController();

  constructor(dbUrl: string, private log: (line: string) => void = () => {}) {
    this.sql = postgres(dbUrl, { max: 2, ...RECONNECT_OPTIONS, onnotice: () => {} });
  }

  async start(): Promise<void> {
    await this.sql.listen(CHANNEL, () => this.drain(), () => this.drain());
  }

  /** Claims every queued request (one drain at a time; a wake-up during one runs another). */
  private drain(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        const claimed = await this.sql<QueuedRequest[]>`
          delete from net.http_request_queue where id in (
            select id from net.http_request_queue order by id for update skip locked limit 100)
          returning id::text, method, url, headers, body, timeout_milliseconds`;
        for (const r of claimed) {
          const p = this.send(r).finally(() => this.inFlight.delete(p));
          this.inFlight.add(p);
        }
        if (claimed.length === 100) this.again = true;
      } while (this.again && !this.stopped);
    })()
      .catch((e) => this.log(`webhooks: ${(e as Error).message}`))
      .finally(() => (this.draining = null));
  }

  private async send(r: QueuedRequest): Promise<void> {
    let row: { status_code: number | null; content_type: string | null; headers: Record<string, string> | null; content: string | null; timed_out: boolean; error_msg: string | null };
    try {
      const res = await fetch(r.url, {
        method: r.method,
        headers: r.headers,
        body: r.method === "POST" ? JSON.stringify(r.body) : undefined,
        signal: AbortSignal.any([AbortSignal.timeout(r.timeout_milliseconds), this.abort.signal]),
      });
      row = { status_code: res.status, content_type: res.headers.get("content-type"), headers: Object.fromEntries(res.headers), content: await res.text(), timed_out: false, error_msg: null };
    } catch (e) {
      const timedOut = (e as Error).name === "TimeoutError";
      row = { status_code: null, content_type: null, headers: null, content: null, timed_out: timedOut, error_msg: timedOut ? `Timeout of ${r.timeout_milliseconds} ms reached` : (e as Error).message };
      this.log(`webhooks: ${r.method} ${r.url}: ${row.error_msg}`);
    }
    if (this.stopped) return;
    await this.sql`
      with old as (delete from net._http_response where created < now() - ${RESPONSE_TTL}::interval)
      insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
      values (${r.id}, ${row.status_code}, ${row.content_type}, ${row.headers ? this.sql.json(row.headers) : null}, ${row.content}, ${row.timed_out}, ${row.error_msg})`.catch(
      (e) => this.log(`webhooks: ${(e as Error).message}`),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.draining;
    await Promise.allSettled([...this.inFlight]);
    await this.sql.end({ timeout: 1 });
  }
}

/**
 * Points the project's push webhook (private.configure_push_webhook, from the migrations) at this
 * stack's `push` function, as a person does once on Supabase with the project's URL.
 */
export async function configurePushWebhook(dbUrl: string, functionUrl: string, secret: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ exists }] = (await sql`select to_regprocedure('private.configure_push_webhook(text, text)') is not null as exists`) as unknown as [{ exists: boolean }];
    if (exists) await sql`select private.configure_push_webhook(${functionUrl}, ${secret})`;
  } finally {
    await sql.end();
  }
}
