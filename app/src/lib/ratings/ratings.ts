import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import { t } from "../i18n/index.js";
import { dataOf } from "../orders/refusal.js";

type Client = SupabaseClient<Database>;

/** The limits rate_order keeps (private.rate_order, private.rating_window). */
export const COMMENT_MAX = 500;
export const RATING_DAYS = 7;

// Messages are read when a check fails, so they come in the language of the request.
const chooseStars = { error: () => t.ratings.chooseStars };
const stars = z.pipe(z.coerce.number(chooseStars), z.int(chooseStars).check(z.gte(1, chooseStars), z.lte(5, chooseStars)));

/** The rating form as posted: stars as "1" to "5", the rider's only when the order had a rider. */
export const ratingForm = z.object({
  store_stars: stars,
  rider_stars: z.union([z.pipe(z.literal(""), z.transform(() => null)), stars]),
  comment: z.pipe(
    z.pipe(z.string().check(z.maxLength(COMMENT_MAX + 100)), z.transform((c) => c.trim())),
    z.string().check(z.maxLength(COMMENT_MAX, { error: () => t.ratings.commentTooLong })),
  ),
});
export type RatingForm = z.output<typeof ratingForm>;
export const RATING_FIELDS = ["store_stars", "rider_stars", "comment"] as const;

export interface Review {
  store_stars: number;
  rider_stars: number | null;
  comment: string | null;
  comment_hidden_at: string | null;
  created_at: string;
}
const REVIEW_COLUMNS = "store_stars, rider_stars, comment, comment_hidden_at, created_at";

/** Rates a delivered order of the signed-in customer; throws a Refused for what the database refuses. */
export async function rateOrder(supabase: Client, orderId: string, rating: RatingForm): Promise<void> {
  dataOf(
    await supabase.rpc("rate_order", {
      order_id: orderId,
      store_stars: rating.store_stars,
      ...(rating.rider_stars === null ? {} : { rider_stars: rating.rider_stars }),
      ...(rating.comment === "" ? {} : { comment: rating.comment }),
    }),
  );
}

/** The signed-in customer's review of the order, if any. */
export async function myReview(supabase: Client, orderId: string): Promise<Review | null> {
  return dataOf<Review | null>(await supabase.from("reviews").select(REVIEW_COLUMNS).eq("order_id", orderId).maybeSingle());
}

/** Until when a delivered order may be rated (null when it was never delivered). */
export function ratingUntil(timeline: ReadonlyArray<{ status: string; created_at: string }>): Date | null {
  const delivered = timeline.filter((e) => e.status === "delivered").at(-1);
  return delivered ? new Date(new Date(delivered.created_at).getTime() + RATING_DAYS * 86_400_000) : null;
}

/** The newest reviews of a merchant's store (row-level security shows theirs only). */
export async function storeReviews(supabase: Client, storeId: string, limit = 20): Promise<Review[]> {
  return dataOf<Review[]>(await supabase.from("reviews").select(REVIEW_COLUMNS).eq("store_id", storeId).order("created_at", { ascending: false }).limit(limit));
}

/** The signed-in rider's average and how many ratings it is made of. */
export async function myRiderRating(supabase: Client, riderId: string): Promise<{ rating: number | null; count: number }> {
  type Row = Pick<Database["public"]["Tables"]["rider_profiles"]["Row"], "rating" | "rating_count">;
  const row = dataOf<Row | null>(await supabase.from("rider_profiles").select("rating, rating_count").eq("rider_id", riderId).maybeSingle());
  return { rating: row?.rating ?? null, count: row?.rating_count ?? 0 };
}

/** A rating as shown: one decimal, as the database keeps it. */
export const oneDecimal = (rating: number) => rating.toFixed(1);
