// What proves the customer is at the door, shared by the customer's page, the rider's phone
// and the outbox: the 4-digit code (checked online only) and the platform-signed token.
import { t } from "../i18n/index.js";
import { z } from "../zod.js";

export const handoverCodeSchema = z.string().check(z.regex(/^[0-9]{4}$/, { error: () => t.checks.handoverCode }));

/** "<order id>.<nonce>.<signature>", as handover_token gives it to the customer (and their QR code holds). */
export const handoverTokenSchema = z.string().check(z.regex(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{86}$/, { error: () => t.checks.handoverToken }));

function base64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Whether a scanned token is this order's and signed by the platform: WebCrypto's ECDSA verify
 * over "kirana-handover:<order id>:<nonce>" with the public key from the kept check. Works
 * offline; nothing the rider can read lets them make one.
 */
export async function verifyHandoverToken(check: { order_id: string; public_key: string }, token: string): Promise<boolean> {
  const parsed = handoverTokenSchema.safeParse(token.trim());
  if (!parsed.success) return false;
  const [order, nonce, signature] = parsed.data.split(".") as [string, string, string];
  if (order !== check.order_id) return false;
  const { subtle } = globalThis.crypto;
  const key = await subtle.importKey("raw", base64url(check.public_key), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const message = new TextEncoder().encode(`kirana-handover:${order}:${nonce}`);
  return subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, base64url(signature), message);
}

/** What proves the customer is at the door: the token from their QR code, or (online only) their code. */
export type HandoverProof = { token: string } | { code: string };
