/// <reference types="vite-plugin-pwa/info" />
/// <reference types="vite-plugin-pwa/client" />
// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Account } from "$lib/accounts/session";
import type { Database } from "$lib/database.types";
import type { Language } from "$lib/i18n";

declare global {
  namespace App {
    interface Locals {
      /** A client acting as the person whose cookies came with the request. */
      supabase: SupabaseClient<Database>;
      /** The account behind the request, checked with Auth once per request. */
      safeGetSession(): Promise<Account>;
      /** The language the request is answered in (see hooks.server.ts). */
      language: Language;
    }
    interface Error {
      message: string;
      /** Where the error page sends a signed-in person back to: their own area. */
      home?: string;
      /** The short id an unexpected error is logged under, for the person to quote. */
      id?: string;
    }
  }
}
export {};
