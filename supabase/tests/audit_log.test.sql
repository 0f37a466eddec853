-- public.audit_log and the private.record_change triggers: structure (RLS, policy, grants,
-- append-only triggers), one audit row per insert, update and delete on profiles, stores,
-- products and orders with the right actor, who may read the log, and that nobody — API roles,
-- service_role or the owner — can change, delete or truncate it. Uses 000_test_helpers.sql.
begin;

select plan(73);

-- Who is who, and the rows the tests refer to. Temp tables (gone at rollback) so the SQL strings
-- handed to lives_ok/throws_ok can look ids up; readable by the API roles the tests switch to.
create temp table fixtures (name text primary key, id uuid not null);
grant select on fixtures to anon, authenticated, service_role;

-- The audit rows written since the last `update mark ...` (read as the owner only).
create temp table mark (id bigint not null);
insert into mark select coalesce(max(id), 0) from public.audit_log;
create temp view new_audit as
  select * from public.audit_log where id > (select id from mark) order by id;

select tests.add_persona('audit', name, role, status) from (values
  ('customer',         'customer', 'active'),
  ('merchant',         'merchant', 'active'),
  ('other_merchant',   'merchant', 'active'),
  ('rider',            'rider',    'active'),
  ('admin',            'admin',    'active'),
  ('suspended_admin',  'admin',    'suspended')
) as p(name, role, status);

-- One approved store with one product per merchant, made by the owner.
insert into fixtures (name, id) values
  ('store', gen_random_uuid()), ('other_store', gen_random_uuid()),
  ('product', gen_random_uuid()), ('other_product', gen_random_uuid()),
  ('audited_store', gen_random_uuid()), ('audited_product', gen_random_uuid()),
  ('audited_order', gen_random_uuid());

insert into public.stores (id, owner_id, name, address, location, status, approved_at)
select f.id, p.id, s.name, 'Shop 1, FC Road, Pune',
       tests.point(73.85, 18.52),
       'approved', now()
from (values ('store', 'merchant', 'Audit Kirana'), ('other_store', 'other_merchant', 'Other Kirana')) as s (fixture, owner, name)
join fixtures f on f.name = s.fixture
join personas p on p.name = s.owner;

insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock)
select f.id, (select id from fixtures where name = s.store), s.sku, 'Toor Dal', 'Staples', '1 kg', 15000, 20
from (values ('product', 'store', 'DAL-1'), ('other_product', 'other_store', 'DAL-1')) as s (fixture, store, sku)
join fixtures f on f.name = s.fixture;

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.audit_log'::regclass),
  true,
  'RLS is enabled on public.audit_log'
);
select policies_are(
  'public', 'audit_log',
  array['Admins read the audit log'],
  'public.audit_log has exactly the admin read policy'
);
select policy_cmd_is('public', 'audit_log', 'Admins read the audit log', 'select',
  'the audit log policy is for select only');
select policy_roles_are('public', 'audit_log', 'Admins read the audit log', array['authenticated'],
  'the audit log policy applies to authenticated only');
select has_trigger('public', 'audit_log', 'audit_log_is_append_only',
  'the audit log has a trigger refusing updates and deletes');
select trigger_is('public', 'audit_log', 'audit_log_is_append_only', 'private', 'refuse_audit_log_change',
  'the update/delete trigger runs private.refuse_audit_log_change()');
select has_trigger('public', 'audit_log', 'audit_log_is_never_truncated',
  'the audit log has a trigger refusing truncate');
select trigger_is('public', 'audit_log', 'audit_log_is_never_truncated', 'private', 'refuse_audit_log_change',
  'the truncate trigger runs private.refuse_audit_log_change()');
-- tgtype bits: 1 row-level, 2 before, 4 insert, 8 delete, 16 update, 32 truncate.
select set_eq(
  $$select c.relname::text, t.tgtype::int
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where t.tgfoid = 'private.record_change()'::regprocedure and not t.tgisinternal$$,
  $$values ('profiles', 29), ('stores', 29), ('products', 29), ('orders', 29), ('reviews', 29)$$,
  'private.record_change runs after each inserted, updated or deleted row of profiles, stores, products, orders and reviews'
);
select is_definer('private', 'record_change', array[]::name[],
  'private.record_change is security definer, so it can write the log nobody else may insert into');
select table_privs_are('public', 'audit_log', 'authenticated', array['SELECT'],
  'authenticated may only select from the audit log');
select table_privs_are('public', 'audit_log', 'anon', array[]::text[],
  'anon has no privilege on the audit log');
select table_privs_are('public', 'audit_log', 'service_role', array['SELECT'],
  'service_role may only select from the audit log');

-- ---------------------------------------------------------------------------------------------
-- Changes by the owner (postgres): no signed-in user, so actor_id is null and actor_role is the
-- session user
-- ---------------------------------------------------------------------------------------------

-- profiles
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
insert into personas (name, id) values ('newcomer', tests.create_user('newcomer@audit.test', 'customer'));
select results_eq(
  $$select table_name, action, record_id, old_data is null, new_data ->> 'role', actor_id, actor_role, reason from new_audit$$,
  $$select 'profiles', 'insert', id::text, true, 'customer', null::uuid, 'postgres', null::text from personas where name = 'newcomer'$$,
  'a new profile writes exactly one insert row with the new row, no old row, and the owner as actor'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.profiles set full_name = 'Naveen Newcomer' where id = (select id from personas where name = 'newcomer');
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'full_name', new_data ->> 'full_name', actor_id, actor_role from new_audit$$,
  $$select 'profiles', 'update', id::text, '', 'Naveen Newcomer', null::uuid, 'postgres' from personas where name = 'newcomer'$$,
  'updating a profile writes exactly one update row with the old and the new name'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.profiles set full_name = full_name where id = (select id from personas where name = 'newcomer');
select is_empty(
  $$select 1 from new_audit$$,
  'an update of a profile that changes no value writes no audit row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
delete from public.profiles where id = (select id from personas where name = 'newcomer');
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'full_name', new_data is null, actor_id, actor_role from new_audit$$,
  $$select 'profiles', 'delete', id::text, 'Naveen Newcomer', true, null::uuid, 'postgres' from personas where name = 'newcomer'$$,
  'deleting a profile writes exactly one delete row with the old row and no new row'
);

-- stores (inserted with an old updated_at, so the no-op update below really changes updated_at)
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
insert into public.stores (id, owner_id, name, address, location, created_at, updated_at)
values (
  (select id from fixtures where name = 'audited_store'),
  (select id from personas where name = 'merchant'),
  'Audited Bakery', 'Shop 2, FC Road, Pune',
  tests.point(73.85, 18.52),
  now() - interval '1 day', now() - interval '1 day'
);
select results_eq(
  $$select table_name, action, record_id, old_data is null, new_data ->> 'name', new_data ->> 'status', actor_id, actor_role from new_audit$$,
  $$select 'stores', 'insert', id::text, true, 'Audited Bakery', 'pending', null::uuid, 'postgres' from fixtures where name = 'audited_store'$$,
  'a new store writes exactly one insert row with the new row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.stores set name = name where id = (select id from fixtures where name = 'audited_store');
select is(
  (select updated_at from public.stores where id = (select id from fixtures where name = 'audited_store')),
  now(),
  'the no-op update of the store moved its updated_at'
);
select is_empty(
  $$select 1 from new_audit$$,
  'an update of a store that changes nothing but updated_at writes no audit row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.stores set name = 'Audited Bakery & Sweets' where id = (select id from fixtures where name = 'audited_store');
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'name', new_data ->> 'name', actor_id, actor_role from new_audit$$,
  $$select 'stores', 'update', id::text, 'Audited Bakery', 'Audited Bakery & Sweets', null::uuid, 'postgres' from fixtures where name = 'audited_store'$$,
  'updating a store writes exactly one update row with the old and the new name'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
delete from public.stores where id = (select id from fixtures where name = 'audited_store');
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'name', new_data is null, actor_id, actor_role from new_audit$$,
  $$select 'stores', 'delete', id::text, 'Audited Bakery & Sweets', true, null::uuid, 'postgres' from fixtures where name = 'audited_store'$$,
  'deleting a store writes exactly one delete row with the old row and no new row'
);

-- products
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
insert into public.products (id, store_id, sku, name, category, unit, price_paise, created_at, updated_at)
values (
  (select id from fixtures where name = 'audited_product'), (select id from fixtures where name = 'store'),
  'RICE-5', 'Basmati Rice', 'Staples', '5 kg', 52000, now() - interval '1 day', now() - interval '1 day'
);
select results_eq(
  $$select table_name, action, record_id, old_data is null, (new_data ->> 'price_paise')::int, actor_id, actor_role from new_audit$$,
  $$select 'products', 'insert', id::text, true, 52000, null::uuid, 'postgres' from fixtures where name = 'audited_product'$$,
  'a new product writes exactly one insert row with the new row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.products set price_paise = price_paise where id = (select id from fixtures where name = 'audited_product');
select is(
  (select updated_at from public.products where id = (select id from fixtures where name = 'audited_product')),
  now(),
  'the no-op update of the product moved its updated_at'
);
select is_empty(
  $$select 1 from new_audit$$,
  'an update of a product that changes nothing but updated_at writes no audit row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.products set price_paise = 49900 where id = (select id from fixtures where name = 'audited_product');
select results_eq(
  $$select table_name, action, record_id, (old_data ->> 'price_paise')::int, (new_data ->> 'price_paise')::int, actor_id, actor_role from new_audit$$,
  $$select 'products', 'update', id::text, 52000, 49900, null::uuid, 'postgres' from fixtures where name = 'audited_product'$$,
  'updating a product writes exactly one update row with the old and the new price'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
delete from public.products where id = (select id from fixtures where name = 'audited_product');
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'name', new_data is null, actor_id, actor_role from new_audit$$,
  $$select 'products', 'delete', id::text, 'Basmati Rice', true, null::uuid, 'postgres' from fixtures where name = 'audited_product'$$,
  'deleting a product writes exactly one delete row with the old row and no new row'
);

-- orders
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
insert into public.orders (id, customer_id, store_id, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location, created_at, updated_at)
values (
  (select id from fixtures where name = 'audited_order'),
  (select id from personas where name = 'customer'), (select id from fixtures where name = 'store'),
  15000, 2000, 17000, 'Flat 4, Model Colony, Pune',
  tests.point(73.85, 18.52),
  now() - interval '1 day', now() - interval '1 day'
);
select results_eq(
  $$select table_name, action, record_id, old_data is null, new_data ->> 'status', (new_data ->> 'total_paise')::int, actor_id, actor_role from new_audit$$,
  $$select 'orders', 'insert', id::text, true, 'pending', 17000, null::uuid, 'postgres' from fixtures where name = 'audited_order'$$,
  'a new order writes exactly one insert row with the new row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.orders set status = status where id = (select id from fixtures where name = 'audited_order');
select is(
  (select updated_at from public.orders where id = (select id from fixtures where name = 'audited_order')),
  now(),
  'the no-op update of the order moved its updated_at'
);
select is_empty(
  $$select 1 from new_audit$$,
  'an update of an order that changes nothing but updated_at writes no audit row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.orders set status = 'accepted' where id = (select id from fixtures where name = 'audited_order');
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'status', new_data ->> 'status', actor_id, actor_role from new_audit$$,
  $$select 'orders', 'update', id::text, 'pending', 'accepted', null::uuid, 'postgres' from fixtures where name = 'audited_order'$$,
  'updating an order writes exactly one update row with the old and the new status'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
delete from public.orders where id = (select id from fixtures where name = 'audited_order');
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'status', new_data is null, actor_id, actor_role from new_audit$$,
  $$select 'orders', 'delete', id::text, 'accepted', true, null::uuid, 'postgres' from fixtures where name = 'audited_order'$$,
  'deleting an order writes exactly one delete row with the old row and no new row'
);

-- ---------------------------------------------------------------------------------------------
-- Changes by a signed-in merchant through RLS: the merchant is the actor
-- ---------------------------------------------------------------------------------------------
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select tests.sign_in('merchant');
select lives_ok(
  $$update public.products set price_paise = 14500 where id = (select id from fixtures where name = 'product')$$,
  'the merchant updates the price of their own product'
);
select tests.clear_authentication();
select results_eq(
  $$select table_name, action, record_id, (old_data ->> 'price_paise')::int, (new_data ->> 'price_paise')::int, actor_id, actor_role from new_audit$$,
  $$select 'products', 'update', (select id::text from fixtures where name = 'product'), 15000, 14500, id, 'authenticated'
    from personas where name = 'merchant'$$,
  'the merchant''s product update writes one row naming the merchant as actor with role authenticated'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select tests.sign_in('merchant');
select lives_ok(
  $$update public.stores set name = 'Audit Kirana & General' where id = (select id from fixtures where name = 'store')$$,
  'the merchant renames their own store'
);
select tests.clear_authentication();
select results_eq(
  $$select table_name, action, record_id, old_data ->> 'name', new_data ->> 'name', actor_id, actor_role from new_audit$$,
  $$select 'stores', 'update', (select id::text from fixtures where name = 'store'), 'Audit Kirana', 'Audit Kirana & General', id, 'authenticated'
    from personas where name = 'merchant'$$,
  'the merchant''s store update writes one row naming the merchant as actor with role authenticated'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select tests.sign_in('merchant');
select lives_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixtures where name = 'store'), 'GHEE-1', 'Cow Ghee', 'Dairy', '1 l', 65000)$$,
  'the merchant adds a product to their own store'
);
select tests.clear_authentication();
select results_eq(
  $$select table_name, action, record_id, old_data is null, new_data ->> 'name', actor_id, actor_role from new_audit$$,
  $$select 'products', 'insert',
           (select pr.id::text from public.products pr
            where pr.store_id = (select id from fixtures where name = 'store') and pr.sku = 'GHEE-1'),
           true, 'Cow Ghee', id, 'authenticated'
    from personas where name = 'merchant'$$,
  'the merchant''s new product writes one insert row naming the merchant as actor'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select tests.sign_in('merchant');
select lives_ok(
  $$update public.products set price_paise = 1 where id = (select id from fixtures where name = 'other_product')$$,
  'the merchant''s update of another merchant''s product does not raise'
);
select tests.clear_authentication();
select is_empty(
  $$select 1 from new_audit$$,
  'an update that RLS filters out writes no audit row'
);

-- The total as the owner sees it, for the persona checks below.
create temp table audit_total as select count(*) as n from public.audit_log;
grant select on audit_total to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Admin
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select isnt_empty(
  $$select 1 from public.audit_log$$,
  'admin reads audit rows'
);
select is(
  (select count(*) from public.audit_log),
  (select n from audit_total),
  'admin reads every audit row'
);
select throws_ok(
  $$update public.audit_log set reason = 'tampered' where id = (select max(id) from public.audit_log)$$,
  '42501', 'permission denied for table audit_log',
  'admin cannot update audit rows'
);
select throws_ok(
  $$delete from public.audit_log where id = (select max(id) from public.audit_log)$$,
  '42501', 'permission denied for table audit_log',
  'admin cannot delete audit rows'
);
select throws_ok(
  $$truncate public.audit_log$$,
  '42501', 'permission denied for table audit_log',
  'admin cannot truncate the audit log'
);
select throws_ok(
  $$insert into public.audit_log (actor_role, action, reason) values ('authenticated', 'approve_store', 'forged')$$,
  '42501', 'permission denied for table audit_log',
  'admin cannot insert audit rows'
);

-- ---------------------------------------------------------------------------------------------
-- Customer
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select is_empty(
  $$select 1 from public.audit_log$$,
  'customer sees no audit rows'
);
select throws_ok(
  $$update public.audit_log set reason = 'tampered'$$,
  '42501', 'permission denied for table audit_log',
  'customer cannot update audit rows'
);
select throws_ok(
  $$delete from public.audit_log$$,
  '42501', 'permission denied for table audit_log',
  'customer cannot delete audit rows'
);
select throws_ok(
  $$truncate public.audit_log$$,
  '42501', 'permission denied for table audit_log',
  'customer cannot truncate the audit log'
);
select throws_ok(
  $$insert into public.audit_log (actor_id, actor_role, action) values ((select auth.uid()), 'authenticated', 'insert')$$,
  '42501', 'permission denied for table audit_log',
  'customer cannot insert audit rows'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');

select is_empty(
  $$select 1 from public.audit_log$$,
  'merchant sees no audit rows, not even those of their own changes'
);
select throws_ok(
  $$update public.audit_log set new_data = null where actor_id = (select auth.uid())$$,
  '42501', 'permission denied for table audit_log',
  'merchant cannot update audit rows'
);
select throws_ok(
  $$delete from public.audit_log where actor_id = (select auth.uid())$$,
  '42501', 'permission denied for table audit_log',
  'merchant cannot delete the audit rows of their own changes'
);
select throws_ok(
  $$truncate public.audit_log$$,
  '42501', 'permission denied for table audit_log',
  'merchant cannot truncate the audit log'
);
select throws_ok(
  $$insert into public.audit_log (actor_role, action) values ('authenticated', 'insert')$$,
  '42501', 'permission denied for table audit_log',
  'merchant cannot insert audit rows'
);

-- ---------------------------------------------------------------------------------------------
-- Rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('rider');

select is_empty(
  $$select 1 from public.audit_log$$,
  'rider sees no audit rows'
);

-- ---------------------------------------------------------------------------------------------
-- Suspended admin
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended_admin');

select is_empty(
  $$select 1 from public.audit_log$$,
  'a suspended admin sees no audit rows'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');

select throws_ok(
  $$select * from public.audit_log$$,
  '42501', 'permission denied for table audit_log',
  'anonymous cannot select from the audit log'
);
select throws_ok(
  $$update public.audit_log set reason = 'tampered'$$,
  '42501', 'permission denied for table audit_log',
  'anonymous cannot update audit rows'
);
select throws_ok(
  $$insert into public.audit_log (actor_role, action) values ('anon', 'insert')$$,
  '42501', 'permission denied for table audit_log',
  'anonymous cannot insert audit rows'
);

-- ---------------------------------------------------------------------------------------------
-- service_role (bypasses RLS, holds only select)
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();
set local role service_role;

select is(
  (select count(*) from public.audit_log),
  (select n from audit_total),
  'service_role reads every audit row'
);
select throws_ok(
  $$update public.audit_log set reason = 'tampered' where id = (select max(id) from public.audit_log)$$,
  '42501', 'permission denied for table audit_log',
  'service_role cannot update audit rows'
);
select throws_ok(
  $$delete from public.audit_log where id = (select max(id) from public.audit_log)$$,
  '42501', 'permission denied for table audit_log',
  'service_role cannot delete audit rows'
);
select throws_ok(
  $$truncate public.audit_log$$,
  '42501', 'permission denied for table audit_log',
  'service_role cannot truncate the audit log'
);
select throws_ok(
  $$insert into public.audit_log (actor_role, action) values ('service_role', 'insert')$$,
  '42501', 'permission denied for table audit_log',
  'service_role cannot insert audit rows'
);

-- ---------------------------------------------------------------------------------------------
-- The owner (postgres): the grants allow everything, the triggers refuse
-- ---------------------------------------------------------------------------------------------
set local role postgres;

select throws_ok(
  $$update public.audit_log set reason = 'tampered' where id = (select max(id) from public.audit_log)$$,
  '42501', 'the audit log is append-only: update is not allowed',
  'the owner cannot update audit rows either: the trigger refuses'
);
select throws_ok(
  $$delete from public.audit_log where id = (select max(id) from public.audit_log)$$,
  '42501', 'the audit log is append-only: delete is not allowed',
  'the owner cannot delete audit rows either: the trigger refuses'
);
select throws_ok(
  $$delete from public.audit_log$$,
  '42501', 'the audit log is append-only: delete is not allowed',
  'the owner cannot empty the audit log with an unqualified delete'
);
select throws_ok(
  $$truncate public.audit_log$$,
  '42501', 'the audit log is append-only: truncate is not allowed',
  'the owner cannot truncate the audit log: the truncate trigger refuses'
);
select is(
  (select count(*) from public.audit_log),
  (select n from audit_total),
  'after every attempt the audit log still holds every row'
);
select is_empty(
  $$select 1 from public.audit_log where reason in ('tampered', 'forged') or (table_name is null and action in ('insert', 'update', 'delete'))$$,
  'no tampered or forged audit row exists'
);
select results_eq(
  $$select action, (new_data ->> 'price_paise')::int, actor_id from public.audit_log
    where table_name = 'products' and record_id = (select id::text from fixtures where name = 'product') and action = 'update'$$,
  $$select 'update', 14500, id from personas where name = 'merchant'$$,
  'the merchant''s audited change is still there, unchanged'
);

select * from finish();
rollback;
