import { browser } from "$app/environment";
import { useLanguage } from "$lib/i18n";
import type { LayoutLoad } from "./$types";

// Nothing renders before the page's language is loaded (the server renders from all of them).
export const load: LayoutLoad = async ({ data }) => {
  if (browser) await useLanguage(data.language);
  return data;
};
