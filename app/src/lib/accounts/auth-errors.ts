import { t } from "../i18n/index.js";

/** The part of a supabase-js AuthError the pages read: GoTrue's error code and HTTP status. */
export interface AuthFailure {
  code?: string;
  status?: number;
}

/**
 * What the sign-in page says when Supabase Auth refuses a password sign-in. The app signs in
 * from its server, so Auth's per-address limit (429 `over_request_rate_limit`) counts the
 * server's attempts: it gets a plain message rather than the generic one.
 */
export function signInFailureMessage(error: AuthFailure): string {
  if (error.code === "invalid_credentials") return t.signIn.wrongCredentials;
  if (error.code === "email_not_confirmed") return t.signIn.confirmEmail;
  return tooManyAttempts(error) ? t.errors.tooManyAttempts : t.errors.generic;
}

/** Auth's rate limit answer, which sign-up shares with sign-in. */
export const tooManyAttempts = (error: AuthFailure): boolean => error.code === "over_request_rate_limit" || error.status === 429;
