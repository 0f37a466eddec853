import { RATE_LIMIT_WINDOW_MS, type AuthRateLimit } from "./config.js";

/**
 * One of Supabase Auth's per-IP limits, as GoTrue applies it (a token bucket per address): up to
 * `limit` requests at once, the allowance refilling at `limit` per window. A refused request
 * uses nothing up.
 */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request from the address; false when its allowance is used up. */
  take(address: string): boolean {
    const t = this.now();
    const bucket = this.buckets.get(address) ?? { tokens: this.limit, at: t };
    bucket.tokens = Math.min(this.limit, bucket.tokens + ((t - bucket.at) * this.limit) / this.windowMs);
    bucket.at = t;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(address, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(t);
    return allowed;
  }

  // Addresses whose allowance has refilled are as good as unknown.
  private forgetFull(t: number): void {
    for (const [address, b] of this.buckets) if (b.tokens + ((t - b.at) * this.limit) / this.windowMs >= this.limit) this.buckets.delete(address);
  }
}

/**
 * Which limit an auth request counts against, as Supabase Auth counts them: sign-ups (anonymous
 * ones apart), password sign-ins and the endpoints that start a sign-in by email (OTP, magic
 * link, recovery, resend) against `sign_in_sign_ups`, each endpoint on its own count as GoTrue
 * keeps them (sign-up and password sign-in share one); refreshing a session against
 * `token_refresh`; verifying a one-time code against `token_verifications`. Null for the rest.
 */
export function authLimitOf(method: string, path: string, grantType: string | null, body: Record<string, unknown>): { limit: AuthRateLimit; count: string } | null {
  const endpoint = path.replace(/^\/auth\/v1/, "");
  if (endpoint === "/verify" && (method === "GET" || method === "POST")) return { limit: "token_verifications", count: "verify" };
  if (method !== "POST") return null;
  if (endpoint === "/signup") {
    return body.email || body.phone ? { limit: "sign_in_sign_ups", count: "sign-in" } : { limit: "anonymous_users", count: "anonymous" };
  }
  if (endpoint === "/token") {
    if (grantType === "password") return { limit: "sign_in_sign_ups", count: "sign-in" };
    return grantType === "refresh_token" || grantType === "pkce" || grantType === "id_token" ? { limit: "token_refresh", count: "token" } : null;
  }
  if (["/otp", "/magiclink", "/recover", "/resend"].includes(endpoint)) return { limit: "sign_in_sign_ups", count: endpoint.slice(1) };
  return null;
}

/** The limiters of one stack, by count, made on first use from the project's settings. */
export function authRateLimits(limits: Record<AuthRateLimit, number>, now: () => number = Date.now) {
  const limiters = new Map<string, RateLimiter>();
  return (address: string, which: { limit: AuthRateLimit; count: string }): boolean => {
    let limiter = limiters.get(which.count);
    if (!limiter) limiters.set(which.count, (limiter = new RateLimiter(limits[which.limit], RATE_LIMIT_WINDOW_MS[which.limit], now)));
    return limiter.take(address);
  };
}
