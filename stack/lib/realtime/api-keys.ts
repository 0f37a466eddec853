// The API keys Realtime accepts, resolved as the gateway resolves them, for the WebSocket and the
// HTTP broadcast API alike.
import type http from "node:http";
import type { Keys } from "../instance.js";
import { checkToken, type Claims } from "./authorize.js";

/** An API key as the gateway resolves it: the four keys `npm run status` prints. */
export interface ApiKey {
  type: "publishable" | "secret";
  token: string;
  claims: Claims;
}

export type ApiKeyCheck = { status: number; body: Record<string, string>; key?: ApiKey };

export class ApiKeys {
  constructor(private readonly keys: Keys) {}

  private resolve(key: string): ApiKey | null {
    if (key === this.keys.publishableKey) return { type: "publishable", token: key, claims: { role: "anon", iss: "supabase" } };
    if (key === this.keys.secretKey) return { type: "secret", token: key, claims: { role: "service_role", iss: "supabase" } };
    const check = checkToken(key, this.keys.jwtSecret);
    if (check.ok && check.claims.role === "anon") return { type: "publishable", token: key, claims: check.claims };
    if (check.ok && check.claims.role === "service_role") return { type: "secret", token: key, claims: check.claims };
    return null;
  }

  /** The key a request gave, or the gateway's answer for a missing or wrong one, as on Supabase (and lite, for REST). */
  check(req: http.IncomingMessage, given: string | null): ApiKeyCheck {
    if (!given) {
      return { status: 401, body: { message: "No API key found in request", hint: "No `apikey` request header or url param was found." } };
    }
    const key = this.resolve(given);
    if (!key) return { status: 401, body: { message: "Invalid API key", hint: "Double check your Supabase `apikey`" } };
    if (key.type === "secret" && /^\s*Mozilla\s*\/\s*5\s*\.\s*0/i.test(req.headers["user-agent"] ?? "")) {
      return { status: 401, body: { message: "Forbidden use of secret API key in browser" } };
    }
    return { status: 200, body: {}, key };
  }
}
