-- Checkout: one price function (quote_order) that the app's preview and the charge both use, and
-- placing an order in one transaction (prices from the database, stock reserved without
-- oversell, the store open, the delivery point in its radius) behind Stripe-like idempotency
-- kept in Postgres. The Edge Function `checkout` is the HTTP face of private.checkout.

-- Settings ------------------------------------------------------------------------------------

create table admin.settings (
  id boolean primary key default true constraint settings_one_row check (id),
  base_delivery_fee_paise integer not null default 2000 check (base_delivery_fee_paise >= 0),
  base_delivery_distance_m integer not null default 2000 check (base_delivery_distance_m >= 0),
  delivery_fee_per_km_paise integer not null default 800 check (delivery_fee_per_km_paise >= 0),
  small_order_fee_paise integer not null default 2500 check (small_order_fee_paise >= 0),
  pending_order_timeout interval not null default '10 minutes' check (pending_order_timeout > interval '0'),
  rider_location_timeout interval not null default '2 minutes' check (rider_location_timeout > interval '0'),
  claim_radius_m integer not null default 5000 check (claim_radius_m > 0),
  handover_max_attempts integer not null default 5 check (handover_max_attempts > 0),
  idempotency_key_ttl interval not null default '24 hours' check (idempotency_key_ttl > interval '0'),
  location_history_ttl interval not null default '7 days' check (location_history_ttl > interval '0')
);
comment on table admin.settings is 'The ordering rules admins tune in Studio: fees, timeouts and limits. Exactly one row.';
comment on column admin.settings.base_delivery_fee_paise is 'Delivery fee for the first base_delivery_distance_m metres.';
comment on column admin.settings.base_delivery_distance_m is 'Distance covered by the base delivery fee.';
comment on column admin.settings.delivery_fee_per_km_paise is 'Added for each started kilometre beyond the base distance.';
comment on column admin.settings.small_order_fee_paise is 'Charged when the subtotal is below the store''s minimum_order_paise.';
comment on column admin.settings.pending_order_timeout is 'A pending order no store answers within this time expires and its stock is released.';
comment on column admin.settings.rider_location_timeout is 'A rider whose device has not reported a location for this long goes off shift.';
comment on column admin.settings.claim_radius_m is 'How near the store a rider must be to claim its ready jobs.';
comment on column admin.settings.handover_max_attempts is 'Wrong handover codes allowed before the order locks for the store and admins to resolve.';
comment on column admin.settings.idempotency_key_ttl is 'How long a checkout Idempotency-Key and its response are kept.';
comment on column admin.settings.location_history_ttl is 'How long stored rider positions are kept.';

insert into admin.settings default values;

revoke all on table admin.settings from public, anon, authenticated;
grant select, update on table admin.settings to service_role;

-- The settings row, for the ordering functions.
create function private.settings() returns admin.settings
language sql stable
set search_path = ''
as $$
  select * from admin.settings
$$;
comment on function private.settings() is 'The one row of admin.settings.';
revoke execute on function private.settings() from public;

-- Errors --------------------------------------------------------------------------------------

-- A refusal with an HTTP status and a machine-readable code, in PostgREST's own format for
-- function-chosen responses (SQLSTATE PGRST): REST answers `status` with body
-- {code, message, details, hint}, and checkout stores and returns the same body.
create function private.refuse(status integer, code text, message text, details jsonb default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise sqlstate 'PGRST' using
    message = jsonb_build_object('code', code, 'message', message, 'details', details, 'hint', null)::text,
    detail = jsonb_build_object('status', status, 'headers', jsonb_build_object())::text;
end
$$;
comment on function private.refuse(integer, text, text, jsonb) is 'Raises a refusal that REST answers with the given HTTP status and a {code, message, details} body.';
revoke execute on function private.refuse(integer, text, text, jsonb) from public;
-- It only raises, so callers' own (security invoker) functions may use it too.
grant execute on function private.refuse(integer, text, text, jsonb) to authenticated, service_role;

-- Input ---------------------------------------------------------------------------------------

-- Items as sent by clients: [{product_id, quantity, if_unavailable?}], 1 to 50 distinct
-- products, 1 to 100 of each. A 400 (22023) names what is wrong.
create function private.check_order_items(items jsonb) returns void
language plpgsql immutable
set search_path = ''
as $$
declare
  item jsonb;
  position integer := 0;
begin
  if items is null or jsonb_typeof(items) <> 'array' or jsonb_array_length(items) = 0 then
    raise exception 'items must be a non-empty list' using errcode = '22023';
  end if;
  if jsonb_array_length(items) > 50 then
    raise exception 'items may list at most 50 products, got %', jsonb_array_length(items) using errcode = '22023';
  end if;
  for item in select value from jsonb_array_elements(items) loop
    if jsonb_typeof(item) <> 'object'
       or coalesce(item ->> 'product_id', '') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'items[%].product_id must be a uuid', position using errcode = '22023';
    end if;
    if jsonb_typeof(item -> 'quantity') <> 'number' or (item ->> 'quantity') !~ '^[0-9]+$'
       or (item ->> 'quantity')::numeric not between 1 and 100 then
      raise exception 'items[%].quantity must be a whole number from 1 to 100', position using errcode = '22023';
    end if;
    if item ? 'if_unavailable' and coalesce(item ->> 'if_unavailable', '') not in ('remove', 'substitute') then
      raise exception 'items[%].if_unavailable must be "remove" or "substitute"', position using errcode = '22023';
    end if;
    position := position + 1;
  end loop;
  if (select count(distinct lower(value ->> 'product_id')) from jsonb_array_elements(items)) <> jsonb_array_length(items) then
    raise exception 'items lists a product more than once; give one line per product with its quantity' using errcode = '22023';
  end if;
end
$$;
comment on function private.check_order_items(jsonb) is 'Refuses (400) an item list that is not 1 to 50 distinct products with quantities from 1 to 100.';
revoke execute on function private.check_order_items(jsonb) from public;

-- Pricing -------------------------------------------------------------------------------------

create function private.delivery_fee_paise(distance_m double precision) returns integer
language sql stable
set search_path = ''
as $$
  select s.base_delivery_fee_paise
    + ceil(greatest(distance_m - s.base_delivery_distance_m, 0) / 1000.0)::integer * s.delivery_fee_per_km_paise
  from admin.settings s
$$;
comment on function private.delivery_fee_paise(double precision) is 'The delivery fee for a straight-line distance: the base fee, plus a per-kilometre fee for each started kilometre beyond the base distance (admin.settings).';
revoke execute on function private.delivery_fee_paise(double precision) from public;

-- The honest breakdown of an order at the server's current prices, and every reason it cannot
-- be placed now, for input its callers have checked. With lock_stock (checkout), the products' rows are locked in id order first,
-- so concurrent checkouts of the same products queue instead of overselling or deadlocking.
create function private.quote(store_id uuid, items jsonb, lat double precision, lng double precision, lock_stock boolean default false)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  s public.stores;
  here extensions.geography;
  distance double precision;
  lines jsonb;
  subtotal integer;
  delivery_fee integer;
  small_order_fee integer;
  problems jsonb := '[]';
begin
  select * into s from public.stores where id = quote.store_id and status = 'approved';
  if not found then
    perform private.refuse(404, 'store_not_found', 'No store takes orders with this id.', jsonb_build_object('store_id', quote.store_id));
  end if;

  here := extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography;
  distance := extensions.st_distance(s.location, here, false);
  if not public.is_open(s) then
    problems := problems || jsonb_build_object('code', 'store_closed', 'message', format('%s is closed now.', s.name),
      'reopens_at', case when s.temporarily_closed then s.reopens_at end);
  end if;
  if distance > s.delivery_radius_m then
    problems := problems || jsonb_build_object('code', 'outside_radius',
      'message', format('%s delivers within %s m; this address is %s m away.', s.name, s.delivery_radius_m, round(distance)),
      'distance_m', round(distance), 'delivery_radius_m', s.delivery_radius_m);
  end if;

  if lock_stock then
    perform from public.products p
    where p.id in (select (i ->> 'product_id')::uuid from jsonb_array_elements(items) i) and p.store_id = s.id
    order by p.id
    for update;
  end if;

  select
    jsonb_agg(jsonb_build_object(
      'product_id', i.product_id,
      'name', p.name,
      'unit', p.unit,
      'unit_price_paise', p.price_paise,
      'quantity', i.quantity,
      'line_total_paise', coalesce(p.price_paise * i.quantity, 0),
      'if_unavailable', coalesce(i.if_unavailable, 'remove'),
      'available', coalesce(p.stock, 0)
    ) order by i.position),
    coalesce(sum(p.price_paise * i.quantity), 0)
  into lines, subtotal
  from jsonb_array_elements(items) with ordinality as item (value, position)
  cross join lateral (
    select (item.value ->> 'product_id')::uuid as product_id, (item.value ->> 'quantity')::integer as quantity,
           item.value ->> 'if_unavailable' as if_unavailable, item.position
  ) i
  -- Only what the caller's policies show for sale: an inactive product, or any product asked
  -- for by a suspended account, is quoted as one this store does not sell (no name, no price,
  -- none available), so neither a quote nor a refused checkout reveals it.
  left join public.products p on p.id = i.product_id and p.store_id = s.id and p.is_active
    and ((select auth.uid()) is null or (select private.active_role()) is not null);

  if exists (select 1 from jsonb_array_elements(lines) l where (l ->> 'available')::integer < (l ->> 'quantity')::integer) then
    problems := problems || jsonb_build_object('code', 'out_of_stock',
      'message', 'Some items are not available in the quantity asked for.',
      'items', (select jsonb_agg(jsonb_build_object('product_id', l -> 'product_id', 'name', l -> 'name',
                                                   'requested', l -> 'quantity', 'available', l -> 'available'))
                from jsonb_array_elements(lines) l
                where (l ->> 'available')::integer < (l ->> 'quantity')::integer));
  end if;

  delivery_fee := private.delivery_fee_paise(distance);
  small_order_fee := case when subtotal < s.minimum_order_paise then (private.settings()).small_order_fee_paise else 0 end;
  return jsonb_build_object(
    'store_id', s.id,
    'store_name', s.name,
    'lines', lines,
    'subtotal_paise', subtotal,
    'delivery_fee_paise', delivery_fee,
    'small_order_fee_paise', small_order_fee,
    'minimum_order_paise', s.minimum_order_paise,
    'total_paise', subtotal + delivery_fee + small_order_fee,
    'distance_m', round(distance),
    'payment_method', 'cod',
    'can_order', jsonb_array_length(problems) = 0,
    'problems', problems
  );
end
$$;
comment on function private.quote(uuid, jsonb, double precision, double precision, boolean) is 'The breakdown of an order at current prices (lines, subtotal, delivery fee by distance, small-order fee, total) and the problems that stop it (store_closed, outside_radius, out_of_stock); products not for sale to the caller (inactive, or any for a suspended account) are quoted without name or price and none available; with lock_stock, locks the products for checkout.';
revoke execute on function private.quote(uuid, jsonb, double precision, double precision, boolean) from public;

create function private.quote_order(store_id uuid, items jsonb, lat double precision, lng double precision)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select private.check_point(lat, lng);
  select private.check_order_items(items);
  select private.quote(store_id, items, lat, lng)
$$;
comment on function private.quote_order(uuid, jsonb, double precision, double precision) is 'quote_order for the API: checks the input (400), then private.quote without locks, as the function owner so stock counts are read whatever the caller''s policies; it shows only the products those policies show for sale.';
revoke execute on function private.quote_order(uuid, jsonb, double precision, double precision) from public;
grant execute on function private.quote_order(uuid, jsonb, double precision, double precision) to anon, authenticated, service_role;

create function public.quote_order(store_id uuid, items jsonb, lat double precision, lng double precision)
returns jsonb
language sql stable
set search_path = ''
as $$
  select private.quote_order(store_id, items, lat, lng)
$$;
comment on function public.quote_order(uuid, jsonb, double precision, double precision) is 'The honest price of an order before it is placed: lines at current prices, subtotal, delivery fee by distance, small-order fee, total (cash on delivery adds nothing), and the problems that stop it. Checkout charges exactly this.';
revoke execute on function public.quote_order(uuid, jsonb, double precision, double precision) from public;
grant execute on function public.quote_order(uuid, jsonb, double precision, double precision) to anon, authenticated, service_role;

-- Orders as clients see them ------------------------------------------------------------------

create function private.order_json(order_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select to_jsonb(o) - 'delivery_location'
    || jsonb_build_object(
      'delivery_lat', extensions.st_y(o.delivery_location::extensions.geometry),
      'delivery_lng', extensions.st_x(o.delivery_location::extensions.geometry),
      'items', (select coalesce(jsonb_agg(to_jsonb(i) order by i.id), '[]') from public.order_items i where i.order_id = o.id))
  from public.orders o
  where o.id = order_json.order_id
$$;
comment on function private.order_json(uuid) is 'An order with its items and the delivery point as lat/lng: what checkout returns.';
revoke execute on function private.order_json(uuid) from public;

-- Placing an order ----------------------------------------------------------------------------

-- The request a checkout sends: {store_id, items, delivery: {address, lat, lng, phone?}, notes?,
-- expected_total_paise?, payment_method}. 400 (22023) for anything malformed.
create function private.check_order_request(request jsonb) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if request is null or jsonb_typeof(request) <> 'object' then
    raise exception 'the order must be a JSON object' using errcode = '22023';
  end if;
  if coalesce(request ->> 'store_id', '') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'store_id must be a uuid' using errcode = '22023';
  end if;
  perform private.check_order_items(request -> 'items');
  if jsonb_typeof(request -> 'delivery') is distinct from 'object' then
    raise exception 'delivery must be an object with address, lat and lng' using errcode = '22023';
  end if;
  if char_length(btrim(coalesce(request #>> '{delivery,address}', ''))) not between 5 and 300 then
    raise exception 'delivery.address must be 5 to 300 characters' using errcode = '22023';
  end if;
  if jsonb_typeof(request #> '{delivery,lat}') is distinct from 'number' or jsonb_typeof(request #> '{delivery,lng}') is distinct from 'number' then
    raise exception 'delivery.lat and delivery.lng must be numbers' using errcode = '22023';
  end if;
  perform private.check_point((request #>> '{delivery,lat}')::double precision, (request #>> '{delivery,lng}')::double precision);
  if request #> '{delivery,phone}' is not null and jsonb_typeof(request #> '{delivery,phone}') <> 'null'
     and coalesce(request #>> '{delivery,phone}', '') !~ '^\+?[0-9]{10,15}$' then
    raise exception 'delivery.phone must be 10 to 15 digits, with an optional leading +' using errcode = '22023';
  end if;
  if request ? 'notes' and jsonb_typeof(request -> 'notes') <> 'null'
     and (jsonb_typeof(request -> 'notes') <> 'string' or char_length(request ->> 'notes') > 500) then
    raise exception 'notes must be text of at most 500 characters' using errcode = '22023';
  end if;
  if request ? 'expected_total_paise' and jsonb_typeof(request -> 'expected_total_paise') <> 'null'
     and (jsonb_typeof(request -> 'expected_total_paise') <> 'number' or (request ->> 'expected_total_paise') !~ '^[0-9]{1,9}$') then
    raise exception 'expected_total_paise must be a whole number of paise' using errcode = '22023';
  end if;
  if coalesce(request ->> 'payment_method', '') <> 'cod' then
    raise exception 'payment_method must be "cod" (cash on delivery)' using errcode = '22023';
  end if;
end
$$;
comment on function private.check_order_request(jsonb) is 'Refuses (400) a malformed checkout request, naming the field.';
revoke execute on function private.check_order_request(jsonb) from public;

-- The payment step. Cash on delivery needs nothing at checkout; a provider's authorisation
-- will go here, inside the order's transaction, and refuse with 402 when it fails.
create function private.authorize_payment(order_id uuid, method public.payment_method, amount_paise integer)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if method <> 'cod' then
    perform private.refuse(402, 'payment_method_unavailable', format('%s payments are not available.', method));
  end if;
end
$$;
comment on function private.authorize_payment(uuid, public.payment_method, integer) is 'Payment hook of checkout: cash on delivery passes; a payment provider plugs in here.';
revoke execute on function private.authorize_payment(uuid, public.payment_method, integer) from public;

-- One transaction, for a request private.checkout has checked (private.check_order_request):
-- the caller must be an active customer; the quote is taken with the
-- products locked; any problem refuses with 409 and changes nothing; otherwise stock is
-- reserved and the order, its items and its first event are written.
create function private.place_order(customer_id uuid, request jsonb) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  q jsonb;
  problem jsonb;
  new_order_id uuid;
  expected integer := (request ->> 'expected_total_paise')::integer;
begin
  if not exists (select 1 from public.profiles p where p.id = customer_id and p.role = 'customer' and p.status = 'active') then
    perform private.refuse(403, 'not_a_customer', 'Only active customer accounts can place orders.');
  end if;

  q := private.quote((request ->> 'store_id')::uuid, request -> 'items',
                     (request #>> '{delivery,lat}')::double precision, (request #>> '{delivery,lng}')::double precision,
                     lock_stock => true);
  for problem in select value from jsonb_array_elements(q -> 'problems') loop
    perform private.refuse(409, problem ->> 'code', problem ->> 'message', problem - 'code' - 'message');
  end loop;
  if expected is not null and expected <> (q ->> 'total_paise')::integer then
    perform private.refuse(409, 'price_changed',
      format('The total is now %s paise, not %s.', q ->> 'total_paise', expected),
      jsonb_build_object('expected_total_paise', expected, 'quote', q));
  end if;

  insert into public.orders (customer_id, store_id, subtotal_paise, delivery_fee_paise, small_order_fee_paise, total_paise,
                             payment_method, delivery_address, delivery_location, delivery_phone, delivery_distance_m, notes)
  values (customer_id, (q ->> 'store_id')::uuid, (q ->> 'subtotal_paise')::integer, (q ->> 'delivery_fee_paise')::integer,
          (q ->> 'small_order_fee_paise')::integer, (q ->> 'total_paise')::integer, 'cod', btrim(request #>> '{delivery,address}'),
          extensions.st_setsrid(extensions.st_makepoint((request #>> '{delivery,lng}')::double precision,
                                                        (request #>> '{delivery,lat}')::double precision), 4326)::extensions.geography,
          request #>> '{delivery,phone}', (q ->> 'distance_m')::integer, nullif(btrim(request ->> 'notes'), ''))
  returning id into new_order_id;

  insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity, if_unavailable)
  select new_order_id, p.id, p.sku, p.name, p.unit, p.price_paise, (l ->> 'quantity')::integer,
         (l ->> 'if_unavailable')::public.substitution_preference
  from jsonb_array_elements(q -> 'lines') l
  join public.products p on p.id = (l ->> 'product_id')::uuid;

  update public.products p set stock = p.stock - (l ->> 'quantity')::integer
  from jsonb_array_elements(q -> 'lines') l
  where p.id = (l ->> 'product_id')::uuid;

  insert into public.order_events (order_id, status, actor_id) values (new_order_id, 'pending', customer_id);
  perform private.authorize_payment(new_order_id, 'cod', (q ->> 'total_paise')::integer);
  return private.order_json(new_order_id);
end
$$;
comment on function private.place_order(uuid, jsonb) is 'Places an order for an active customer in one transaction: server prices, stock reserved with no oversell, store open, delivery point in radius, expected total checked; refuses with 409 and changes nothing otherwise.';
revoke execute on function private.place_order(uuid, jsonb) from public;

-- Idempotency ---------------------------------------------------------------------------------

create table private.idempotency_keys (
  user_id uuid not null references public.profiles (id) on delete cascade,
  idempotency_key uuid not null,
  request_hash text not null,
  response_status integer not null,
  response_body jsonb not null,
  order_id uuid references public.orders (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (user_id, idempotency_key)
);
comment on table private.idempotency_keys is 'One row per checkout Idempotency-Key and caller: a hash of the request, and the status and body answered, replayed for the same key and request for admin.settings.idempotency_key_ttl.';
comment on column private.idempotency_keys.request_hash is 'SHA-256 of the request as canonical JSON (jsonb text): the same key with another request is refused.';

create index idempotency_keys_created_at_idx on private.idempotency_keys (created_at);
create index idempotency_keys_order_id_idx on private.idempotency_keys (order_id) where order_id is not null;

-- Not exposed; RLS with no policies keeps it closed to every API role all the same.
alter table private.idempotency_keys enable row level security;

-- Checkout: the key row is inserted first and committed with the order, so a concurrent
-- request with the same key waits on it and then replays what was stored: exactly one order
-- however many copies arrive. Refusals after validation (409s) are stored too, so a retry sees
-- the same answer; malformed requests (400) are not, the key stays free.
create function private.checkout(customer_id uuid, idempotency_key uuid, request jsonb)
returns table (status integer, body jsonb, replayed boolean)
language plpgsql security definer
set search_path = ''
as $$
declare
  hash text;
  stored private.idempotency_keys;
  answer jsonb;
  answer_status integer := 201;
  error_message text;
  error_detail text;
begin
  -- A token can outlive its account: its caller is signed out, and the key's row (which
  -- references the profile) is never attempted.
  if not exists (select from public.profiles p where p.id = customer_id) then
    perform private.refuse(401, 'sign_in_required', 'Sign in as a customer to place an order.');
  end if;
  if idempotency_key is null then
    raise exception 'an Idempotency-Key (uuid) is required' using errcode = '22023';
  end if;
  -- An absent field and a null one are the same request.
  request := jsonb_strip_nulls(request);
  perform private.check_order_request(request);
  hash := encode(sha256(convert_to(request::text, 'UTF8')), 'hex');

  delete from private.idempotency_keys k
  where k.user_id = customer_id and k.idempotency_key = checkout.idempotency_key
    and k.created_at < now() - (private.settings()).idempotency_key_ttl;
  insert into private.idempotency_keys (user_id, idempotency_key, request_hash, response_status, response_body)
  values (customer_id, checkout.idempotency_key, hash, 0, '{}')
  on conflict on constraint idempotency_keys_pkey do nothing;

  if not found then
    select * into stored from private.idempotency_keys k
    where k.user_id = customer_id and k.idempotency_key = checkout.idempotency_key;
    if stored.request_hash <> hash then
      perform private.refuse(422, 'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request; use a new key for a new order.');
    end if;
    return query select stored.response_status, stored.response_body, true;
    return;
  end if;

  begin
    answer := private.place_order(customer_id, request);
  exception when sqlstate 'PGRST' then
    get stacked diagnostics error_message = message_text, error_detail = pg_exception_detail;
    answer := error_message::jsonb;
    answer_status := (error_detail::jsonb ->> 'status')::integer;
  end;

  update private.idempotency_keys k
  set response_status = answer_status, response_body = answer,
      order_id = case when answer_status = 201 then (answer ->> 'id')::uuid end
  where k.user_id = customer_id and k.idempotency_key = checkout.idempotency_key;
  return query select answer_status, answer, false;
end
$$;
comment on function private.checkout(uuid, uuid, jsonb) is 'Idempotent checkout for a customer: places the order once per Idempotency-Key and replays the stored status and body for the same request; 422 for the key with another request; 401 for a caller with no account (a token that outlived it).';
revoke execute on function private.checkout(uuid, uuid, jsonb) from public;
grant execute on function private.checkout(uuid, uuid, jsonb) to service_role;

-- The same checkout as an RPC, for the signed-in customer (the JWT says who): the order on
-- success, the stored refusal (same status and body) otherwise, kept for the key as checkout keeps it.
create function private.place_order_rpc(idempotency_key uuid, request jsonb) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  result record;
begin
  if (select auth.uid()) is null then
    perform private.refuse(401, 'sign_in_required', 'Sign in as a customer to place an order.');
  end if;
  select * into result from private.checkout((select auth.uid()), idempotency_key, request);
  -- A stored refusal is answered, not raised: raising would roll back the key that stores it.
  if result.status >= 400 then
    perform set_config('response.status', result.status::text, true);
  end if;
  return result.body;
end
$$;
comment on function private.place_order_rpc(uuid, jsonb) is 'place_order for the API: private.checkout for the signed-in caller; a refusal is answered with its stored status (PostgREST''s response.status) and body.';
revoke execute on function private.place_order_rpc(uuid, jsonb) from public;
grant execute on function private.place_order_rpc(uuid, jsonb) to authenticated, service_role;

create function public.place_order(
  idempotency_key uuid,
  store_id uuid,
  items jsonb,
  delivery jsonb,
  payment_method text default 'cod',
  notes text default null,
  expected_total_paise integer default null
) returns jsonb
language sql
set search_path = ''
as $$
  select private.place_order_rpc(idempotency_key, jsonb_build_object(
    'store_id', store_id, 'items', items, 'delivery', delivery, 'payment_method', payment_method,
    'notes', notes, 'expected_total_paise', expected_total_paise))
$$;
comment on function public.place_order(uuid, uuid, jsonb, jsonb, text, text, integer) is 'Checkout as an RPC for the signed-in customer, with the same idempotency and refusals as POST /functions/v1/checkout (which apps use: it answers 201 and Idempotent-Replayed).';
revoke execute on function public.place_order(uuid, uuid, jsonb, jsonb, text, text, integer) from public, anon;
grant execute on function public.place_order(uuid, uuid, jsonb, jsonb, text, text, integer) to authenticated, service_role;

-- Delivery terms: what a phone keeps to price a cart while offline ----------------------------
-- The items' prices travel with the cart; the fees (admin.settings, not readable by customers)
-- and the distance come from here, the same functions quote_order uses. Only an estimate:
-- checkout still prices the order and, given the total the customer saw as expected_total_paise,
-- refuses a different one (409).

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
grant execute on function private.delivery_terms(uuid, double precision, double precision) to authenticated, service_role;

create function public.delivery_terms(store_id uuid, lat double precision, lng double precision)
returns jsonb
language sql stable
set search_path = ''
as $$
  select private.delivery_terms(store_id, lat, lng)
$$;
comment on function public.delivery_terms(uuid, double precision, double precision) is 'The fees of a delivery from a store to a point, as quote_order charges them: distance, delivery fee, the store''s minimum order and the small-order fee below it, and its delivery radius. A phone keeps them to estimate a cart''s total offline; 404 for a store that takes no orders.';
revoke execute on function public.delivery_terms(uuid, double precision, double precision) from public, anon;
grant execute on function public.delivery_terms(uuid, double precision, double precision) to authenticated, service_role;
