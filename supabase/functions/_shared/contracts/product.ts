// A product as a merchant writes it (the products table): one definition for the stock screen,
// the CSV import and the table's checks, held to each other by tests/integration/contracts.
import { btrimmed, type Message, upTo, z } from "./zod.ts";

export const INT4_MAX = 2_147_483_647;
export const MAX_PRICE_PAISE = 10_000_000;
/** products_sku_format */
export const SKU = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** An object's name in the product-images bucket: the store's folder, the product's, a file. */
export const IMAGE_PATH = new RegExp(`^${UUID}/${UUID}/.+$`);

export type ProductMessages = Partial<
  Record<"sku" | "name" | "category" | "unit" | "priceWhole" | "priceMin" | "priceMax" | "stockWhole" | "stockMin" | "stockMax" | "description" | "imagePath" | "active", Message>
>;

const length = (what: string, min: number, max: number) => `${what} must be ${min} to ${max} characters`;

/** Each column's check, with the message the import reports on a bad line (English unless given). */
export const productFields = (m: ProductMessages = {}) => ({
  sku: z.string().check(z.regex(SKU, m.sku ?? "A SKU is 1 to 64 letters, digits and . _ / - (starting with a letter or digit)")),
  name: btrimmed(1, 160, m.name ?? length("A name", 1, 160)),
  category: btrimmed(1, 60, m.category ?? length("A category", 1, 60)),
  unit: btrimmed(1, 30, m.unit ?? length("A unit", 1, 30)),
  price_paise: z.int(m.priceWhole ?? "A price is a whole number of paise").check(
    z.gte(1, m.priceMin ?? "A price must be more than 0 paise"),
    z.lte(MAX_PRICE_PAISE, m.priceMax ?? "A price can be at most 10000000 paise (₹1,00,000)"),
  ),
  stock: z.int(m.stockWhole ?? "Stock is a whole number").check(z.gte(0, m.stockMin ?? "Stock cannot be negative"), z.lte(INT4_MAX, m.stockMax ?? "Stock is too large")),
  description: upTo(2000, m.description ?? "A description can be at most 2000 characters"),
  // products_image_path_in_own_folder: "<store id>/<product id>/<file>" in the product-images
  // bucket; that the ids are the row's own the table checks (an insert's id is not known here).
  image_path: z.string().check(
    z.maxLength(500, m.imagePath ?? "An image path can be at most 500 characters"),
    z.regex(IMAGE_PATH, m.imagePath ?? "An image path is <store id>/<product id>/<file name>"),
  ),
  is_active: z.boolean(m.active),
});

/** A product row as the import and integrators write it, with the given messages. */
export const productRow = (m: ProductMessages = {}) => {
  const f = productFields(m);
  return z.object({
    sku: f.sku,
    name: f.name,
    category: f.category,
    unit: f.unit,
    price_paise: f.price_paise,
    stock: f.stock,
    description: z.optional(f.description),
    is_active: z.optional(f.is_active),
    image_path: z.optional(z.nullable(f.image_path)),
  });
};

/** A product row as the products table checks it. */
export const productColumns = productRow();
export type ProductColumns = z.infer<typeof productColumns>;

