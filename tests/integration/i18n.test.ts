// The app's languages (app/src/lib/i18n): English, Hindi and Marathi catalogues complete and of
// one shape, no English left in the other two, no sentence built by concatenation, Intl's Indian
// formats, the language chosen from Accept-Language, and the messages of checks and refusals
// read in the language of the moment.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { en } from "../../app/src/lib/i18n/en.js";
import { hi } from "../../app/src/lib/i18n/hi.js";
import { mr } from "../../app/src/lib/i18n/mr.js";
import { fromAcceptLanguage, language, setRequestLanguage, t, type Language, type Messages } from "../../app/src/lib/i18n/index.js";
import { ratingForm } from "../../app/src/lib/ratings/ratings.js";
import { refusalText } from "../../app/src/lib/orders/refusal.js";
import { parseInventoryCsv } from "../../app/src/lib/inventory/inventory.js";
import { ROOT } from "../../stack/lib/paths.js";

const catalogues: Record<Language, Messages> = { en, hi, mr };

type Leaf = { path: string; value: unknown };
function leaves(node: unknown, at = ""): Leaf[] {
  if (node !== null && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
  return [{ path: at, value: node }];
}

// A value that passes for a number, a text and a list, so any message can be called; its text is
// Devanagari, so English in an answer can only come from the message itself.
const anything = new Proxy(
  { [Symbol.toPrimitive]: (hint: string) => (hint === "number" ? 3 : "क"), toFixed: () => "3.0", join: () => "क", length: 1 },
  { get: (target, key) => (key in target ? target[key as keyof typeof target] : undefined) },
);
// Arguments some messages need as they are: a role, a moment, a list of markers.
const special: Record<string, unknown[][]> = {
  "chat.title": [["customer"], ["store"], ["rider"]],
  "csv.length": [["name", 1, 2], ["category", 1, 2], ["unit", 1, 2]],
  "dateTime": [["2026-03-01T10:30:00Z"]],
  "date": [["2026-03-01T10:30:00Z"]],
  "time": [["2026-03-01T10:30:00Z"]],
  "notifications.at": [["2026-03-01T10:30:00Z"]],
  "map.description": [[[]], [["क", "ख"]]],
};

/** Every text a leaf gives: the string itself, or what the message answers for 0, 1, 2, 5 and any text. */
function texts(leaf: Leaf): string[] {
  if (typeof leaf.value === "string") return [leaf.value];
  assert.equal(typeof leaf.value, "function", `${leaf.path}: a string or a message with parameters`);
  const fn = leaf.value as (...args: unknown[]) => unknown;
  const calls = special[leaf.path] ?? [0, 1, 2, 5, "क", anything].map((v) => Array.from({ length: Math.max(fn.length, 1) }, () => v));
  const out: string[] = [];
  for (const args of calls) {
    let answer: unknown;
    try {
      answer = fn(...args);
    } catch {
      continue; // a number where the message wants a text: the other calls cover it
    }
    // (a message that passes a text through, given a number, answers the number)
    // (and a number given a text, NaN)
    if (typeof answer === "string" && !answer.includes("NaN")) out.push(answer);
  }
  assert.ok(out.length > 0, `${leaf.path}: answers a string`);
  return out;
}

// What may stay in Latin letters inside Hindi and Marathi: names people see on screens and
// keyboards as they are (OTP, UPI, QR), the CSV file's column names and values, product names.
const KEPT_LATIN = ["OpenStreetMap", "Supabase Studio", "JavaScript", "OTP", "UPI", "QR", "CSV", "SKU", "HH:MM", "name@example.com",
  "sku", "name", "category", "unit", "price_paise", "stock", "description", "is_active", "image_path", "image", "true", "false", "yes/no", "am", "pm", "AM", "PM"];
const withoutKept = (text: string) => KEPT_LATIN.reduce((s, word) => s.replace(new RegExp(`(?<![A-Za-z])${word.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(?![A-Za-z])`, "g"), ""), text);

describe("the catalogues", () => {
  it("have the same keys, each a string or a message with the same parameters, in every language", () => {
    const shape = (m: Messages) => leaves(m).map((l) => `${l.path}:${typeof l.value}${typeof l.value === "function" ? (l.value as () => unknown).length : ""}`);
    const english = shape(en);
    assert.ok(english.length > 700, `the English catalogue is read whole (${english.length} entries)`);
    for (const lang of ["hi", "mr"] as const) {
      const other = shape(catalogues[lang]);
      assert.deepEqual(other.filter((k) => !english.includes(k)), [], `${lang}: no extra or differently shaped key`);
      assert.deepEqual(english.filter((k) => !other.includes(k)), [], `${lang}: no missing key`);
    }
  });

  it("leave no English in Hindi or Marathi, and every text is in Devanagari", () => {
    const enLeaves = new Map(leaves(en).map((l) => [l.path, texts(l)]));
    for (const lang of ["hi", "mr"] as const) {
      const english: string[] = [];
      for (const leaf of leaves(catalogues[lang])) {
        for (const text of texts(leaf)) {
          const latin = withoutKept(text).match(/[A-Za-z]+/g);
          if (latin) english.push(`${leaf.path}: “${text}” (${latin.join(" ")})`);
        }
        const own = texts(leaf);
        // Intl's own answers for Hindi write "am"/"pm" in Latin letters: kept as Intl gives them.
        // Symbols, numbers and names only (₹1,234.50, "3 × क", "★ क") are the same everywhere.
        if (own.some((text) => /[A-Za-z]/.test(withoutKept(text)) && enLeaves.get(leaf.path)!.includes(text))) english.push(`${leaf.path}: the English text`);
      }
      assert.deepEqual(english, [], `${lang}: English left`);
    }
  });

  it("use Intl's plural rules and Indian formats: en-IN, hi-IN, mr-IN", () => {
    assert.equal(en.money(12345650), "₹1,23,456.50");
    assert.equal(hi.money(12345650), "₹1,23,456.50");
    assert.equal(mr.money(12345650), new Intl.NumberFormat("mr-IN-u-nu-latn", { style: "currency", currency: "INR", minimumFractionDigits: 2 }).format(123456.5));
    assert.equal(en.shop.cartBar.items(1), "1 item");
    assert.equal(en.shop.cartBar.items(2), "2 items");
    // Hindi counts 0 as "one" (CLDR), English and Marathi do not.
    assert.equal(new Intl.PluralRules("hi-IN").select(0), "one");
    assert.equal(hi.validation.fixErrors(1), "कृपया नीचे की 1 गलती ठीक करें।");
    assert.equal(hi.validation.fixErrors(3), "कृपया नीचे की 3 गलतियाँ ठीक करें।");
    assert.equal(mr.validation.fixErrors(3), "कृपया खालील 3 चुका दुरुस्त करा.");
    const at = "2026-03-01T20:30:00Z"; // 2 March, 2:00 in India
    assert.equal(en.date(at), new Intl.DateTimeFormat("en-IN", { dateStyle: "medium", timeZone: "Asia/Kolkata" }).format(new Date(at)));
    assert.match(hi.dateTime(at), /2 मार्च 2026/);
    assert.match(mr.dateTime(at), /2 मार्च, 2026/);
    assert.equal(hi.distance(1500), "1.5 कि.मी.");
    assert.equal(mr.minutes(12), "12 मिनिटे");
  });
});

describe("sentences are messages with parameters, not concatenations", () => {
  const APP = path.join(ROOT, "app", "src");
  const sources = fs
    .readdirSync(APP, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|svelte)$/.test(f) && !f.endsWith("database.types.ts"))
    .map((f) => ({ file: f, text: fs.readFileSync(path.join(APP, f), "utf8") }));

  it("reads the app's sources", () => assert.ok(sources.length > 100, `${sources.length} files`));

  it("no message is joined to another text with +", () => {
    const joined = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/\bt\.[\w.]+(\([^()]*\))?\s*\+\s*["'`\w]|["'`]\s*\+\s*t\.[a-z]/g)].map((m) => `${file}: ${m[0]}`),
    );
    assert.deepEqual(joined, []);
  });

  it("no message is wrapped in words outside the catalogue", () => {
    // `${t.x} words` or `words ${t.x}`: the words belong in the message, as a parameter or its text.
    const wrapped = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/`[^`]*\$\{t\.[^`]*`/g)].filter((m) => /[A-Za-z]{2,}/.test(m[0].replace(/\$\{[^}]*\}/g, ""))).map((m) => `${file}: ${m[0]}`),
    );
    assert.deepEqual(wrapped, []);
  });

  it("the catalogues build no sentence with + or from English pieces", () => {
    for (const file of ["en.ts", "hi.ts", "mr.ts"]) {
      const text = fs.readFileSync(path.join(APP, "lib", "i18n", file), "utf8");
      assert.deepEqual(text.match(/["'`]\s*\+|\+\s*["'`]/g), null, `${file}: no string +`);
    }
  });
});

describe("the language of the moment", () => {
  after(() => setRequestLanguage(() => ({ language: "en", messages: en })));
  const use = (lang: Language) => setRequestLanguage(() => ({ language: lang, messages: catalogues[lang] }));

  it("is chosen from Accept-Language by weight, else English", () => {
    assert.equal(fromAcceptLanguage("mr-IN,mr;q=0.9,en-US;q=0.8,en;q=0.7"), "mr");
    assert.equal(fromAcceptLanguage("en-US,en;q=0.9,hi;q=0.8"), "en");
    assert.equal(fromAcceptLanguage("fr-FR, hi;q=0.5, mr;q=0.4"), "hi");
    assert.equal(fromAcceptLanguage("de, hi;q=0"), "en");
    assert.equal(fromAcceptLanguage("mr;q=0.3, hi-IN;q=0.6"), "hi");
    assert.equal(fromAcceptLanguage(null), "en");
    assert.equal(fromAcceptLanguage("*;q=0.5,garbage"), "en");
  });

  it("gives field errors in the language of the request, though the checks were built once", () => {
    for (const lang of ["en", "hi", "mr"] as const) {
      use(lang);
      assert.equal(language(), lang);
      const r = ratingForm.safeParse({ store_stars: "9", rider_stars: "", comment: "" });
      assert.equal(r.error!.issues[0]!.message, catalogues[lang].ratings.chooseStars);
      assert.deepEqual(parseInventoryCsv("").errors, [{ line: 1, message: catalogues[lang].csv.empty }]);
      assert.equal(t.shop.cart.title, catalogues[lang].shop.cart.title);
    }
  });

  it("translates the database's refusals by code, keeping the server's words in English", () => {
    use("hi");
    assert.equal(refusalText("already_claimed", "Another rider took this job."), hi.refusals.already_claimed);
    assert.equal(refusalText("XX000", "something odd"), hi.refusals.other);
    use("mr");
    assert.equal(refusalText("too_far", "You are too far from the store to claim this job."), mr.refusals.too_far);
    use("en");
    assert.equal(refusalText("invalid_transition", "An order that is delivered cannot become cancelled."), "An order that is delivered cannot become cancelled.");
  });
});
