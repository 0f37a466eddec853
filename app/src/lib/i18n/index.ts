import { en, type Messages } from "./en.js";

export type { Messages };

/** The languages the app speaks; a Hindi file of the same shape joins this list. */
export const languages = { en } satisfies Record<string, Messages>;

/** The messages the app shows (English until a second language brings a choice). */
export const t: Messages = languages.en;
