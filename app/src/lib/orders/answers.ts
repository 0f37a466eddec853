// What a checkout that placed nothing tells the customer, in one place for the checkout page's
// script and its form action (a browser without JavaScript gets the same words).
import { t } from "../i18n/index.js";
import type { CheckoutResult, Conflict } from "./orders.js";

/** A conflict in one line: what changed. */
export function conflictText(conflict: Conflict): string {
  const c = t.shop.checkout;
  switch (conflict.code) {
    case "price_changed":
      return c.priceChanged(t.money(conflict.details.expected_total_paise), t.money(conflict.details.quote.total_paise));
    case "store_closed":
      return c.storeClosed;
    case "outside_radius":
      return c.outsideRadius(t.distance(conflict.details.distance_m), t.distance(conflict.details.delivery_radius_m));
    case "out_of_stock":
      return [c.outOfStock, ...conflict.details.items.map((i) => c.shortItem(i.name ?? c.unknownProduct, i.requested, i.available))].join(" ");
  }
}

/** Why the order was not placed, for any answer but a placed order. */
export function whyNotPlaced(answer: Exclude<CheckoutResult, { kind: "placed" }>): string {
  const c = t.shop.checkout;
  switch (answer.kind) {
    case "conflict":
      return conflictText(answer);
    case "invalid":
      return answer.fields["delivery.address"] ? c.addressInvalid : c.refused(answer.message);
    case "key_reused":
      return c.keyReused;
    case "unauthorized":
      return c.unauthorized;
    case "refused":
      return c.refused(answer.message);
    case "retry":
      return c.retry;
  }
}
