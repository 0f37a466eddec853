-- stores_for_order: for an order that did not happen, the other stores near its address that are
-- open and sell its products, persona by persona. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(11);

select tests.add_persona('elsewhere', name, role, status) from (values
  ('customer',   'customer', 'active'),
  ('stranger',   'customer', 'active'),
  ('merchant',   'merchant', 'active'),
  ('suspended',  'customer', 'suspended')
) as p(name, role, status);

create temp table shops (name text primary key, id uuid not null default gen_random_uuid(), lng double precision, lat double precision, hours jsonb);
grant select on shops to anon, authenticated;
-- The order's store; one with both products nearby; one with one of them; one far away; one closed.
insert into shops (name, lng, lat, hours) values
  ('rejecting', 73.8567, 18.5204, '{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}'),
  ('both', 73.8600, 18.5210, null), ('one', 73.8580, 18.5190, null), ('far', 73.9500, 18.6000, null), ('closed', 73.8570, 18.5200, '{}');
update shops set hours = (select hours from shops where name = 'rejecting') where hours is null;
insert into public.stores (id, owner_id, name, address, location, status, opening_hours, delivery_radius_m)
select s.id, (select id from personas where name = 'merchant'), 'Shop ' || s.name, '1 Shivaji Road, Pune', tests.point(s.lng, s.lat), 'approved', s.hours, 5000
from shops s;

insert into public.products (store_id, sku, name, category, unit, price_paise, stock, is_active)
select s.id, p.sku, p.sku, 'Staples', '1 kg', 1000, p.stock, true
from shops s
join (values ('rejecting', 'ATTA', 5), ('rejecting', 'DAL', 5), ('both', 'ATTA', 5), ('both', 'DAL', 5),
             ('one', 'ATTA', 5), ('one', 'DAL', 0), ('far', 'ATTA', 5), ('far', 'DAL', 5),
             ('closed', 'ATTA', 5), ('closed', 'DAL', 5)) as p (shop, sku, stock) on p.shop = s.name;

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values ('rejected');
insert into public.orders (id, customer_id, store_id, status, status_reason, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location)
values ((select id from fixtures where name = 'rejected'), (select id from personas where name = 'customer'),
        (select id from shops where name = 'rejecting'), 'rejected', 'Closing early', 3000, 0, 3000,
        '7 Karve Road, Pune', tests.point(73.8567, 18.5204));
insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
select (select id from fixtures where name = 'rejected'), p.id, p.sku, p.name, p.unit, p.price_paise, 1
from public.products p where p.store_id = (select id from shops where name = 'rejecting');

-- ---------------------------------------------------------------------------------------------
-- Customer (their order was rejected)
select tests.sign_in('customer');
select results_eq(
  $$select name, items_found, items_total from public.stores_for_order((select id from fixtures where name = 'rejected'))$$,
  $$values ('Shop both', 2, 2), ('Shop one', 1, 2)$$,
  'the customer gets the open stores nearby with the order''s products in stock, most of them first; not the order''s store, a closed one or one 10 km away'
);
select is(
  (select products from public.stores_for_order((select id from fixtures where name = 'rejected')) where name = 'Shop both'),
  (select jsonb_object_agg(sku, id) from public.products where store_id = (select id from shops where name = 'both')),
  'each store comes with its own product ids by SKU, to fill the cart there'
);
select is(
  (select products from public.stores_for_order((select id from fixtures where name = 'rejected')) where name = 'Shop one'),
  (select jsonb_build_object('ATTA', id) from public.products where store_id = (select id from shops where name = 'one') and sku = 'ATTA'),
  'a product out of stock there is not offered'
);
select ok(
  (select bool_and(distance_m > 0 and eta_minutes > 0) from public.stores_for_order((select id from fixtures where name = 'rejected'))),
  'each store comes with its distance and ETA to the order''s address'
);
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- Another customer, the merchant, a suspended customer, anonymous
select is(tests.outcome_as('stranger', format('select public.stores_for_order(%L)', (select id from fixtures where name = 'rejected'))),
  '404 order_not_found', 'another customer learns nothing of the order: 404');
select is(tests.outcome_as('merchant', format('select public.stores_for_order(%L)', (select id from fixtures where name = 'rejected'))),
  '404 order_not_found', 'the store''s merchant is not offered other stores for its customer''s order: 404');
update public.orders set customer_id = (select id from personas where name = 'suspended') where id = (select id from fixtures where name = 'rejected');
select is(tests.outcome_as('suspended', format('select public.stores_for_order(%L)', (select id from fixtures where name = 'rejected'))),
  '404 order_not_found', 'a suspended customer finds nothing, as discovery gives them nothing');
update public.orders set customer_id = (select id from personas where name = 'customer') where id = (select id from fixtures where name = 'rejected');
select is(tests.outcome_as('anonymous', format('select public.stores_for_order(%L)', (select id from fixtures where name = 'rejected'))),
  '42501', 'a signed-out caller may not call it');
select is(tests.outcome_as('customer', format('select public.stores_for_order(%L)', gen_random_uuid())),
  '404 order_not_found', 'an unknown order: 404');

-- ---------------------------------------------------------------------------------------------
-- The functions as the guide wants them
select is_definer('private', 'stores_for_order', array['uuid'], 'private.stores_for_order is security definer');
select ok(
  (select proconfig @> array['search_path=""'] from pg_proc where oid = 'private.stores_for_order(uuid)'::regprocedure),
  'private.stores_for_order has an empty search_path'
);

select * from finish();
rollback;
