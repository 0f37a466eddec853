// Numbers, money, distances and dates in the conventions of one language, through Intl: Indian
// digit grouping (1,23,456), the rupee sign, dates in India's time. One set of formatters per
// language, built once: building one per price cost a long store page most of its script time.

/**
 * The Intl locale of each language. Marathi asks for Latin digits: CLDR's default for `mr` is
 * Devanagari digits, but prices, phone numbers and codes are typed and printed in Latin digits
 * in Pune's shops, and a page mixing the two (what people type beside what the app prints) reads badly.
 */
export const intlLocales = { en: "en-IN", hi: "hi-IN", mr: "mr-IN-u-nu-latn" } as const;

export type Formats = ReturnType<typeof formats>;

const IST = "Asia/Kolkata";

export function formats(locale: string) {
  const rupees = new Intl.NumberFormat(locale, { style: "currency", currency: "INR", minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const plurals = new Intl.PluralRules(locale);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: IST });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: IST });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: IST });
  return {
    money: (paise: number) => rupees.format(paise / 100),
    number: (n: number) => whole.format(n),
    oneDecimal: (n: number) => oneDecimal.format(n),
    /** The form of a word for n ("one" or "other": the categories en, hi and mr use). */
    plural: <T>(n: number, forms: { one: T; other: T }): T => (plurals.select(n) === "one" ? forms.one : forms.other),
    dateTime: (at: string | number | Date) => dateTime.format(new Date(at)),
    date: (at: string | number | Date) => date.format(new Date(at)),
    time: (at: string | number | Date) => time.format(new Date(at)),
  };
}
