// POST /functions/v1/push: the Database Webhook on notifications inserts (private.configure_push_webhook)
// calls this with the new row. Each device of the recipient gets the notification encrypted for it
// (aes128gcm, RFC 8291) with a VAPID signature (RFC 8292) by web-push; the database decides which
// devices (kinds muted, quiet hours) and records each delivery first, so a repeated call sends
// nothing twice. 404/410 from the push service delete the subscription; 429 and 5xx are retried
// with backoff. GET answers the VAPID public key the app subscribes with.
import { webpush, z } from "../_shared/deps.ts";
import { corsHeaders, databaseUnavailable, json, problem } from "../_shared/http.ts";
import { isConnectionError } from "../_shared/unavailable.ts";
import { sql } from "../_shared/db.ts";

const secret = (name: string) => {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`The function secret ${name} is not set (supabase secrets set ${name}=...)`);
  return v;
};
const vapid = { subject: secret("VAPID_SUBJECT"), publicKey: secret("VAPID_PUBLIC_KEY"), privateKey: secret("VAPID_PRIVATE_KEY") };
const webhookSecret = new TextEncoder().encode(secret("PUSH_WEBHOOK_SECRET"));

/** What the webhook sends (supabase_functions.http_request); only the row's id is trusted. */
const Webhook = z.object({
  type: z.literal("INSERT"),
  schema: z.literal("public"),
  table: z.literal("notifications"),
  record: z.object({ id: z.uuid() }),
});

const ATTEMPTS = 4;
const MAX_WAIT_MS = 5_000;
// A notification about an order is stale after an hour; the push service drops it then.
const TTL_SECONDS = 3_600;

function authorized(req: Request): boolean {
  const token = new TextEncoder().encode(req.headers.get("Authorization")?.replace(/^Bearer\s+/i, "") ?? "");
  if (token.length !== webhookSecret.length) return false;
  let diff = 0;
  for (let i = 0; i < token.length; i++) diff |= token[i]! ^ webhookSecret[i]!;
  return diff === 0;
}

interface Target {
  subscription_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  payload: Record<string, unknown>;
}

/** Waits as the push service asks (Retry-After, in seconds) or doubles from 250 ms, at most 5 s. */
function backoff(attempt: number, retryAfter: string | undefined): number {
  const asked = Number(retryAfter);
  return Math.min(MAX_WAIT_MS, Number.isFinite(asked) && asked >= 0 ? asked * 1000 : 250 * 2 ** attempt);
}

/** Sends to one device; the push service's final HTTP status (0 when it could not be reached). */
async function send(t: Target): Promise<{ status: number; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    let retryAfter: string | undefined;
    try {
      const res = await webpush.sendNotification({ endpoint: t.endpoint, keys: { p256dh: t.p256dh, auth: t.auth } }, JSON.stringify(t.payload), {
        vapidDetails: vapid,
        TTL: TTL_SECONDS,
        urgency: "high",
        contentEncoding: "aes128gcm",
        timeout: 5_000,
      });
      return { status: res.statusCode, attempts: attempt };
    } catch (e) {
      const err = e as { statusCode?: number; headers?: Record<string, string>; message?: string };
      const status = err.statusCode ?? 0;
      retryAfter = err.headers?.["retry-after"];
      if (status !== 0 && status !== 429 && status < 500) return { status, attempts: attempt };
      if (attempt >= ATTEMPTS) {
        console.error(`push: giving up on ${new URL(t.endpoint).origin} after ${attempt} attempts: ${status || err.message}`);
        return { status, attempts: attempt };
      }
    }
    await new Promise((r) => setTimeout(r, backoff(attempt, retryAfter)));
  }
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  if (req.method === "GET") return json(200, { publicKey: vapid.publicKey });
  if (req.method !== "POST") return problem(405, "method_not_allowed", "Use POST (the webhook) or GET (the public key).");
  if (!authorized(req)) return problem(401, "unauthorized", "Only the notifications webhook may send pushes.");

  const parsed = Webhook.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return problem(400, "invalid_request", "Expected the webhook's INSERT on public.notifications.");

  const id = parsed.data.record.id;
  let targets: Target[];
  try {
    targets = await sql<Target[]>`select subscription_id, endpoint, p256dh, auth, payload from private.claim_push_deliveries(${id})`;
  } catch (e) {
    // Nothing was claimed or sent: a 503 says so, rather than a bare 500.
    if (isConnectionError(e)) return databaseUnavailable();
    throw e;
  }
  const results = await Promise.all(
    targets.map(async (t) => {
      const { status, attempts } = await send(t);
      await sql`select private.finish_push_delivery(${id}, ${t.subscription_id}, ${status}, ${attempts})`;
      return status;
    }),
  );
  return json(200, {
    sent: results.filter((s) => s >= 200 && s < 300).length,
    gone: results.filter((s) => s === 404 || s === 410).length,
    failed: results.filter((s) => s < 200 || (s >= 300 && s !== 404 && s !== 410)).length,
  });
});
