-- public.orders, public.order_items and public.order_events, and the two policies the orders
-- migration adds on profiles and rider_profiles (people who share an order see each other's
-- profiles; customers and merchants see the rider's rider profile while the order is live):
-- structure, constraints and triggers, then row-level security and privileges persona by
-- persona, and reading past orders after a role change. Nobody writes these tables through the API, so every fixture is inserted by the
-- database owner before the tests switch persona. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(159);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to lives_ok/throws_ok can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('orders', name, role, status) from (values
  ('customer',        'customer', 'active'),
  ('stranger',        'customer', 'active'),
  ('merchant',        'merchant', 'active'),
  ('other_merchant',  'merchant', 'active'),
  ('rider',           'rider',    'active'),
  ('other_rider',     'rider',    'active'),
  ('admin',           'admin',    'active'),
  ('suspended',       'customer', 'suspended'),
  ('past_customer',   'customer', 'active'),
  ('past_merchant',   'merchant', 'active'),
  ('past_rider',      'rider',    'active')
) as p(name, role, status);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values
  ('store'), ('other_store'), ('past_store'),
  ('atta'), ('ghee'), ('milk'), ('rice'),
  -- customer's order from the merchant's store, picked up by the rider (live)
  ('order_customer'),
  -- stranger's order from the other merchant's store, accepted by the other rider
  ('order_stranger'),
  -- stranger's order from the merchant's store, ready and waiting for any rider
  ('order_ready'),
  -- the suspended customer's order from the other merchant's store
  ('order_suspended'),
  -- the past customer's order from the past merchant's store, delivered by the past rider (over)
  ('order_delivered');

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
insert into public.stores (id, owner_id, name, address, location, status, approved_at)
select f.id, p.id, s.name, s.address,
       tests.point(73.85, 18.52),
       'approved', now()
from (values ('store', 'merchant', 'Sharma Kirana', '12 FC Road, Pune'),
             ('other_store', 'other_merchant', 'Patil Provisions', '4 JM Road, Pune'),
             ('past_store', 'past_merchant', 'Kulkarni Stores', '9 Law College Road, Pune')) as s (fixture, owner, name, address)
join fixtures f on f.name = s.fixture
join personas p on p.name = s.owner;

insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock)
select f.id, st.id, p.sku, p.name, p.category, p.unit, p.price_paise, 50
from (values ('atta', 'store', 'ATTA-5', 'Chakki atta', 'Staples', '5 kg', 3000),
             ('ghee', 'store', 'GHEE-1', 'Cow ghee', 'Dairy', '1 l', 4000),
             ('milk', 'other_store', 'MILK-500', 'Toned milk', 'Dairy', '500 ml', 3000),
             ('rice', 'past_store', 'RICE-5', 'Basmati rice', 'Staples', '5 kg', 5000)) as p (fixture, store, sku, name, category, unit, price_paise)
join fixtures f on f.name = p.fixture
join fixtures st on st.name = p.store;

insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise,
                           total_paise, delivery_address, delivery_location, delivery_phone, created_at, updated_at)
select f.id, c.id, st.id, r.id, o.status::public.order_status, o.subtotal, o.fee, o.subtotal + o.fee,
       '221B Baner Road, Pune',
       tests.point(73.85, 18.52),
       '+919800000001',
       now() - interval '1 hour', now() - interval '1 hour'
from (values ('order_customer', 'customer', 'store', 'rider', 'picked_up', 10000, 2000),
             ('order_stranger', 'stranger', 'other_store', 'other_rider', 'accepted', 3000, 2000),
             ('order_ready', 'stranger', 'store', null, 'ready', 3000, 0),
             ('order_suspended', 'suspended', 'other_store', null, 'pending', 6000, 2000),
             ('order_delivered', 'past_customer', 'past_store', 'past_rider', 'delivered', 5000, 2000)) as o (fixture, customer, store, rider, status, subtotal, fee)
join fixtures f on f.name = o.fixture
join personas c on c.name = o.customer
join fixtures st on st.name = o.store
left join personas r on r.name = o.rider;

insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
select o.id, p.id, i.sku, i.name, i.unit, i.price, i.quantity
from (values ('order_customer', 'atta', 'ATTA-5', 'Chakki atta', '5 kg', 3000, 2),
             ('order_customer', 'ghee', 'GHEE-1', 'Cow ghee', '1 l', 4000, 1),
             ('order_stranger', 'milk', 'MILK-500', 'Toned milk', '500 ml', 3000, 1),
             ('order_ready', 'atta', 'ATTA-5', 'Chakki atta', '5 kg', 3000, 1),
             ('order_suspended', 'milk', 'MILK-500', 'Toned milk', '500 ml', 3000, 2),
             ('order_delivered', 'rice', 'RICE-5', 'Basmati rice', '5 kg', 5000, 1)) as i (fixture, product, sku, name, unit, price, quantity)
join fixtures o on o.name = i.fixture
join fixtures p on p.name = i.product;

insert into public.order_events (order_id, status, previous_status, actor_id)
select o.id, e.status::public.order_status, e.previous::public.order_status, a.id
from (values ('order_customer', 'pending', null, 'customer'),
             ('order_customer', 'accepted', 'pending', 'merchant'),
             ('order_customer', 'picked_up', 'accepted', 'rider'),
             ('order_stranger', 'pending', null, 'stranger'),
             ('order_stranger', 'accepted', 'pending', 'other_merchant'),
             ('order_ready', 'pending', null, 'stranger'),
             ('order_ready', 'ready', 'pending', 'merchant'),
             ('order_suspended', 'pending', null, 'suspended'),
             ('order_delivered', 'pending', null, 'past_customer'),
             ('order_delivered', 'accepted', 'pending', 'past_merchant'),
             ('order_delivered', 'picked_up', 'accepted', 'past_rider'),
             ('order_delivered', 'delivered', 'picked_up', 'past_rider')) as e (fixture, status, previous, actor)
join fixtures o on o.name = e.fixture
left join personas a on a.name = e.actor;

-- What the owner sees, outside RLS: the admin must see exactly as much.
create temp table totals as
select (select count(*) from public.orders) as orders,
       (select count(*) from public.order_items) as order_items,
       (select count(*) from public.order_events) as order_events;
grant select on totals to anon, authenticated;

-- Every direct write the API roles might try; each must fail on privileges alone.
create temp table forbidden_writes (n int primary key, what text not null, tbl text not null, sql text not null);
grant select on forbidden_writes to anon, authenticated;
insert into forbidden_writes (n, what, tbl, sql) values
  (1, 'insert an order', 'orders',
   $$insert into public.orders (customer_id, store_id, subtotal_paise, total_paise, delivery_address, delivery_location)
     values ((select id from personas where name = 'customer'), (select id from fixtures where name = 'store'), 3000, 3000,
             '221B Baner Road, Pune', tests.point(73.85, 18.52))$$),
  (2, 'update an order', 'orders',
   $$update public.orders set status = 'delivered' where id = (select id from fixtures where name = 'order_customer')$$),
  (3, 'delete an order', 'orders',
   $$delete from public.orders where id = (select id from fixtures where name = 'order_customer')$$),
  (4, 'insert an order item', 'order_items',
   $$insert into public.order_items (order_id, sku, product_name, unit, unit_price_paise, quantity)
     values ((select id from fixtures where name = 'order_customer'), 'FREE-1', 'Free lunch', '1 pc', 1, 1)$$),
  (5, 'update an order item', 'order_items',
   $$update public.order_items set unit_price_paise = 1 where order_id = (select id from fixtures where name = 'order_customer')$$),
  (6, 'delete an order item', 'order_items',
   $$delete from public.order_items where order_id = (select id from fixtures where name = 'order_customer')$$),
  (7, 'insert an order event', 'order_events',
   $$insert into public.order_events (order_id, status) values ((select id from fixtures where name = 'order_customer'), 'delivered')$$),
  (8, 'update an order event', 'order_events',
   $$update public.order_events set status = 'delivered' where order_id = (select id from fixtures where name = 'order_customer')$$),
  (9, 'delete an order event', 'order_events',
   $$delete from public.order_events where order_id = (select id from fixtures where name = 'order_customer')$$);

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.orders'::regclass),
  true,
  'RLS is enabled on public.orders'
);
select is(
  (select relrowsecurity from pg_class where oid = 'public.order_items'::regclass),
  true,
  'RLS is enabled on public.order_items'
);
select is(
  (select relrowsecurity from pg_class where oid = 'public.order_events'::regclass),
  true,
  'RLS is enabled on public.order_events'
);
select policies_are(
  'public', 'orders',
  array['Customers read their own orders', 'Merchants read the orders placed with their stores',
        'Riders read the orders assigned to them', 'Admins read every order'],
  'public.orders has exactly the expected policies'
);
select policies_are(
  'public', 'order_items',
  array['Whoever reads an order reads its items'],
  'public.order_items has exactly the expected policies'
);
select policies_are(
  'public', 'order_events',
  array['Whoever reads an order reads its timeline'],
  'public.order_events has exactly the expected policies'
);
select is(
  array(select distinct polcmd::text from pg_policy
        where polrelid in ('public.orders'::regclass, 'public.order_items'::regclass, 'public.order_events'::regclass)),
  array['r'],
  'every policy on the order tables is a select policy'
);
select policy_cmd_is('public', 'profiles', 'Users see the people of their live orders', 'select',
  'the counterpart policy on profiles is for select');
select policy_roles_are('public', 'profiles', 'Users see the people of their live orders', array['authenticated'],
  'the counterpart policy on profiles applies to authenticated only');
select policy_cmd_is('public', 'rider_profiles', 'Customers and merchants see the rider of their live orders', 'select',
  'the counterpart policy on rider_profiles is for select');
select policy_roles_are('public', 'rider_profiles', 'Customers and merchants see the rider of their live orders', array['authenticated'],
  'the counterpart policy on rider_profiles applies to authenticated only');

select has_index('public', 'orders', 'orders_customer_id_created_at_idx', array['customer_id', 'created_at'],
  'orders are indexed by customer (the customer_id foreign key) and creation time');
select has_index('public', 'orders', 'orders_store_id_updated_at_idx', array['store_id', 'updated_at'],
  'orders are indexed by store (the store_id foreign key) and last change');
select has_index('public', 'orders', 'orders_rider_id_idx', array['rider_id'],
  'orders are indexed by rider (the rider_id foreign key)');
select has_index('public', 'orders', 'orders_status_updated_at_idx', array['status', 'updated_at'],
  'orders are indexed by status and last change');
select has_index('public', 'order_items', 'order_items_product_once_per_order', array['order_id', 'product_id'],
  'order items are indexed by order (the order_id foreign key) and product');
select has_index('public', 'order_items', 'order_items_product_id_idx', array['product_id'],
  'order items are indexed by product (the product_id foreign key)');
select has_index('public', 'order_events', 'order_events_order_id_created_at_idx', array['order_id', 'created_at'],
  'order events are indexed by order (the order_id foreign key) and time');
select has_index('public', 'order_events', 'order_events_actor_id_idx', array['actor_id'],
  'order events are indexed by actor (the actor_id foreign key)');

select table_privs_are('public', 'orders', 'authenticated', array['SELECT'],
  'authenticated may only select orders');
select table_privs_are('public', 'order_items', 'authenticated', array['SELECT'],
  'authenticated may only select order items');
select table_privs_are('public', 'order_events', 'authenticated', array['SELECT'],
  'authenticated may only select order events');
select table_privs_are('public', 'orders', 'anon', array[]::name[],
  'anon has no privilege on orders');
select table_privs_are('public', 'order_items', 'anon', array[]::name[],
  'anon has no privilege on order items');
select table_privs_are('public', 'order_events', 'anon', array[]::name[],
  'anon has no privilege on order events');
select is(
  array(select column_name::text from information_schema.column_privileges
        where table_schema = 'public' and table_name in ('orders', 'order_items', 'order_events')
          and grantee in ('anon', 'authenticated') and privilege_type <> 'SELECT'),
  array[]::text[],
  'no order column is insertable or updatable by the API roles'
);

-- ---------------------------------------------------------------------------------------------
-- Constraints and triggers (as the database owner)
-- ---------------------------------------------------------------------------------------------
select throws_ok(
  $$insert into public.orders (customer_id, store_id, subtotal_paise, delivery_fee_paise, total_paise, delivery_address, delivery_location)
    values ((select id from personas where name = 'customer'), (select id from fixtures where name = 'store'), 3000, 2000, 4000,
            '221B Baner Road, Pune', tests.point(73.85, 18.52))$$,
  '23514',
  'new row for relation "orders" violates check constraint "orders_total_adds_up"',
  'an order whose total is not subtotal plus delivery fee is rejected'
);
select lives_ok(
  $$insert into public.orders (customer_id, store_id, subtotal_paise, delivery_fee_paise, total_paise, delivery_address, delivery_location)
    values ((select id from personas where name = 'customer'), (select id from fixtures where name = 'store'), 3000, 2000, 5000,
            '221B Baner Road, Pune', tests.point(73.85, 18.52))
    $$,
  'an order whose total is subtotal plus delivery fee is accepted'
);
-- Gone again, so the totals and every persona's view below cover the fixtures only.
delete from public.orders where total_paise = 5000 and customer_id = (select id from personas where name = 'customer');

select throws_ok(
  $$insert into public.order_items (order_id, sku, product_name, unit, unit_price_paise, quantity)
    values ((select id from fixtures where name = 'order_ready'), 'X-1', 'Nothing', '1 pc', 100, 0)$$,
  '23514',
  'new row for relation "order_items" violates check constraint "order_items_quantity_range"',
  'an order item with quantity 0 is rejected'
);
select throws_ok(
  $$insert into public.order_items (order_id, sku, product_name, unit, unit_price_paise, quantity)
    values ((select id from fixtures where name = 'order_ready'), 'X-1', 'Too much', '1 pc', 100, 101)$$,
  '23514',
  'new row for relation "order_items" violates check constraint "order_items_quantity_range"',
  'an order item with quantity 101 is rejected'
);
select throws_ok(
  $$insert into public.order_items (order_id, sku, product_name, unit, unit_price_paise, quantity)
    values ((select id from fixtures where name = 'order_ready'), 'X-1', 'Free', '1 pc', 0, 1)$$,
  '23514',
  'new row for relation "order_items" violates check constraint "order_items_unit_price_positive"',
  'an order item with a price of 0 is rejected'
);
select throws_ok(
  $$insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
    values ((select id from fixtures where name = 'order_customer'), (select id from fixtures where name = 'atta'),
            'ATTA-5', 'Chakki atta', '5 kg', 3000, 1)$$,
  '23505',
  'duplicate key value violates unique constraint "order_items_product_once_per_order"',
  'the same product cannot appear twice in one order'
);
select throws_ok(
  $$insert into public.order_items (order_id, sku, product_name, unit, unit_price_paise, quantity, line_total_paise)
    values ((select id from fixtures where name = 'order_ready'), 'X-1', 'Cheat', '1 pc', 100, 1, 1)$$,
  '428C9',
  'cannot insert a non-DEFAULT value into column "line_total_paise"',
  'line_total_paise cannot be written, only computed'
);
select results_eq(
  $$select sku, unit_price_paise, quantity, line_total_paise from public.order_items
    where order_id = (select id from fixtures where name = 'order_customer') order by sku$$,
  $$values ('ATTA-5', 3000, 2, 6000), ('GHEE-1', 4000, 1, 4000)$$,
  'line_total_paise is computed as unit price times quantity'
);

select is(
  (select updated_at from public.orders where id = (select id from fixtures where name = 'order_customer')),
  now() - interval '1 hour',
  'the customer''s order starts with updated_at an hour ago'
);
update public.orders set notes = 'Ring the bell twice' where id = (select id from fixtures where name = 'order_customer');
select is(
  (select updated_at from public.orders where id = (select id from fixtures where name = 'order_customer')),
  now(),
  'orders_touch_updated_at moves updated_at to the time of the change'
);

-- ---------------------------------------------------------------------------------------------
-- Customer
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name = 'order_customer'$$,
  'customer reads exactly their own order'
);
select is_empty(
  $$select 1 from public.orders where id = (select id from fixtures where name = 'order_stranger')$$,
  'a customer reading another customer''s order gets nothing'
);
select is_empty(
  $$select 1 from public.orders where id = (select id from fixtures where name = 'order_ready')$$,
  'a customer reading another customer''s order from the same store gets nothing'
);
select results_eq(
  $$select sku, quantity from public.order_items order by sku$$,
  $$values ('ATTA-5', 2), ('GHEE-1', 1)$$,
  'customer reads exactly the items of their own order'
);
select set_eq(
  $$select distinct order_id from public.order_events$$,
  $$select id from fixtures where name = 'order_customer'$$,
  'customer reads the timeline of their own order only'
);
select is(
  (select count(*) from public.order_events),
  3::bigint,
  'customer reads all three events of their order'
);
select is_empty(
  $$select 1 from public.order_items where order_id = (select id from fixtures where name = 'order_stranger')$$,
  'customer cannot read the items of another customer''s order'
);
select is_empty(
  $$select 1 from public.order_events where order_id = (select id from fixtures where name = 'order_stranger')$$,
  'customer cannot read the timeline of another customer''s order'
);
select set_eq(
  $$select id from public.profiles$$,
  $$select id from personas where name in ('customer', 'merchant', 'rider')$$,
  'customer sees their own profile and those of the merchant and the rider of their order'
);
select isnt_empty(
  $$select 1 from public.profiles where id = (select id from personas where name = 'merchant')$$,
  'customer sees the profile of the merchant they ordered from'
);
select isnt_empty(
  $$select 1 from public.profiles where id = (select id from personas where name = 'rider')$$,
  'customer sees the profile of the rider assigned to their order'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('stranger', 'other_merchant', 'other_rider', 'suspended'))$$,
  'customer sees no profile of anyone they share no order with'
);
select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'rider'$$,
  'customer sees the rider profile of the rider of their live (picked-up) order, and no other'
);
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'customer cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Stranger (another customer, with one order from each store)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('stranger');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name in ('order_stranger', 'order_ready')$$,
  'stranger reads exactly their own two orders'
);
select is_empty(
  $$select 1 from public.orders where id = (select id from fixtures where name = 'order_customer')$$,
  'a customer reading another customer''s order gets nothing, whichever customer asks'
);
select is_empty(
  $$select 1 from public.order_items where order_id = (select id from fixtures where name = 'order_customer')$$,
  'stranger cannot read the items of the customer''s order'
);
select is_empty(
  $$select 1 from public.order_events where order_id = (select id from fixtures where name = 'order_customer')$$,
  'stranger cannot read the timeline of the customer''s order'
);
select set_eq(
  $$select distinct order_id from public.order_items$$,
  $$select id from fixtures where name in ('order_stranger', 'order_ready')$$,
  'stranger reads the items of their own orders'
);
select set_eq(
  $$select id from public.profiles$$,
  $$select id from personas where name in ('stranger', 'merchant', 'other_merchant', 'other_rider')$$,
  'stranger sees their own profile and those of the merchants and the rider of their orders'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('customer', 'rider', 'suspended'))$$,
  'stranger sees neither the customer, nor the customer''s rider, nor the suspended customer'
);
select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'other_rider'$$,
  'stranger sees only the rider profile of the rider of their live (accepted) order'
);
select throws_ok(
  $$update public.orders set status = 'cancelled' where id = (select id from fixtures where name = 'order_stranger')$$,
  '42501',
  'permission denied for table orders',
  'stranger cannot cancel their own order by updating it directly'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant (owns the store the customer's and the ready order come from)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name in ('order_customer', 'order_ready')$$,
  'merchant reads exactly the orders placed with their store'
);
select is_empty(
  $$select 1 from public.orders where id in (select id from fixtures where name in ('order_stranger', 'order_suspended'))$$,
  'merchant cannot read the orders of another merchant''s store'
);
select set_eq(
  $$select distinct order_id from public.order_items$$,
  $$select id from fixtures where name in ('order_customer', 'order_ready')$$,
  'merchant reads the items of their store''s orders only'
);
select set_eq(
  $$select distinct order_id from public.order_events$$,
  $$select id from fixtures where name in ('order_customer', 'order_ready')$$,
  'merchant reads the timelines of their store''s orders only'
);
select set_eq(
  $$select id from public.profiles$$,
  $$select id from personas where name in ('merchant', 'customer', 'stranger', 'rider')$$,
  'merchant sees their own profile and those of their customers and of the rider of their orders'
);
select isnt_empty(
  $$select 1 from public.profiles where id = (select id from personas where name = 'customer')$$,
  'merchant sees the profile of a customer who ordered from them'
);
select is(
  (select delivery_phone from public.orders where id = (select id from fixtures where name = 'order_customer')),
  '+919800000001',
  'merchant reads the phone to call for a live order'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('other_merchant', 'other_rider', 'suspended'))$$,
  'merchant sees no profile of anyone they share no order with'
);
select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'rider'$$,
  'merchant sees the rider profile of the rider of their store''s live (picked-up) order, and no other'
);
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'merchant cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Other merchant (owns the store the stranger's and the suspended customer's orders come from)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('other_merchant');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name in ('order_stranger', 'order_suspended')$$,
  'other merchant reads exactly the orders placed with their own store'
);
select is_empty(
  $$select 1 from public.orders where id in (select id from fixtures where name in ('order_customer', 'order_ready'))$$,
  'other merchant cannot read the orders of the merchant''s store'
);
select is_empty(
  $$select 1 from public.order_items where order_id = (select id from fixtures where name = 'order_customer')$$,
  'other merchant cannot read the items of the merchant''s orders'
);
select is_empty(
  $$select 1 from public.order_events where order_id = (select id from fixtures where name = 'order_customer')$$,
  'other merchant cannot read the timelines of the merchant''s orders'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('customer', 'merchant', 'rider'))$$,
  'other merchant sees no profile of anyone they share no order with'
);
select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'other_rider'$$,
  'other merchant sees only the rider profile of the rider of their store''s live (accepted) order'
);
select throws_ok(
  $$update public.orders set status = 'accepted' where id = (select id from fixtures where name = 'order_suspended')$$,
  '42501',
  'permission denied for table orders',
  'other merchant cannot accept an order by updating it directly'
);

-- ---------------------------------------------------------------------------------------------
-- Rider (assigned to the customer's order)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('rider');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name = 'order_customer'$$,
  'rider reads exactly the order assigned to them'
);
select is_empty(
  $$select 1 from public.orders where id = (select id from fixtures where name = 'order_stranger')$$,
  'a rider reading an order assigned to another rider gets nothing'
);
select is_empty(
  $$select 1 from public.orders where id = (select id from fixtures where name = 'order_ready')$$,
  'a rider reading an unassigned ready order gets nothing'
);
select results_eq(
  $$select sku, quantity from public.order_items order by sku$$,
  $$values ('ATTA-5', 2), ('GHEE-1', 1)$$,
  'rider reads exactly the items of the order assigned to them'
);
select set_eq(
  $$select distinct order_id from public.order_events$$,
  $$select id from fixtures where name = 'order_customer'$$,
  'rider reads the timeline of the order assigned to them only'
);
select set_eq(
  $$select id from public.profiles$$,
  $$select id from personas where name in ('rider', 'customer', 'merchant')$$,
  'rider sees their own profile and those of the customer and the merchant of their order'
);
select isnt_empty(
  $$select 1 from public.profiles where id = (select id from personas where name = 'customer')$$,
  'rider sees the profile of the customer they deliver to'
);
select is(
  (select delivery_phone from public.orders where id = (select id from fixtures where name = 'order_customer')),
  '+919800000001',
  'rider reads the phone to call for the order they deliver'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('stranger', 'other_merchant', 'other_rider', 'suspended'))$$,
  'rider sees no profile of anyone they share no order with'
);
select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'rider'$$,
  'rider sees only their own rider profile'
);
select is_empty(
  $$select 1 from public.rider_profiles where rider_id = (select id from personas where name = 'other_rider')$$,
  'a rider does not see another rider''s rider profile'
);
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'rider cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Other rider (assigned to the stranger's order)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('other_rider');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name = 'order_stranger'$$,
  'other rider reads exactly the order assigned to them'
);
select is_empty(
  $$select 1 from public.orders where id in (select id from fixtures where name in ('order_customer', 'order_ready'))$$,
  'other rider cannot read the rider''s order nor the unassigned ready order'
);
select is_empty(
  $$select 1 from public.order_items where order_id = (select id from fixtures where name = 'order_customer')$$,
  'other rider cannot read the items of an order not assigned to them'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('customer', 'merchant', 'rider'))$$,
  'other rider sees no profile of anyone they share no order with'
);
select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'other_rider'$$,
  'other rider sees only their own rider profile'
);
select throws_ok(
  $$update public.orders set rider_id = auth.uid() where id = (select id from fixtures where name = 'order_ready')$$,
  '42501',
  'permission denied for table orders',
  'other rider cannot claim the ready order by updating it directly'
);

-- ---------------------------------------------------------------------------------------------
-- Admin (promoted by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select is((select count(*) from public.orders), (select orders from totals), 'admin reads every order');
select set_eq(
  $$select id from public.orders where id in (select id from fixtures)$$,
  $$select id from fixtures where name like 'order\_%'$$,
  'admin reads all five fixture orders'
);
select is((select count(*) from public.order_items), (select order_items from totals), 'admin reads every order item');
select is((select count(*) from public.order_events), (select order_events from totals), 'admin reads every order event');
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'admin cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Suspended (a customer with an order, suspended by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');

select is_empty($$select 1 from public.orders$$, 'a suspended customer reads none of their own orders');
select is_empty($$select 1 from public.order_items$$, 'a suspended customer reads no order items');
select is_empty($$select 1 from public.order_events$$, 'a suspended customer reads no order events');
select results_eq(
  $$select id from public.profiles$$,
  $$select id from personas where name = 'suspended'$$,
  'a suspended customer sees only their own profile, not the merchant of their order'
);
select is_empty($$select 1 from public.rider_profiles$$, 'a suspended customer sees no rider profile');
select throws_ok(
  $$update public.orders set status = 'cancelled' where id = (select id from fixtures where name = 'order_suspended')$$,
  '42501',
  'permission denied for table orders',
  'a suspended customer cannot update their order directly'
);

-- ---------------------------------------------------------------------------------------------
-- Past customer (their order from the past store was delivered by the past rider: it is over)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('past_customer');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name = 'order_delivered'$$,
  'past customer reads exactly their delivered order'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('past_rider', 'past_merchant'))$$,
  'the customer of a delivered order no longer sees the profiles (names, phone numbers) of its rider and merchant'
);
select is(
  (select delivery_phone from public.orders where id = (select id from fixtures where name = 'order_delivered')),
  null,
  'a delivered order keeps no phone number, even for its customer'
);
select is_empty(
  $$select 1 from public.rider_profiles where rider_id = (select id from personas where name = 'past_rider')$$,
  'the customer of a delivered order no longer sees that rider''s rider profile'
);

-- ---------------------------------------------------------------------------------------------
-- Past merchant (owns the store the delivered order came from)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('past_merchant');

select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('past_rider', 'past_customer'))$$,
  'the merchant of a delivered order no longer sees the profiles (names, phone numbers) of its rider and customer'
);
select is(
  (select delivery_phone from public.orders where id = (select id from fixtures where name = 'order_delivered')),
  null,
  'the merchant of a delivered order cannot read the customer''s phone from it'
);
select is_empty(
  $$select 1 from public.rider_profiles where rider_id = (select id from personas where name = 'past_rider')$$,
  'the merchant of a delivered order no longer sees that rider''s rider profile'
);

-- ---------------------------------------------------------------------------------------------
-- Past rider (delivered the past customer's order)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('past_rider');

select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name = 'order_delivered'$$,
  'past rider reads exactly the order they delivered'
);
select is(
  (select delivery_phone from public.orders where id = (select id from fixtures where name = 'order_delivered')),
  null,
  'the rider of a delivered order cannot read the customer''s phone from it'
);
select is_empty(
  $$select 1 from public.profiles where id in (select id from personas where name in ('past_customer', 'past_merchant'))$$,
  'the rider of a delivered order no longer sees the profiles of its customer and merchant'
);

-- ---------------------------------------------------------------------------------------------
-- An order ending: the stranger's order is cancelled; its phone number goes with it
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();
update public.orders set status = 'cancelled' where id = (select id from fixtures where name = 'order_stranger');
select is(
  (select delivery_phone from public.orders where id = (select id from fixtures where name = 'order_stranger')),
  null,
  'an order that ends (here: cancelled) forgets its delivery phone'
);
select tests.sign_in('other_rider');
select is_empty(
  $$select 1 from public.profiles where id = (select id from personas where name = 'stranger')$$,
  'the rider of a cancelled order no longer sees its customer''s profile'
);
-- Back as it was for the checks below.
select tests.clear_authentication();
update public.orders set status = 'accepted' where id = (select id from fixtures where name = 'order_stranger');

-- ---------------------------------------------------------------------------------------------
-- Role changes: the owner makes the past customer a rider and the past rider a customer; each
-- still reads the order they placed or delivered
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();
update public.profiles set role = 'rider' where id = (select id from personas where name = 'past_customer');
update public.profiles set role = 'customer' where id = (select id from personas where name = 'past_rider');

select tests.sign_in('past_customer');
select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name = 'order_delivered'$$,
  'a customer made a rider still reads the order they placed'
);

select tests.sign_in('past_rider');
select set_eq(
  $$select id from public.orders$$,
  $$select id from fixtures where name = 'order_delivered'$$,
  'a rider made a customer still reads the order they delivered'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');

select throws_ok($$select * from public.orders$$, '42501', 'permission denied for table orders',
  'anonymous cannot select orders');
select throws_ok($$select * from public.order_items$$, '42501', 'permission denied for table order_items',
  'anonymous cannot select order items');
select throws_ok($$select * from public.order_events$$, '42501', 'permission denied for table order_events',
  'anonymous cannot select order events');
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'anonymous cannot ' || w.what)
from forbidden_writes w where w.n in (1, 4, 7) order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Back to the owner: nothing any persona tried changed the orders
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();

select results_eq(
  $$select f.name, o.status::text, o.rider_id is null from public.orders o join fixtures f using (id) order by f.name$$,
  $$values ('order_customer', 'picked_up', false), ('order_delivered', 'delivered', false),
           ('order_ready', 'ready', true), ('order_stranger', 'accepted', false),
           ('order_suspended', 'pending', true)$$,
  'as owner: every order keeps its status and rider'
);
select is(
  (select array[orders, order_items, order_events] from totals),
  array[(select count(*) from public.orders), (select count(*) from public.order_items), (select count(*) from public.order_events)],
  'as owner: no order, item or event was added or removed'
);

select * from finish();
rollback;
