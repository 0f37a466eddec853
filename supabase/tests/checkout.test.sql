-- Checkout: public.quote_order (lines at current prices, fees from admin.settings, the problems
-- that stop an order, input checks) and public.place_order (the order, its items, its first
-- event, reserved stock and handover code; idempotency per caller and key; refusals that change
-- nothing and are kept with the key; who may place orders). Uses the helpers from
-- 000_test_helpers.sql.
begin;

select plan(103);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to the helpers can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('checkout', name, role, status) from (values
  ('customer',   'customer', 'active'),
  ('stranger',   'customer', 'active'),
  ('merchant',   'merchant', 'active'),
  ('rider',      'rider',    'active'),
  ('admin',      'admin',    'active'),
  ('suspended',  'customer', 'suspended')
) as p(name, role, status);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated, service_role;
insert into fixtures (name) values
  ('store'), ('closed_store'), ('shut_store'), ('pending_store'),
  ('atta'), ('ghee'), ('milk'), ('biscuits'), ('bread'), ('sugar');

-- What place_order answered, kept to compare replays with.
create temp table answers (name text primary key, body jsonb not null);
grant select, insert on answers to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- How a statement ends, run as the current role: 'ok', '<HTTP status> <code>' for a refusal, or
-- the SQLSTATE of any other error. A refusal is either raised (SQLSTATE PGRST, see
-- private.refuse) or, for place_order's stored ones, answered: the body is returned and
-- PostgREST's response.status set, so the transaction (and the key) commits. An error rolls
-- the statement back, as the API would; a success is kept.
create function pg_temp.outcome(statement text) returns text
language plpgsql
as $$
declare
  answer text;
  state text;
  message text;
  detail text;
begin
  perform set_config('response.status', '', true);
  execute statement into answer;
  if current_setting('response.status') <> '' then
    return current_setting('response.status') || ' ' || (answer::jsonb ->> 'code');
  end if;
  return 'ok';
exception when others then
  get stacked diagnostics state = returned_sqlstate, message = message_text, detail = pg_exception_detail;
  if state = 'PGRST' then
    return (detail::jsonb ->> 'status') || ' ' || (message::jsonb ->> 'code');
  end if;
  return state;
end
$$;

-- The same, signed in as a persona; back to the database owner afterwards either way (an
-- error also undoes the sign-in, as it is part of the rolled-back block).
create function pg_temp.outcome_as(persona text, statement text) returns text
language plpgsql
as $$
declare
  result text;
begin
  perform tests.sign_in(persona);
  result := pg_temp.outcome(statement);
  perform tests.clear_authentication();
  return result;
end
$$;

-- The body of the refusal a statement raises or answers ({code, message, details, hint}); null
-- if none.
create function pg_temp.refusal(statement text) returns jsonb
language plpgsql
as $$
declare
  answer text;
  message text;
begin
  perform set_config('response.status', '', true);
  execute statement into answer;
  return case when current_setting('response.status') <> '' then answer::jsonb end;
exception when sqlstate 'PGRST' then
  get stacked diagnostics message = message_text;
  return message::jsonb;
end
$$;

-- Idempotency keys by number, so the tests read "key 1", "key 2".
create function pg_temp.key(n integer) returns uuid
language sql immutable
as $$ select ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$;

-- One line of an order as clients send it; quantity is numeric so 1.5 can be tried.
create function pg_temp.item(product text, quantity numeric, if_unavailable text default null) returns jsonb
language sql stable
as $$
  select jsonb_strip_nulls(jsonb_build_object(
    'product_id', (select id from fixtures where name = product), 'quantity', quantity, 'if_unavailable', if_unavailable))
$$;

-- A delivery point due north of the stores (18.52 N, 73.85 E): 0.005° is 556 m, 0.0225° 2,502 m,
-- 0.038° 4,225 m and 0.05° 5,560 m on the spheroid.
create function pg_temp.delivery(north numeric default 0.005) returns jsonb
language sql immutable
as $$ select jsonb_build_object('address', '221B Baner Road, Pune', 'lat', 18.52 + north, 'lng', 73.85) $$;

-- The SQL of a place_order call, to hand to outcome/refusal or run as is.
create function pg_temp.place_sql(key integer, store text, items jsonb, delivery jsonb default pg_temp.delivery(),
                                  expected integer default null, notes text default null) returns text
language sql stable
as $$
  select format('select public.place_order(%L, (select id from fixtures where name = %L), %L, %L, %L, %L, %s)',
                pg_temp.key(key), store, items, delivery, 'cod', notes, coalesce(expected::text, 'null'))
$$;

create function pg_temp.quote(store text, items jsonb, north numeric default 0.005) returns jsonb
language sql stable
as $$ select public.quote_order((select id from fixtures where name = store), items, 18.52 + north, 73.85) $$;

-- What the owner counts, to show that a refusal changed nothing.
create function pg_temp.state() returns jsonb
language sql stable security definer
as $$
  select jsonb_build_object(
    'orders', (select count(*) from public.orders o where o.store_id in (select id from fixtures)),
    'items', (select count(*) from public.order_items i where i.product_id in (select id from fixtures)),
    'events', (select count(*) from public.order_events e join public.orders o on o.id = e.order_id
               where o.store_id in (select id from fixtures)),
    'stock', (select jsonb_object_agg(f.name, p.stock) from public.products p join fixtures f using (id)))
$$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
create temp table all_day (hours jsonb not null);
insert into all_day values (
  '{"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]],
    "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]],
    "sun": [["00:00", "24:00"]]}'
);

-- All at the same point and delivering 5 km, minimum order ₹100. closed_store has no opening
-- hours at all; shut_store is open all day but switched off by its merchant for two hours from
-- now (the file is one transaction, so now() is the same moment in every statement).
insert into public.stores (id, owner_id, name, address, location, delivery_radius_m, minimum_order_paise,
                           opening_hours, temporarily_closed, reopens_at, status, approved_at)
select f.id, (select id from personas where name = 'merchant'), s.name, '12 FC Road, Pune', tests.point(73.85, 18.52),
       5000, 10000, s.hours, s.shut, s.reopens, s.status::public.store_status,
       case when s.status = 'approved' then now() end
from (values ('store', 'Sharma Kirana', (select hours from all_day), false, null::timestamptz, 'approved'),
             ('closed_store', 'Night Owl Stores', '{}'::jsonb, false, null, 'approved'),
             ('shut_store', 'Gone Fishing Mart', (select hours from all_day), true, now() + interval '2 hours', 'approved'),
             ('pending_store', 'Not Yet Provisions', (select hours from all_day), false, null, 'pending')) as s (fixture, name, hours, shut, reopens, status)
join fixtures f on f.name = s.fixture;

insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock, is_active)
select f.id, st.id, p.sku, p.name, p.category, p.unit, p.price_paise, p.stock, p.active
from (values ('atta', 'store', 'ATTA-5', 'Chakki atta', 'Staples', '5 kg', 3000, 10, true),
             ('ghee', 'store', 'GHEE-1', 'Cow ghee', 'Dairy', '1 l', 4000, 5, true),
             ('milk', 'store', 'MILK-500', 'Toned milk', 'Dairy', '500 ml', 3000, 1, true),
             ('biscuits', 'store', 'BISC-1', 'Glucose biscuits', 'Snacks', '1 pack', 1000, 20, false),
             ('bread', 'closed_store', 'BREAD-1', 'Brown bread', 'Bakery', '400 g', 5000, 10, true),
             ('sugar', 'shut_store', 'SUGAR-1', 'Sugar', 'Staples', '1 kg', 5000, 10, true)) as p (fixture, store, sku, name, category, unit, price_paise, stock, active)
join fixtures f on f.name = p.fixture
join fixtures st on st.name = p.store;

-- ---------------------------------------------------------------------------------------------
-- quote_order: the price (as the customer)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select is(
  pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2, 'substitute'), pg_temp.item('ghee', 1))) -> 'lines',
  jsonb_build_array(
    jsonb_build_object('product_id', (select id from fixtures where name = 'atta'), 'name', 'Chakki atta', 'unit', '5 kg',
                       'unit_price_paise', 3000, 'quantity', 2, 'line_total_paise', 6000, 'if_unavailable', 'substitute', 'available', 10),
    jsonb_build_object('product_id', (select id from fixtures where name = 'ghee'), 'name', 'Cow ghee', 'unit', '1 l',
                       'unit_price_paise', 4000, 'quantity', 1, 'line_total_paise', 4000, 'if_unavailable', 'remove', 'available', 5)),
  'a quote lists each line in the order asked, at the current price, with its total, substitution preference (remove by default) and the stock available'
);
select is(
  pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1))) - 'lines' - 'store_id',
  jsonb_build_object('store_name', 'Sharma Kirana', 'subtotal_paise', 10000, 'delivery_fee_paise', 2000,
                     'small_order_fee_paise', 0, 'minimum_order_paise', 10000, 'total_paise', 12000, 'distance_m', 556,
                     'payment_method', 'cod', 'can_order', true, 'problems', '[]'::jsonb),
  'a quote of ₹100 delivered 556 m away: base delivery fee ₹20, no small-order fee at exactly the minimum, total ₹120, nothing in the way'
);
select is(
  (select array[(q ->> 'subtotal_paise')::int, (q ->> 'small_order_fee_paise')::int, (q ->> 'total_paise')::int]
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 1))) q),
  array[3000, 2500, 7500],
  'a subtotal below the store''s minimum order adds the ₹25 small-order fee to the total'
);
select is(
  (select array[(q ->> 'distance_m')::int, (q ->> 'delivery_fee_paise')::int, (q ->> 'total_paise')::int]
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1)), 0.0225) q),
  array[2502, 2800, 12800],
  'at 2,502 m the delivery fee is the base ₹20 plus ₹8 for the one started kilometre beyond 2 km'
);
select is(
  (select array[(q ->> 'distance_m')::int, (q ->> 'delivery_fee_paise')::int]
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1)), 0.038) q),
  array[4225, 4400],
  'at 4,225 m the delivery fee is the base ₹20 plus three started kilometres at ₹8'
);
select is(
  (select jsonb_agg(l -> 'available' order by ord) from jsonb_array_elements(
     pg_temp.quote('store', jsonb_build_array(pg_temp.item('milk', 1), pg_temp.item('ghee', 5))) -> 'lines') with ordinality as x (l, ord)),
  '[1, 5]'::jsonb,
  'asking for exactly the units in stock is no problem'
);

-- ---------------------------------------------------------------------------------------------
-- quote_order: the problems that stop an order
-- ---------------------------------------------------------------------------------------------
select is(
  (select jsonb_build_object('can_order', q -> 'can_order', 'problems', q -> 'problems')
   from pg_temp.quote('closed_store', jsonb_build_array(pg_temp.item('bread', 2))) q),
  jsonb_build_object('can_order', false, 'problems', jsonb_build_array(jsonb_build_object(
    'code', 'store_closed', 'message', 'Night Owl Stores is closed now.', 'reopens_at', null))),
  'outside its opening hours a store is store_closed and cannot take the order'
);
select is(
  (select jsonb_build_object('can_order', q -> 'can_order', 'problems', q -> 'problems')
   from pg_temp.quote('shut_store', jsonb_build_array(pg_temp.item('sugar', 2))) q),
  jsonb_build_object('can_order', false, 'problems', jsonb_build_array(jsonb_build_object(
    'code', 'store_closed', 'message', 'Gone Fishing Mart is closed now.', 'reopens_at', to_jsonb(now() + interval '2 hours')))),
  'a store its merchant closed for a while is store_closed, with the time it reopens'
);
select is(
  (select jsonb_build_object('can_order', q -> 'can_order', 'problems', q -> 'problems')
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1)), 0.05) q),
  jsonb_build_object('can_order', false, 'problems', jsonb_build_array(jsonb_build_object(
    'code', 'outside_radius', 'message', 'Sharma Kirana delivers within 5000 m; this address is 5560 m away.',
    'distance_m', 5560, 'delivery_radius_m', 5000))),
  'an address beyond the delivery radius is outside_radius, with the distance and the radius'
);
select is(
  (select q -> 'problems'
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 11), pg_temp.item('ghee', 1), pg_temp.item('milk', 2))) q),
  jsonb_build_array(jsonb_build_object(
    'code', 'out_of_stock', 'message', 'Some items are not available in the quantity asked for.',
    'items', jsonb_build_array(
      jsonb_build_object('product_id', (select id from fixtures where name = 'atta'), 'name', 'Chakki atta', 'requested', 11, 'available', 10),
      jsonb_build_object('product_id', (select id from fixtures where name = 'milk'), 'name', 'Toned milk', 'requested', 2, 'available', 1)))),
  'asking for more than is in stock is out_of_stock, naming each short item with the units requested and available'
);
select is(
  (select jsonb_build_object('line', q #> '{lines,1}', 'subtotal', q -> 'subtotal_paise', 'short', q #> '{problems,0,items}')
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('biscuits', 1))) q),
  jsonb_build_object(
    'line', jsonb_build_object('product_id', (select id from fixtures where name = 'biscuits'), 'name', null, 'unit', null,
      'unit_price_paise', null, 'quantity', 1, 'line_total_paise', 0, 'if_unavailable', 'remove', 'available', 0),
    'subtotal', 6000,
    'short', jsonb_build_array(jsonb_build_object(
      'product_id', (select id from fixtures where name = 'biscuits'), 'name', null, 'requested', 1, 'available', 0))),
  'an inactive product is quoted as one the store does not sell: no name or price, none available (out_of_stock), left out of the subtotal'
);
select tests.sign_in('suspended');
select is(
  (select jsonb_build_object('name', q #> '{lines,0,name}', 'price', q #> '{lines,0,unit_price_paise}', 'available', q #> '{lines,0,available}',
                             'problems', array(select p ->> 'code' from jsonb_array_elements(q -> 'problems') p))
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 1))) q),
  jsonb_build_object('name', null, 'price', null, 'available', 0, 'problems', array['out_of_stock']),
  'a suspended account, shown no products by the policies, gets no product''s name or price in a quote'
);
select tests.sign_in('customer');
select is(
  (select jsonb_build_object('line', q #> '{lines,0}', 'short', q #> '{problems,0,items,0,available}')
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('bread', 1))) q),
  jsonb_build_object('line', jsonb_build_object('product_id', (select id from fixtures where name = 'bread'), 'name', null, 'unit', null,
    'unit_price_paise', null, 'quantity', 1, 'line_total_paise', 0, 'if_unavailable', 'remove', 'available', 0), 'short', 0),
  'a product of another store is not sold here: no name or price, none available'
);
select is(
  (select array(select p ->> 'code' from jsonb_array_elements(q -> 'problems') p)
   from pg_temp.quote('closed_store', jsonb_build_array(pg_temp.item('bread', 11)), 0.05) q),
  array['store_closed', 'outside_radius', 'out_of_stock'],
  'a quote lists every problem at once: closed, too far and short of stock'
);
select is(
  pg_temp.outcome($$select pg_temp.quote('pending_store', jsonb_build_array(pg_temp.item('atta', 1)))$$),
  '404 store_not_found',
  'a store not yet approved cannot be quoted: 404 store_not_found'
);
select is(
  pg_temp.outcome($$select public.quote_order(gen_random_uuid(), jsonb_build_array(pg_temp.item('atta', 1)), 18.52, 73.85)$$),
  '404 store_not_found',
  'an unknown store id cannot be quoted: 404 store_not_found'
);

-- ---------------------------------------------------------------------------------------------
-- delivery_terms: the fees a phone keeps to estimate a cart offline (as the customer)
-- ---------------------------------------------------------------------------------------------
select is(
  public.delivery_terms((select id from fixtures where name = 'store'), 18.5425, 73.85) - 'store_id',
  jsonb_build_object('distance_m', 2502, 'delivery_radius_m', 5000, 'delivery_fee_paise', 2800,
                     'minimum_order_paise', 10000, 'small_order_fee_paise', 2500),
  'delivery terms at 2,502 m: the delivery fee a quote charges there (₹28), the store''s minimum order and radius, the small-order fee'
);
select is(
  (public.delivery_terms((select id from fixtures where name = 'store'), 18.525, 73.85) -> 'delivery_fee_paise')::int,
  (pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1))) -> 'delivery_fee_paise')::int,
  'the terms'' delivery fee is the one quote_order charges at the same point'
);
select is(
  pg_temp.outcome($$select public.delivery_terms((select id from fixtures where name = 'pending_store'), 18.52, 73.85)$$),
  '404 store_not_found',
  'a store not yet approved has no delivery terms: 404 store_not_found'
);
select throws_ok(
  $$select public.delivery_terms((select id from fixtures where name = 'store'), 90.5, 73.85)$$,
  '22023', 'lat must be between -90 and 90, got 90.5',
  'delivery_terms refuses a latitude above 90'
);

-- ---------------------------------------------------------------------------------------------
-- quote_order: malformed input is a 400 (22023) naming the field
-- ---------------------------------------------------------------------------------------------
select throws_ok(
  format($$select public.quote_order((select id from fixtures where name = 'store'), %L, %s, %s)$$, b.items, b.lat, b.lng),
  '22023', b.message, 'quote_order refuses ' || b.what)
from (values
  ('a latitude above 90', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 1}]', '90.5', '73.85', 'lat must be between -90 and 90, got 90.5'),
  ('a latitude below -90', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 1}]', '-91', '73.85', 'lat must be between -90 and 90, got -91'),
  ('a missing latitude', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 1}]', 'null', '73.85', 'lat must be between -90 and 90, got null'),
  ('a longitude beyond 180', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 1}]', '18.52', '180.5', 'lng must be between -180 and 180, got 180.5'),
  ('an empty item list', '[]', '18.52', '73.85', 'items must be a non-empty list'),
  ('items that are not a list', '{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 1}', '18.52', '73.85', 'items must be a non-empty list'),
  ('a product_id that is not a uuid', '[{"product_id": "atta", "quantity": 1}]', '18.52', '73.85', 'items[0].product_id must be a uuid'),
  ('a quantity of 0', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 0}]', '18.52', '73.85', 'items[0].quantity must be a whole number from 1 to 100'),
  ('a quantity of 101', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 101}]', '18.52', '73.85', 'items[0].quantity must be a whole number from 1 to 100'),
  ('a quantity of 1.5', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 1.5}]', '18.52', '73.85', 'items[0].quantity must be a whole number from 1 to 100'),
  ('a quantity given as text', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": "2"}]', '18.52', '73.85', 'items[0].quantity must be a whole number from 1 to 100'),
  ('an if_unavailable other than remove or substitute', '[{"product_id": "00000000-0000-4000-8000-000000000001", "quantity": 1, "if_unavailable": "refund"}]', '18.52', '73.85', 'items[0].if_unavailable must be "remove" or "substitute"'),
  ('the same product twice (whatever the case of its id)', '[{"product_id": "0000000a-0000-4000-8000-000000000001", "quantity": 1}, {"product_id": "0000000A-0000-4000-8000-000000000001", "quantity": 2}]', '18.52', '73.85', 'items lists a product more than once; give one line per product with its quantity')
) as b (what, items, lat, lng, message);
select throws_ok(
  format($$select public.quote_order((select id from fixtures where name = 'store'), %L, 18.52, 73.85)$$,
         (select jsonb_agg(jsonb_build_object('product_id', gen_random_uuid(), 'quantity', 1)) from generate_series(1, 51))),
  '22023', 'items may list at most 50 products, got 51',
  'quote_order refuses more than 50 products'
);
select is(
  jsonb_array_length(public.quote_order((select id from fixtures where name = 'store'),
    (select jsonb_agg(jsonb_build_object('product_id', gen_random_uuid(), 'quantity', 1)) from generate_series(1, 50)), 18.52, 73.85) -> 'lines'),
  50,
  'quote_order takes exactly 50 products'
);

-- ---------------------------------------------------------------------------------------------
-- quote_order: anyone may ask, and the fees follow admin.settings
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');
select is(
  (pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1))) ->> 'total_paise')::int,
  12000,
  'anonymous visitors get the same quote as signed-in customers'
);
select is(
  (select jsonb_build_array(q #> '{lines,0,name}', q #> '{lines,0,unit_price_paise}', q #> '{problems,0,items,0,name}')
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('biscuits', 1))) q),
  '[null, null, null]'::jsonb,
  'anonymous visitors, who cannot read an inactive product, do not get its name or price from a quote either'
);

select tests.clear_authentication();
select results_eq(
  $$select private.delivery_fee_paise(d) from unnest(array[0, 1999.9, 2000, 2000.1, 3000, 3000.1, 10000]::float8[]) with ordinality as x (d, n) order by n$$,
  $$values (2000), (2000), (2000), (2800), (2800), (3600), (8400)$$,
  'the delivery fee is the base fee up to 2,000 m, then ₹8 more for each started kilometre'
);
update admin.settings set base_delivery_fee_paise = 1500, delivery_fee_per_km_paise = 1000, small_order_fee_paise = 3000;
select tests.sign_in('customer');
select is(
  (select array[(q ->> 'delivery_fee_paise')::int, (q ->> 'small_order_fee_paise')::int, (q ->> 'total_paise')::int]
   from pg_temp.quote('store', jsonb_build_array(pg_temp.item('atta', 1)), 0.0225) q),
  array[2500, 3000, 8500],
  'fees changed in admin.settings apply to the next quote'
);
select tests.clear_authentication();
update admin.settings set base_delivery_fee_paise = 2000, delivery_fee_per_km_paise = 800, small_order_fee_paise = 2500;

-- ---------------------------------------------------------------------------------------------
-- place_order: the customer places an order
-- ---------------------------------------------------------------------------------------------
create temp table before_first as select pg_temp.state() as state;
select tests.sign_in('customer');

select lives_ok(
  'insert into answers select ''first'', (' ||
    pg_temp.place_sql(1, 'store', jsonb_build_array(pg_temp.item('atta', 2, 'substitute'), pg_temp.item('ghee', 1)),
                      expected => 12000, notes => '  Ring the bell twice  ') || ')',
  'the customer places an order of 2 atta (substitute if unavailable) and 1 ghee, expecting ₹120'
);
select is(
  (select body - 'id' - 'items' - 'created_at' - 'updated_at' from answers where name = 'first'),
  jsonb_build_object('customer_id', (select id from personas where name = 'customer'), 'store_id', (select id from fixtures where name = 'store'),
    'rider_id', null, 'status', 'pending', 'status_reason', null, 'subtotal_paise', 10000, 'delivery_fee_paise', 2000,
    'small_order_fee_paise', 0, 'total_paise', 12000, 'payment_method', 'cod', 'delivery_address', '221B Baner Road, Pune',
    'delivery_lat', 18.525, 'delivery_lng', 73.85, 'delivery_phone', null, 'delivery_proof_path', null, 'delivery_distance_m', 556, 'notes', 'Ring the bell twice'),
  'place_order answers with the pending order at the quoted prices, the delivery point and the trimmed notes'
);
select results_eq(
  $$select o.id, o.status::text, o.total_paise from public.orders o$$,
  $$select (body ->> 'id')::uuid, 'pending', 12000 from answers where name = 'first'$$,
  'the customer now reads exactly that one order'
);
select results_eq(
  $$select product_id, sku, product_name, unit, unit_price_paise, quantity, line_total_paise, if_unavailable::text, unavailable, substitute_for
    from public.order_items where order_id = (select (body ->> 'id')::uuid from answers where name = 'first') order by sku$$,
  $$values ((select id from fixtures where name = 'atta'), 'ATTA-5', 'Chakki atta', '5 kg', 3000, 2, 6000, 'substitute', false, null::bigint),
           ((select id from fixtures where name = 'ghee'), 'GHEE-1', 'Cow ghee', '1 l', 4000, 1, 4000, 'remove', false, null::bigint)$$,
  'the order''s items snapshot each product with its price, quantity and substitution preference'
);
select is(
  (select jsonb_agg(i -> 'if_unavailable' order by i ->> 'sku') from answers, jsonb_array_elements(body -> 'items') i where name = 'first'),
  '["substitute", "remove"]'::jsonb,
  'the answer lists the items too'
);
select results_eq(
  $$select status::text, previous_status::text, actor_id, note
    from public.order_events where order_id = (select (body ->> 'id')::uuid from answers where name = 'first')$$,
  $$values ('pending', null::text, (select id from personas where name = 'customer'), null::text)$$,
  'the order''s timeline starts with exactly one pending event by the customer'
);
select tests.clear_authentication();
select is(
  pg_temp.state() -> 'stock',
  (select state -> 'stock' from before_first) || '{"atta": 8, "ghee": 4}',
  'placing the order reserves its units: atta 10 → 8, ghee 5 → 4, nothing else'
);
select matches(
  (select code from private.handover_codes where order_id = (select (body ->> 'id')::uuid from answers where name = 'first')),
  '^[0-9]{4}$',
  'the new order has its 4-digit handover code'
);
select results_eq(
  $$select response_status, order_id, response_body = (select body from answers where name = 'first')
    from private.idempotency_keys where user_id = (select id from personas where name = 'customer') and idempotency_key = pg_temp.key(1)$$,
  $$select 201, (select (body ->> 'id')::uuid from answers where name = 'first'), true$$,
  'the key is stored for the customer with status 201, the order and the body answered'
);

-- ---------------------------------------------------------------------------------------------
-- place_order: the same key again
-- ---------------------------------------------------------------------------------------------
create temp table after_first as select pg_temp.state() as state;
select tests.sign_in('customer');

select lives_ok(
  'insert into answers select ''replay'', (' ||
    pg_temp.place_sql(1, 'store', jsonb_build_array(pg_temp.item('atta', 2, 'substitute'), pg_temp.item('ghee', 1)),
                      expected => 12000, notes => '  Ring the bell twice  ') || ')',
  'the customer sends the same request with the same key again (a retry)'
);
select is(
  (select body from answers where name = 'replay'),
  (select body from answers where name = 'first'),
  'the retry answers the very same order, unchanged'
);
select is(
  pg_temp.outcome(pg_temp.place_sql(1, 'store', jsonb_build_array(pg_temp.item('atta', 3, 'substitute'), pg_temp.item('ghee', 1)), expected => 12000)),
  '422 idempotency_key_reused',
  'the same key with a different request is refused with 422 idempotency_key_reused'
);
select is(
  pg_temp.outcome(pg_temp.place_sql(1, 'store', jsonb_build_array(pg_temp.item('atta', 2, 'substitute'), pg_temp.item('ghee', 1)), expected => 12000)),
  '422 idempotency_key_reused',
  'leaving out the notes makes it a different request too'
);
select tests.clear_authentication();
select is(pg_temp.state(), (select state from after_first), 'the retry and the reused keys created and reserved nothing');

-- ---------------------------------------------------------------------------------------------
-- place_order: refusals (409) change nothing and are kept with the key: a retry gets the same
-- ---------------------------------------------------------------------------------------------
-- The merchant raises the price of atta after the customer's app showed ₹120.
update public.products set price_paise = 3200 where id = (select id from fixtures where name = 'atta');
create temp table before_refusals as select pg_temp.state() as state;

create temp table refused (n int primary key, what text not null, sql text not null, code text not null);
grant select on refused to authenticated;
insert into refused values
  (2, 'from a store outside its opening hours', pg_temp.place_sql(2, 'closed_store', jsonb_build_array(pg_temp.item('bread', 2))), '409 store_closed'),
  (3, 'from a store its merchant closed for now', pg_temp.place_sql(3, 'shut_store', jsonb_build_array(pg_temp.item('sugar', 2))), '409 store_closed'),
  (4, 'to an address beyond the delivery radius', pg_temp.place_sql(4, 'store', jsonb_build_array(pg_temp.item('ghee', 3)), pg_temp.delivery(0.05)), '409 outside_radius'),
  (5, 'of more than is in stock', pg_temp.place_sql(5, 'store', jsonb_build_array(pg_temp.item('atta', 9), pg_temp.item('ghee', 1), pg_temp.item('milk', 2))), '409 out_of_stock'),
  (6, 'of an inactive product', pg_temp.place_sql(6, 'store', jsonb_build_array(pg_temp.item('ghee', 3), pg_temp.item('biscuits', 1))), '409 out_of_stock'),
  (7, 'whose total changed since the app showed it', pg_temp.place_sql(7, 'store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1)), expected => 12000), '409 price_changed'),
  (8, 'from a store not yet approved', pg_temp.place_sql(8, 'pending_store', jsonb_build_array(pg_temp.item('atta', 1))), '404 store_not_found');

select tests.sign_in('customer');

select is(pg_temp.outcome(r.sql), r.code, 'an order ' || r.what || ' is refused with ' || r.code)
from refused r order by r.n;
select is(pg_temp.outcome(r.sql), r.code, 'a retry of the order ' || r.what || ' with the same key gets ' || r.code || ' again')
from refused r order by r.n;

select is(
  pg_temp.refusal((select sql from refused where n = 5)),
  jsonb_build_object('code', 'out_of_stock', 'message', 'Some items are not available in the quantity asked for.', 'hint', null,
    'details', jsonb_build_object('items', jsonb_build_array(
      jsonb_build_object('product_id', (select id from fixtures where name = 'atta'), 'name', 'Chakki atta', 'requested', 9, 'available', 8),
      jsonb_build_object('product_id', (select id from fixtures where name = 'milk'), 'name', 'Toned milk', 'requested', 2, 'available', 1)))),
  'the out_of_stock refusal names each short item with the units requested and still available'
);
select is(
  pg_temp.refusal((select sql from refused where n = 6)) #> '{details,items}',
  jsonb_build_array(jsonb_build_object('product_id', (select id from fixtures where name = 'biscuits'), 'name', null, 'requested', 1, 'available', 0)),
  'checkout refuses an inactive product as quote_order shows it: out_of_stock, without its name'
);
select is(
  (select jsonb_build_object('message', b -> 'message', 'expected', b #> '{details,expected_total_paise}',
                             'quote', (b #> '{details,quote}') - 'lines')
   from pg_temp.refusal((select sql from refused where n = 7)) b),
  jsonb_build_object('message', 'The total is now 12400 paise, not 12000.', 'expected', 12000,
    'quote', jsonb_build_object('store_id', (select id from fixtures where name = 'store'), 'store_name', 'Sharma Kirana',
      'subtotal_paise', 10400, 'delivery_fee_paise', 2000, 'small_order_fee_paise', 0, 'minimum_order_paise', 10000,
      'total_paise', 12400, 'distance_m', 556, 'payment_method', 'cod', 'can_order', true, 'problems', '[]'::jsonb)),
  'the price_changed refusal carries the total expected and the new quote to show the customer'
);
select is(
  pg_temp.refusal((select sql from refused where n = 4)) -> 'details',
  jsonb_build_object('distance_m', 5560, 'delivery_radius_m', 5000),
  'the outside_radius refusal says how far the address is and how far the store delivers'
);
select lives_ok(
  pg_temp.place_sql(9, 'store', jsonb_build_array(pg_temp.item('atta', 2), pg_temp.item('ghee', 1)), expected => 12400),
  'with the new total expected (and a new key) the order goes through'
);
select tests.clear_authentication();
select is(
  pg_temp.state() - 'orders' - 'items' - 'events',
  (select state from before_refusals) - 'orders' - 'items' - 'events' || '{"stock": {"atta": 6, "ghee": 3, "milk": 1, "biscuits": 20, "bread": 10, "sugar": 10}}',
  'of all those requests only the last one reserved stock'
);
select is(
  (select (state ->> 'orders')::int + 1 from before_refusals),
  (pg_temp.state() ->> 'orders')::int,
  'of all those requests only the last one created an order'
);
select results_eq(
  $$select k.idempotency_key, k.response_status, k.response_body ->> 'code', k.order_id
    from private.idempotency_keys k where k.user_id = (select id from personas where name = 'customer')
      and k.idempotency_key in (select pg_temp.key(n) from refused) order by k.idempotency_key$$,
  $$select pg_temp.key(n), split_part(code, ' ', 1)::int, split_part(code, ' ', 2), null::uuid from refused order by n$$,
  'each refusal is kept with its key (status and body, no order): answered, not raised, so it commits'
);

-- The price goes back and the shelves are restocked: the stored refusals still answer their
-- keys, while the same requests with new keys go through.
update public.products set price_paise = 3000, stock = 20 where id = (select id from fixtures where name = 'atta');
update public.products p set stock = r.stock
from (values ('ghee', 10), ('milk', 5)) as r (name, stock) join fixtures f using (name) where p.id = f.id;
select tests.sign_in('customer');
select is(pg_temp.outcome(sql), code, 'after the change a retry of the order ' || what || ' still gets the stored ' || code)
from refused where n in (5, 7) order by n;
select is(
  pg_temp.outcome(replace(sql, pg_temp.key(n)::text, pg_temp.key(n + 10)::text)),
  'ok',
  'the same order ' || what || ' with a new key goes through now'
)
from refused where n in (5, 7) order by n;
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- place_order: malformed requests are a 400 (22023) and leave the key free
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select throws_ok(
  format('select public.place_order(%L, (select id from fixtures where name = ''store''), %L, %L, %L, %L, %s)',
         pg_temp.key(10), b.items, b.delivery, b.payment, b.notes, b.expected),
  '22023', b.message, 'place_order refuses ' || b.what)
from (values
  ('a quantity of 0', jsonb_build_array(pg_temp.item('atta', 0)), pg_temp.delivery(), 'cod', null, 'null', 'items[0].quantity must be a whole number from 1 to 100'),
  ('an empty item list', '[]'::jsonb, pg_temp.delivery(), 'cod', null, 'null', 'items must be a non-empty list'),
  ('a delivery without an address', jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery() - 'address', 'cod', null, 'null', 'delivery.address must be 5 to 300 characters'),
  ('a delivery latitude given as text', jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery() || '{"lat": "18.5"}', 'cod', null, 'null', 'delivery.lat and delivery.lng must be numbers'),
  ('a delivery phone that is not a number', jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery() || '{"phone": "call me"}', 'cod', null, 'null', 'delivery.phone must be 10 to 15 digits, with an optional leading +'),
  ('a delivery latitude out of range', jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery() || '{"lat": 118.5}', 'cod', null, 'null', 'lat must be between -90 and 90, got 118.5'),
  ('a payment method other than cash on delivery', jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery(), 'card', null, 'null', 'payment_method must be "cod" (cash on delivery)'),
  ('notes longer than 500 characters', jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery(), 'cod', repeat('x', 501), 'null', 'notes must be text of at most 500 characters'),
  ('a negative expected total', jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery(), 'cod', null, '-1', 'expected_total_paise must be a whole number of paise')
) as b (what, items, delivery, payment, notes, expected, message);
select throws_ok(
  format('select public.place_order(null, (select id from fixtures where name = ''store''), %L, %L)',
         jsonb_build_array(pg_temp.item('atta', 1)), pg_temp.delivery()),
  '22023', 'an Idempotency-Key (uuid) is required',
  'place_order refuses a request without an idempotency key'
);
select tests.clear_authentication();
select is(
  pg_temp.outcome(format('select body from private.checkout(gen_random_uuid(), %L, %L)', pg_temp.key(11),
    jsonb_build_object('store_id', (select id from fixtures where name = 'store'), 'items', jsonb_build_array(pg_temp.item('ghee', 1)),
                       'delivery', pg_temp.delivery(), 'payment_method', 'cod'))),
  '401 sign_in_required',
  'checkout for an account that no longer exists (a token that outlived it) is 401 sign_in_required, not a broken key'
);
select tests.sign_in('customer');
select is(
  pg_temp.outcome(pg_temp.place_sql(10, 'store', jsonb_build_array(pg_temp.item('ghee', 1), pg_temp.item('milk', 1)))),
  'ok',
  'the key of the malformed requests is still free: a valid request with it places an order'
);

-- ---------------------------------------------------------------------------------------------
-- place_order: who may place orders
-- ---------------------------------------------------------------------------------------------
create temp table before_personas as select pg_temp.state() as state;

select is(
  pg_temp.outcome_as(p.name, pg_temp.place_sql(11, 'store', jsonb_build_array(pg_temp.item('ghee', 1)))),
  '403 not_a_customer',
  p.what || ' cannot place an order: 403 not_a_customer'
)
from (values ('merchant', 'a merchant'), ('rider', 'a rider'), ('admin', 'an admin'), ('suspended', 'a suspended customer')) as p (name, what);

select tests.sign_in('anonymous');
select throws_ok(
  pg_temp.place_sql(11, 'store', jsonb_build_array(pg_temp.item('ghee', 1))),
  '42501', 'permission denied for function place_order',
  'anonymous visitors cannot call place_order'
);
select tests.clear_authentication();
select is(pg_temp.state(), (select state from before_personas), 'nobody but a customer created an order or reserved stock');

-- Keys belong to their caller: the stranger may use the customer's key 1 for their own order.
select tests.sign_in('stranger');
select lives_ok(
  'insert into answers select ''stranger'', (' ||
    pg_temp.place_sql(1, 'store', jsonb_build_array(pg_temp.item('atta', 2, 'substitute'), pg_temp.item('ghee', 1)),
                      expected => 12000, notes => '  Ring the bell twice  ') || ')',
  'another customer places an order with the same key the customer used'
);
select isnt(
  (select body ->> 'id' from answers where name = 'stranger'),
  (select body ->> 'id' from answers where name = 'first'),
  'the other customer gets an order of their own, not the customer''s'
);
select results_eq(
  $$select customer_id from public.orders$$,
  $$select id from personas where name = 'stranger'$$,
  'the other customer reads only their own order'
);
select tests.clear_authentication();
select is(
  (select count(*)::int from private.idempotency_keys where idempotency_key = pg_temp.key(1)
     and user_id in (select id from personas where name in ('customer', 'stranger'))),
  2,
  'private.idempotency_keys holds key 1 once for each of the two customers'
);

-- Keys are kept for admin.settings.idempotency_key_ttl (24 hours): past it, the same key starts
-- afresh, even before the hourly purge has removed it.
update private.idempotency_keys set created_at = now() - interval '25 hours'
where idempotency_key = pg_temp.key(1) and user_id = (select id from personas where name = 'customer');
select tests.sign_in('customer');
select is(
  pg_temp.outcome(pg_temp.place_sql(1, 'store', jsonb_build_array(pg_temp.item('ghee', 1)))),
  'ok',
  'a key older than 24 hours is free again: another request with it places a new order, no 422'
);
select tests.clear_authentication();
select is(
  (select response_body ->> 'id' <> (select body ->> 'id' from answers where name = 'first')
     from private.idempotency_keys
     where idempotency_key = pg_temp.key(1) and user_id = (select id from personas where name = 'customer')),
  true,
  'the customer''s key 1 now stores the new order, not the one from a day ago'
);

select * from finish();
rollback;
