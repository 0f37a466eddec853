-- Delivery terms: what a phone keeps to price a cart while offline. The items' prices travel with
-- the cart; the fees (admin.settings, not readable by customers) and the distance come from here,
-- the same functions quote_order uses. Only an estimate: checkout still prices the order and,
-- given the total the customer saw as expected_total_paise, refuses a different one (409).

create function private.delivery_terms(store_id uuid, lat double precision, lng double precision)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  s public.stores;
  distance double precision;
begin
  perform private.check_point(lat, lng);
  select * into s from public.stores st where st.id = delivery_terms.store_id and st.status = 'approved';
  if not found then
    perform private.refuse(404, 'store_not_found', 'No store takes orders with this id.', jsonb_build_object('store_id', delivery_terms.store_id));
  end if;
  distance := extensions.st_distance(s.location, extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography, false);
  return jsonb_build_object(
    'store_id', s.id,
    'distance_m', round(distance),
    'delivery_radius_m', s.delivery_radius_m,
    'delivery_fee_paise', private.delivery_fee_paise(distance),
    'minimum_order_paise', s.minimum_order_paise,
    'small_order_fee_paise', (private.settings()).small_order_fee_paise
  );
end
$$;
comment on function private.delivery_terms(uuid, double precision, double precision) is 'delivery_terms for the API: checks the point (400), then the fees quote_order would charge for a delivery from an approved store to it, as the function owner so admin.settings is read whatever the caller''s role.';
revoke execute on function private.delivery_terms(uuid, double precision, double precision) from public;
grant execute on function private.delivery_terms(uuid, double precision, double precision) to anon, authenticated, service_role;

create function public.delivery_terms(store_id uuid, lat double precision, lng double precision)
returns jsonb
language sql stable
set search_path = ''
as $$
  select private.delivery_terms(store_id, lat, lng)
$$;
comment on function public.delivery_terms(uuid, double precision, double precision) is 'The fees of a delivery from a store to a point, as quote_order charges them: distance, delivery fee, the store''s minimum order and the small-order fee below it, and its delivery radius. A phone keeps them to estimate a cart''s total offline; 404 for a store that takes no orders.';
revoke execute on function public.delivery_terms(uuid, double precision, double precision) from public;
grant execute on function public.delivery_terms(uuid, double precision, double precision) to anon, authenticated, service_role;
