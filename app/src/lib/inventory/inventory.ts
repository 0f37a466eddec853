// A merchant's stock and prices: one product at a time from the app, or the whole catalogue from
// a spreadsheet as CSV, upserted by SKU in one request as docs/integrators.md (step 3) does it.
// The limits are the products table's checks, so a bad value is reported on its line before
// anything is sent.
import type { SupabaseClient } from "@supabase/supabase-js";
import { INT4_MAX, MAX_PRICE_PAISE, productRow } from "../../../../supabase/functions/_shared/contracts/product.ts";
import type { Database } from "../database.types.js";
import { dataOf } from "../orders/refusal.js";
import { t } from "../i18n/index.js";
import { z } from "../zod.js";

type Client = SupabaseClient<Database>;
export type Product = Database["public"]["Tables"]["products"]["Row"];

// The products table's checks, from the shared contract (supabase/functions/_shared/contracts), with
// messages read when a check fails, so they come in the language of the request.
const productRowSchema = productRow({
  sku: { error: () => t.csv.sku },
  name: { error: () => t.csv.length("name", 1, 160) },
  category: { error: () => t.csv.length("category", 1, 60) },
  unit: { error: () => t.csv.length("unit", 1, 30) },
  priceWhole: { error: () => t.csv.priceWhole },
  priceMin: { error: () => t.csv.priceMin },
  priceMax: { error: () => t.csv.priceMax },
  stockWhole: { error: () => t.csv.stockWhole },
  stockMin: { error: () => t.csv.stockMin },
  stockMax: { error: () => t.csv.stockMax },
  description: { error: () => t.csv.description },
  imagePath: { error: () => t.csv.imagePath },
  active: { error: () => t.csv.active },
});
const price = productRowSchema.shape.price_paise;
const stock = productRowSchema.shape.stock;

export const productUpdateSchema = z
  .strictObject({ price_paise: z.optional(price), stock: z.optional(stock), is_active: z.optional(z.boolean()) })
  .check(z.refine((p) => p.price_paise !== undefined || p.stock !== undefined || p.is_active !== undefined, { error: () => t.csv.changeSomething }));
export type ProductUpdate = z.input<typeof productUpdateSchema>;

export type StockItem = Pick<Product, "id" | "sku" | "name" | "category" | "unit" | "price_paise" | "stock" | "is_active" | "image_path">;

/** Every product of the store, listed or not, in aisle order (the Stock page's aisles). */
export async function stockList(supabase: Client, storeId: string): Promise<StockItem[]> {
  const id = z.uuid().parse(storeId);
  return dataOf(
    await supabase.from("products").select("id, sku, name, category, unit, price_paise, stock, is_active, image_path").eq("store_id", id).order("category").order("name").order("sku"),
  );
}

/**
 * Changes a product's price, stock or listing. Null when the product is not one of the signed-in
 * merchant's (row-level security leaves nothing to update).
 */
export async function updateProduct(supabase: Client, productId: string, patch: ProductUpdate): Promise<Product | null> {
  const id = z.uuid().parse(productId);
  const values = productUpdateSchema.parse(patch);
  return dataOf(await supabase.from("products").update(values).eq("id", id).select().maybeSingle());
}

export const inventoryRowSchema = z.extend(productRowSchema, {
  /** The file name of a photo sent with the file (not a column of the table). */
  image: z.optional(z.string().check(z.maxLength(255, { error: () => t.csv.imageName }))),
});
export type InventoryRow = z.infer<typeof inventoryRowSchema>;

export const REQUIRED_COLUMNS = ["sku", "name", "category", "unit", "price_paise", "stock"] as const;
export const OPTIONAL_COLUMNS = ["description", "is_active", "image_path", "image"] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** A problem with the file: its line (1 is the header) and, for a value, the column. */
export interface CsvError {
  line: number;
  column?: string;
  message: string;
}

export interface ParsedInventory {
  rows: InventoryRow[];
  /** The file line of each row, for reporting a refusal against the spreadsheet. */
  lines: number[];
  errors: CsvError[];
}

/** CSV records (RFC 4180: quotes, doubled quotes, commas and newlines in quotes) with the line each starts on. */
function records(text: string): { line: number; fields: string[] }[] | CsvError {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a spreadsheet's byte order mark
  const endRecord = () => {
    fields.push(field);
    // Blank lines (and the final newline) are not rows.
    if (!(fields.length === 1 && fields[0]!.trim() === "")) out.push({ line: start, fields });
    fields = [];
    field = "";
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) return { line: start, message: t.csv.unclosedQuote };
  endRecord();
  return out;
}

const WHOLE = /^[0-9]+$/;
const BOOLEAN: Record<string, boolean> = { true: true, yes: true, y: true, "1": true, false: false, no: false, n: false, "0": false };

/** One cell as the row schema wants it; strings stay strings for the schema to judge. */
function cell(column: Column, raw: string): unknown {
  const value = raw.trim();
  switch (column) {
    case "price_paise":
    case "stock":
      // Whole numbers only: "285.50" is not a price in paise, and Number("") would be 0.
      return WHOLE.test(value) ? Number(value) : value === "" ? undefined : value;
    case "is_active":
      return value === "" ? true : (BOOLEAN[value.toLowerCase()] ?? value);
    case "image_path":
      return value === "" ? null : value;
    case "image":
      return value === "" ? undefined : value;
    case "description":
      return raw;
    default:
      return value === "" ? undefined : value;
  }
}

/**
 * Reads a catalogue spreadsheet saved as CSV. The header names the columns, in any order:
 * sku, name, category, unit, price_paise (whole paise), stock, and optionally description,
 * is_active (true/false, yes/no, 1/0; empty is true), image_path (an object in product-images) and
 * image (the file name of a photo chosen with the file; empty for none). A column left out is left
 * as it is on existing products. Every bad value is reported with its line and column; rows
 * with errors are not in `rows`, and a file with errors should not be imported.
 */
export function parseInventoryCsv(text: string): ParsedInventory {
  const parsed = records(text);
  if (!Array.isArray(parsed)) return { rows: [], lines: [], errors: [parsed] };
  const [header, ...body] = parsed;
  if (!header) return { rows: [], lines: [], errors: [{ line: 1, message: t.csv.empty }] };

  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const errors: CsvError[] = [];
  for (const [i, c] of columns.entries()) {
    if (!COLUMNS.includes(c)) errors.push({ line: header.line, column: c, message: t.csv.unknownColumn(c, COLUMNS.join(", ")) });
    else if (columns.indexOf(c) !== i) errors.push({ line: header.line, column: c, message: t.csv.twice(c) });
  }
  for (const c of REQUIRED_COLUMNS) {
    if (!columns.includes(c)) errors.push({ line: header.line, column: c, message: t.csv.missingColumn(c) });
  }
  if (errors.length > 0) return { rows: [], lines: [], errors };
  if (body.length === 0) return { rows: [], lines: [], errors: [{ line: header.line + 1, message: t.csv.noProducts }] };

  const rows: InventoryRow[] = [];
  const lines: number[] = [];
  const skuLine = new Map<string, number>();
  for (const record of body) {
    if (record.fields.length !== columns.length) {
      errors.push({ line: record.line, message: t.csv.values(columns.length, record.fields.length) });
      continue;
    }
    const values = Object.fromEntries(columns.map((c, i) => [c, cell(c as Column, record.fields[i]!)]));
    const row = inventoryRowSchema.safeParse(values);
    if (!row.success) {
      for (const issue of row.error.issues) {
        const column = String(issue.path[0] ?? "");
        const missing = values[column] === undefined;
        errors.push({ line: record.line, column, message: missing ? t.csv.missing(column) : issue.message });
      }
      continue;
    }
    // The upsert refuses a SKU twice in one request (21000); say which lines clash instead.
    const earlier = skuLine.get(row.data.sku);
    if (earlier !== undefined) {
      errors.push({ line: record.line, column: "sku", message: t.csv.skuTwice(row.data.sku, earlier) });
      continue;
    }
    skuLine.set(row.data.sku, record.line);
    rows.push(row.data);
    lines.push(record.line);
  }
  return { rows, lines, errors };
}

export interface ImportResult {
  /** SKUs that were new to the store. */
  created: string[];
  /** SKUs the store had, now updated. */
  updated: string[];
}

/**
 * Creates or updates the store's products by SKU in one request, which is one transaction: if
 * any row is refused (a store that is not the merchant's is 403 42501), nothing is applied and
 * a Refused is thrown. Rows must all have the same columns, as parseInventoryCsv gives them.
 */
export async function importInventory(supabase: Client, storeId: string, rows: InventoryRow[]): Promise<ImportResult> {
  const store_id = z.uuid().parse(storeId);
  const checked = z
    .array(inventoryRowSchema)
    .check(
      z.minLength(1),
      z.refine((r) => new Set(r.map((x) => x.sku)).size === r.length, "Each SKU once"),
      z.refine((r) => r.every((x) => Object.keys(x).sort().join() === Object.keys(r[0]!).sort().join()), "Every row needs the same columns"),
    )
    .parse(rows);
  const answer = await supabase
    .from("products")
    .upsert(
      // `image` names a photo sent beside the file, not a column.
      checked.map(({ image: _photo, ...r }) => ({ ...r, store_id })),
      // Columns a row leaves out are not touched on existing products (not set to null).
      { onConflict: "store_id,sku", defaultToNull: false },
    )
    .select("sku, created_at, updated_at");
  const written = dataOf(answer);
  // A product inserted by this statement has created_at = updated_at = the transaction's now();
  // an updated one was created earlier.
  const created = written.filter((p) => p.created_at === p.updated_at).map((p) => p.sku);
  const updated = written.filter((p) => p.created_at !== p.updated_at).map((p) => p.sku);
  return { created, updated };
}

/** The inventory screen's edit of one product: price in rupees (up to 2 decimals), stock, listed. */
export function productEditForm(messages: { price: string; stock: string }) {
  return z.pipe(
    z.object({
      price: z.pipe(
        z.pipe(z.string().check(z.trim(), z.regex(/^[0-9]+(\.[0-9]{1,2})?$/, messages.price)), z.transform((r) => Math.round(Number(r) * 100))),
        z.int().check(z.gte(1, messages.price), z.lte(MAX_PRICE_PAISE, messages.price)),
      ),
      stock: z.pipe(z.pipe(z.string().check(z.trim(), z.regex(/^[0-9]+$/, messages.stock)), z.transform(Number)), stock.check(z.lte(INT4_MAX, messages.stock))),
      active: z.string(),
    }),
    z.transform((v): ProductUpdate => ({ price_paise: v.price, stock: v.stock, is_active: v.active === "on" })),
  );
}

/** A photo named by an imported row, as the form sent it. */
export interface ImportPhoto {
  name: string;
  type: string;
  size: number;
}

/**
 * The rows' `image` checked against the photos sent with the file: each named photo is there, a
 * JPEG, PNG or WebP, and within the bucket's limit. Problems are reported on the row's line.
 */
export function checkImportPhotos(parsed: Pick<ParsedInventory, "rows" | "lines">, photos: readonly ImportPhoto[], limits: { types: readonly string[]; maxBytes: number }): CsvError[] {
  const byName = new Map(photos.map((p) => [p.name, p]));
  const errors: CsvError[] = [];
  parsed.rows.forEach((row, n) => {
    if (row.image === undefined) return;
    const photo = byName.get(row.image);
    const line = parsed.lines[n]!;
    if (!photo) errors.push({ line, column: "image", message: t.csv.photoMissing(row.image) });
    else if (!limits.types.includes(photo.type)) errors.push({ line, column: "image", message: t.csv.photoType(row.image) });
    else if (photo.size > limits.maxBytes) errors.push({ line, column: "image", message: t.csv.photoSize(row.image, Math.floor(limits.maxBytes / 1000)) });
  });
  return errors;
}
