// A product as a merchant writes it (the products table): one definition for the stock screen,
// the CSV import and the table's checks, held to each other by tests/integration/contracts.
import { btrimmed, upTo, z } from "./zod.ts";

export const INT4_MAX = 2_147_483_647;
export const MAX_PRICE_PAISE = 10_000_000;
/** products_sku_format */
export const SKU = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** An object's name in the product-images bucket: the store's folder, the product's, a file. */
export const IMAGE_PATH = new RegExp(`^${UUID}/${UUID}/.+$`);

const between = (min: number, max: number, what: string) => btrimmed(min, max, `${what} must be ${min} to ${max} characters`);

/** Each column's check, with the message the import reports on a bad line. */
export const productFields = {
  sku: z.string().check(z.regex(SKU, "A SKU is 1 to 64 letters, digits and . _ / - (starting with a letter or digit)")),
  name: between(1, 160, "A name"),
  category: between(1, 60, "A category"),
  unit: between(1, 30, "A unit"),
  price_paise: z.int("A price is a whole number of paise").check(
    z.gte(1, "A price must be more than 0 paise"),
    z.lte(MAX_PRICE_PAISE, "A price can be at most 10000000 paise (₹1,00,000)"),
  ),
  stock: z.int("Stock is a whole number").check(z.gte(0, "Stock cannot be negative"), z.lte(INT4_MAX, "Stock is too large")),
  description: upTo(2000, "A description can be at most 2000 characters"),
  // products_image_path_in_own_folder: "<store id>/<product id>/<file>" in the product-images
  // bucket; that the ids are the row's own the table checks (an insert's id is not known here).
  image_path: z.string().check(
    z.maxLength(500, "An image path can be at most 500 characters"),
    z.regex(IMAGE_PATH, "An image path is <store id>/<product id>/<file name>"),
  ),
};

/** A product row as the import and integrators write it. */
export const productColumns = z.object({
  sku: productFields.sku,
  name: productFields.name,
  category: productFields.category,
  unit: productFields.unit,
  price_paise: productFields.price_paise,
  stock: productFields.stock,
  description: z.optional(productFields.description),
  is_active: z.optional(z.boolean()),
  image_path: z.optional(z.nullable(productFields.image_path)),
});
export type ProductColumns = z.infer<typeof productColumns>;

