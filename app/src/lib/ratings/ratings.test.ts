// The app's side of ratings (app/src/lib/ratings/ratings.ts): the rating form as posted, checked
// with rate_order's own limits before any request, and until when an order may be rated.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ratingForm, ratingUntil } from "./ratings.js";
import { t } from "../i18n/index.js";

describe("ratingForm", () => {
  it("reads whole stars from 1 to 5, a rider left out as null and a trimmed comment", () => {
    assert.deepEqual(ratingForm.parse({ store_stars: "4", rider_stars: "5", comment: "  Quick.  " }), { store_stars: 4, rider_stars: 5, comment: "Quick." });
    assert.deepEqual(ratingForm.parse({ store_stars: "1", rider_stars: "", comment: "" }), { store_stars: 1, rider_stars: null, comment: "" });
    assert.equal(ratingForm.parse({ store_stars: "2", rider_stars: "", comment: `${"x".repeat(500)}   ` }).comment.length, 500);
  });

  it("refuses what rate_order would, with the form's words", () => {
    for (const store_stars of ["", "0", "6", "4.5", "five"]) {
      const r = ratingForm.safeParse({ store_stars, rider_stars: "", comment: "" });
      assert.equal(r.success, false, store_stars);
      assert.equal(r.error!.issues[0]!.message, t.ratings.chooseStars, store_stars);
    }
    const long = ratingForm.safeParse({ store_stars: "3", rider_stars: "3", comment: "x".repeat(501) });
    assert.equal(long.success, false);
    assert.equal(long.error!.issues[0]!.message, t.ratings.commentTooLong);
  });
});

describe("ratingUntil", () => {
  it("is 7 days after the order's last delivery, and nothing for an order never delivered", () => {
    const delivered = new Date(Date.now() - 3_600_000).toISOString();
    const until = ratingUntil([{ status: "picked_up", created_at: new Date(Date.now() - 7_200_000).toISOString() }, { status: "delivered", created_at: delivered }]);
    assert.equal(until!.getTime(), Date.parse(delivered) + 7 * 86_400_000);
    assert.equal(ratingUntil([{ status: "pending", created_at: delivered }]), null);
  });
});
