import type { LayoutServerLoad } from "./$types";

// The language the page was rendered in: the browser loads that language's messages, and only those.
export const load: LayoutServerLoad = ({ locals }) => ({ language: locals.language });
