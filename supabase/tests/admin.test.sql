-- The `admin` schema: who may reach it (only database operators: postgres and service_role, never
-- the API roles, not even an app user with the admin role), its comments and fixed search_paths,
-- the admin functions (approve/suspend/reinstate a store, suspend/reinstate an account, change a
-- role) with their errors, cascades and audit rows, and what each view shows for known fixtures.
-- Uses 000_test_helpers.sql.
begin;

select plan(129);

-- Who is who, and the rows the tests refer to. Temp tables (gone at rollback) so the SQL strings
-- handed to lives_ok/throws_ok can look ids up; readable by the roles the tests switch to.
create temp table fixtures (name text primary key, id uuid not null);
grant select on fixtures to anon, authenticated, service_role;

-- The audit rows written since the last `update mark ...` (read as the owner only).
create temp table mark (id bigint not null);
insert into mark select coalesce(max(id), 0) from public.audit_log;
create temp view new_audit as
  select * from public.audit_log where id > (select id from mark) order by id;

-- The platform before any fixture, so admin.system_activity can be checked by difference.
create temp table activity_before as select * from admin.system_activity;

-- The hint of the error a statement raises (null when it raises none). The exception block
-- rolls the statement back, so asking changes nothing.
create function pg_temp.error_hint(statement text) returns text
language plpgsql
as $$
declare
  hint text;
begin
  execute statement;
  return null;
exception when others then
  get stacked diagnostics hint = pg_exception_hint;
  return hint;
end
$$;

select tests.add_persona('admin', name, role) from (values
  ('customer',         'customer'),
  ('merchant',         'merchant'),
  ('merchant2',        'merchant'),
  ('rider',            'rider'),
  ('idle_rider',       'rider'),
  ('busy_rider',       'rider'),
  ('shift_rider',      'rider'),
  ('former_rider',     'rider'),
  ('frozen_merchant',  'merchant'),
  ('admin',            'admin'),
  ('promotee',         'customer')
) as p(name, role);
update public.profiles set full_name = 'Ravi Rider' where id = (select id from personas where name = 'rider');
-- Suspended directly by the database owner (not through admin.suspend_account), so the
-- application below stays pending while its owner is suspended.
update public.profiles set status = 'suspended', status_reason = 'Suspended in Studio'
where id = (select id from personas where name = 'frozen_merchant');

-- Riders: on shift and seen a minute ago; on shift but last seen an hour ago; off shift, seen an
-- hour ago but delivering (order below); on shift and seen a minute ago (suspended later); on
-- shift and seen a minute ago (made a customer later).
update public.rider_profiles r
set is_available = v.available,
    last_seen_at = now() - v.seen,
    location = tests.point(73.85, 18.52)
from (values ('rider', true, interval '1 minute'), ('idle_rider', true, interval '1 hour'),
             ('busy_rider', false, interval '1 hour'), ('shift_rider', true, interval '1 minute'),
             ('former_rider', true, interval '1 minute')) as v (name, available, seen)
join personas p on p.name = v.name
where r.rider_id = p.id;

-- Stores, made by the owner. applicant, svc_store, rejected_app, merchant_pending,
-- late_applicant and frozen_app (whose owner is suspended) are pending; open_store,
-- merchant_store and views_store are approved.
insert into fixtures (name, id)
select s, gen_random_uuid()
from unnest(array['applicant', 'svc_store', 'open_store', 'rejected_app', 'merchant_store',
                  'merchant_pending', 'views_store', 'late_applicant', 'frozen_app']) as s;

insert into public.stores (id, owner_id, name, address, location, status, approved_at, created_at)
select f.id, p.id, v.store_name, 'Shop 7, Karve Road, Pune',
       tests.point(73.85, 18.52),
       v.status::public.store_status,
       case when v.status = 'approved' then now() - interval '30 days' end,
       now() - v.age
from (values
  ('applicant', 'merchant2', 'Applicant Bakery', 'pending', interval '2 days'),
  ('svc_store', 'merchant2', 'Service Role Sweets', 'pending', interval '2 days'),
  ('open_store', 'merchant2', 'Open Dairy', 'approved', interval '40 days'),
  ('rejected_app', 'merchant2', 'Rejected Meats', 'pending', interval '3 days'),
  ('merchant_store', 'merchant', 'Merchant Kirana', 'approved', interval '40 days'),
  ('merchant_pending', 'merchant', 'Merchant Fruits', 'pending', interval '1 day'),
  ('views_store', 'merchant2', 'Views Kirana', 'approved', interval '40 days'),
  ('late_applicant', 'merchant2', 'Late Applicant Pharmacy', 'pending', interval '1 hour'),
  ('frozen_app', 'frozen_merchant', 'Frozen Foods Corner', 'pending', interval '1 day')
) as v (fixture, owner, store_name, status, age)
join fixtures f on f.name = v.fixture
join personas p on p.name = v.owner;

insert into fixtures (name, id) values
  ('merchant_product', gen_random_uuid()), ('merchant2_product', gen_random_uuid()),
  ('late_product', gen_random_uuid());
insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock)
select f.id, (select id from fixtures where name = v.store), v.sku, v.product_name, 'Staples', '1 kg', 15000, 20
from (values ('merchant_product', 'merchant_store', 'DAL-1', 'Toor Dal'),
             ('merchant2_product', 'views_store', 'SUGAR-1', 'Sugar'),
             ('late_product', 'late_applicant', 'PARA-500', 'Paracetamol 500')) as v (fixture, store, sku, product_name)
join fixtures f on f.name = v.fixture;

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select has_schema('admin', 'the admin schema exists');
select views_are(
  'admin',
  array['store_applications', 'stores', 'accounts', 'orders', 'stuck_orders', 'active_riders',
        'orders_per_hour', 'failed_jobs', 'system_activity', 'audit_trail', 'reviews'],
  'the admin schema has exactly the expected views'
);
select functions_are(
  'admin',
  array['approve_store', 'suspend_store', 'reinstate_store', 'suspend_account', 'reinstate_account', 'set_account_role',
        'hide_review_comment'],
  'the admin schema has exactly the expected functions'
);
select ok(
  not has_schema_privilege('anon', 'admin', 'usage'),
  'anon has no usage on the admin schema'
);
select ok(
  not has_schema_privilege('authenticated', 'admin', 'usage'),
  'authenticated has no usage on the admin schema, whatever the app role'
);
select ok(
  has_schema_privilege('service_role', 'admin', 'usage'),
  'service_role has usage on the admin schema'
);
select is(
  array(
    select c.relname::text from pg_class c
    where c.relnamespace = 'admin'::regnamespace and c.relkind in ('v', 'm')
      and not has_table_privilege('service_role', c.oid, 'select')
    order by 1
  ),
  '{}'::text[],
  'service_role may select every admin view'
);
select is(
  array(
    select p.oid::regprocedure::text from pg_proc p
    where p.pronamespace = 'admin'::regnamespace and not has_function_privilege('service_role', p.oid, 'execute')
    order by 1
  ),
  '{}'::text[],
  'service_role may execute every admin function'
);
select is(
  array(
    select c.relname::text from pg_class c
    where c.relnamespace = 'admin'::regnamespace and c.relkind in ('v', 'm')
      and (has_table_privilege('anon', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'select'))
    order by 1
  ),
  '{}'::text[],
  'neither anon nor authenticated holds select on any admin view'
);
select is(
  array(
    select p.oid::regprocedure::text from pg_proc p
    where p.pronamespace = 'admin'::regnamespace
      and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))
    order by 1
  ),
  '{}'::text[],
  'neither anon nor authenticated may execute any admin function'
);
select is(
  array(
    select c.relname::text from pg_class c
    where c.relnamespace = 'admin'::regnamespace and c.relkind in ('v', 'm')
      and coalesce(obj_description(c.oid, 'pg_class'), '') = ''
    order by 1
  ),
  '{}'::text[],
  'every admin view has a comment'
);
select is(
  array(
    select p.oid::regprocedure::text from pg_proc p
    where p.pronamespace = 'admin'::regnamespace and coalesce(obj_description(p.oid, 'pg_proc'), '') = ''
    order by 1
  ),
  '{}'::text[],
  'every admin function has a comment'
);
select is(
  array(
    select p.oid::regprocedure::text from pg_proc p
    where p.pronamespace = 'admin'::regnamespace
      and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) cfg where cfg like 'search_path=%')
    order by 1
  ),
  '{}'::text[],
  'every admin function sets a fixed search_path'
);

-- ---------------------------------------------------------------------------------------------
-- API callers: an app user with the admin role and an anonymous visitor
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select throws_ok(
  $$select admin.approve_store((select id from fixtures where name = 'applicant'))$$,
  '42501', 'permission denied for schema admin',
  'an app admin (authenticated) cannot call admin.approve_store'
);
select throws_ok(
  $$select * from admin.orders$$,
  '42501', 'permission denied for schema admin',
  'an app admin (authenticated) cannot select admin.orders'
);
select throws_ok(
  $$select * from admin.audit_trail$$,
  '42501', 'permission denied for schema admin',
  'an app admin (authenticated) cannot select admin.audit_trail'
);
select throws_ok(
  $$select admin.suspend_account((select id from personas where name = 'customer'), 'no reason at all')$$,
  '42501', 'permission denied for schema admin',
  'an app admin (authenticated) cannot call admin.suspend_account'
);

select tests.sign_in('anonymous');

select throws_ok(
  $$select * from admin.accounts$$,
  '42501', 'permission denied for schema admin',
  'anonymous cannot select admin.accounts'
);
select throws_ok(
  $$select admin.approve_store((select id from fixtures where name = 'applicant'))$$,
  '42501', 'permission denied for schema admin',
  'anonymous cannot call admin.approve_store'
);

select tests.clear_authentication();
select is(
  (select status from public.stores where id = (select id from fixtures where name = 'applicant')),
  'pending'::public.store_status,
  'the refused calls left the application pending'
);

-- ---------------------------------------------------------------------------------------------
-- service_role (as an operator's script with the secret key would be)
-- ---------------------------------------------------------------------------------------------
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
set local "request.jwt.claims" to '{"role": "service_role"}';
set local role service_role;

select lives_ok(
  $$select (select count(*) from admin.store_applications), (select count(*) from admin.stores),
           (select count(*) from admin.accounts), (select count(*) from admin.orders),
           (select count(*) from admin.stuck_orders), (select count(*) from admin.active_riders),
           (select count(*) from admin.orders_per_hour), (select count(*) from admin.failed_jobs),
           (select count(*) from admin.system_activity), (select count(*) from admin.audit_trail)$$,
  'service_role selects every admin view'
);
select lives_ok(
  $$select admin.approve_store((select id from fixtures where name = 'svc_store'))$$,
  'service_role executes admin.approve_store'
);

set local role postgres;
select tests.clear_authentication();

select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'svc_store')$$,
  $$values ('approved'::public.store_status, null::text)$$,
  'service_role''s approval without a reason approved the store and left no status reason'
);
select results_eq(
  $$select action, table_name, record_id, actor_id, actor_role, reason from new_audit$$,
  $$select 'approve_store', 'stores', id::text, null::uuid, 'service_role', null::text from fixtures where name = 'svc_store'$$,
  'service_role''s approval is audited once with actor role service_role and no reason'
);

-- ---------------------------------------------------------------------------------------------
-- admin.approve_store (as the owner, as in Studio)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');
select is_empty(
  $$select 1 from public.stores where id = (select id from fixtures where name = 'applicant')$$,
  'anonymous cannot see the application before approval'
);
select tests.clear_authentication();

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select lives_ok(
  $$select admin.approve_store((select id from fixtures where name = 'applicant'), 'Documents verified')$$,
  'approve_store approves a pending store'
);
select results_eq(
  $$select status, approved_at = now(), status_reason from public.stores where id = (select id from fixtures where name = 'applicant')$$,
  $$values ('approved'::public.store_status, true, 'Documents verified')$$,
  'the approved store is approved, approved_at is set and status_reason is the given reason'
);
select results_eq(
  $$select action, table_name, record_id, reason, old_data ->> 'status', new_data ->> 'status', actor_id, actor_role from new_audit$$,
  $$select 'approve_store', 'stores', id::text, 'Documents verified', 'pending', 'approved', null::uuid, 'postgres'
    from fixtures where name = 'applicant'$$,
  'the approval writes one audit row: approve_store, the reason, pending before and approved after'
);
select throws_ok(
  $$select admin.approve_store((select id from fixtures where name = 'applicant'))$$,
  '55000',
  format('store %s is approved, so approve_store does not apply', (select id from fixtures where name = 'applicant')),
  'approving an approved store fails with 55000'
);
select throws_ok(
  $$select admin.approve_store('00000000-0000-0000-0000-000000000000')$$,
  'P0002', 'no store with id 00000000-0000-0000-0000-000000000000',
  'approving an unknown store fails with P0002'
);

select tests.sign_in('anonymous');
select results_eq(
  $$select id, name from public.stores where id = (select id from fixtures where name = 'applicant')$$,
  $$select id, 'Applicant Bakery' from fixtures where name = 'applicant'$$,
  'anonymous sees the store once it is approved'
);
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- admin.suspend_store and admin.reinstate_store
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');
select isnt_empty(
  $$select 1 from public.stores where id = (select id from fixtures where name = 'open_store')$$,
  'the customer sees the approved store before its suspension'
);
select tests.clear_authentication();

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select throws_ok(
  $$select admin.suspend_store((select id from fixtures where name = 'open_store'), null)$$,
  '22023', 'suspend_store needs a reason',
  'suspend_store without a reason fails with 22023'
);
select throws_ok(
  $$select admin.suspend_store((select id from fixtures where name = 'open_store'), '  ')$$,
  '22023', 'suspend_store needs a reason',
  'suspend_store with a blank reason fails with 22023'
);
select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'open_store')$$,
  $$values ('approved'::public.store_status, null::text)$$,
  'the refused suspensions left the store approved'
);
select is_empty(
  $$select 1 from new_audit$$,
  'the refused suspensions wrote no audit row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select lives_ok(
  $$select admin.suspend_store((select id from fixtures where name = 'open_store'), 'Expired FSSAI licence')$$,
  'suspend_store with a reason succeeds'
);
select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'open_store')$$,
  $$values ('suspended'::public.store_status, 'Expired FSSAI licence')$$,
  'the store is suspended with the reason'
);
select results_eq(
  $$select action, table_name, record_id, reason, old_data ->> 'status', new_data ->> 'status' from new_audit$$,
  $$select 'suspend_store', 'stores', id::text, 'Expired FSSAI licence', 'approved', 'suspended'
    from fixtures where name = 'open_store'$$,
  'the suspension writes one audit row: suspend_store, the reason, approved before and suspended after'
);

select tests.sign_in('customer');
select is_empty(
  $$select 1 from public.stores where id = (select id from fixtures where name = 'open_store')$$,
  'the customer no longer sees the suspended store'
);
select tests.clear_authentication();

select throws_ok(
  $$select admin.suspend_store((select id from fixtures where name = 'open_store'), 'Again')$$,
  '55000',
  format('store %s is suspended, so suspend_store does not apply', (select id from fixtures where name = 'open_store')),
  'suspending a suspended store fails with 55000'
);
select is(
  (admin.suspend_store((select id from fixtures where name = 'rejected_app'), 'Incomplete documents')).status,
  'suspended'::public.store_status,
  'suspend_store turns down a pending application'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);

select throws_ok(
  $$select admin.reinstate_store((select id from fixtures where name = 'applicant'), 'Nothing to reinstate')$$,
  '55000',
  format('store %s is approved, so reinstate_store does not apply', (select id from fixtures where name = 'applicant')),
  'reinstating an approved store fails with 55000'
);
select throws_ok(
  $$select admin.reinstate_store((select id from fixtures where name = 'merchant_pending'), 'Nothing to reinstate')$$,
  '55000',
  format('store %s is pending, so reinstate_store does not apply', (select id from fixtures where name = 'merchant_pending')),
  'reinstating a pending store fails with 55000'
);
select throws_ok(
  $$select admin.reinstate_store('00000000-0000-0000-0000-000000000000', 'Nothing to reinstate')$$,
  'P0002', 'no store with id 00000000-0000-0000-0000-000000000000',
  'reinstating an unknown store fails with P0002'
);
-- Like every other store action but approval, reinstating takes a reason; rejected_app is
-- suspended, so only the missing reason stops these.
select throws_ok(
  $$select admin.reinstate_store((select id from fixtures where name = 'rejected_app'), null)$$,
  '22023', 'reinstate_store needs a reason',
  'reinstate_store without a reason fails with 22023'
);
select throws_ok(
  $$select admin.reinstate_store((select id from fixtures where name = 'rejected_app'), '  ')$$,
  '22023', 'reinstate_store needs a reason',
  'reinstate_store with a blank reason fails with 22023'
);
select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'rejected_app')$$,
  $$values ('suspended'::public.store_status, 'Incomplete documents')$$,
  'the refused reinstatements left the turned-down application suspended with its reason'
);
select is_empty(
  $$select 1 from new_audit$$,
  'the refused reinstatements wrote no audit row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select lives_ok(
  $$select admin.reinstate_store((select id from fixtures where name = 'open_store'), 'Licence renewed')$$,
  'reinstate_store reinstates a suspended store'
);
select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'open_store')$$,
  $$values ('approved'::public.store_status, 'Licence renewed')$$,
  'the reinstated store is approved again with the reason'
);
select results_eq(
  $$select action, table_name, record_id, reason, old_data ->> 'status', new_data ->> 'status' from new_audit$$,
  $$select 'reinstate_store', 'stores', id::text, 'Licence renewed', 'suspended', 'approved'
    from fixtures where name = 'open_store'$$,
  'the reinstatement writes one audit row: reinstate_store, the reason, suspended before and approved after'
);

select tests.sign_in('customer');
select isnt_empty(
  $$select 1 from public.stores where id = (select id from fixtures where name = 'open_store')$$,
  'the customer sees the reinstated store again'
);
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- admin.suspend_account
-- ---------------------------------------------------------------------------------------------
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select throws_ok(
  $$select admin.suspend_account((select id from personas where name = 'merchant'), null)$$,
  '22023', 'suspend_account needs a reason',
  'suspend_account without a reason fails with 22023'
);
select throws_ok(
  $$select admin.suspend_account((select id from personas where name = 'merchant'), '   ')$$,
  '22023', 'suspend_account needs a reason',
  'suspend_account with a blank reason fails with 22023'
);
select throws_ok(
  $$select admin.suspend_account('00000000-0000-0000-0000-000000000000', 'Fraud')$$,
  'P0002', 'no account with id 00000000-0000-0000-0000-000000000000',
  'suspending an unknown account fails with P0002'
);
select results_eq(
  $$select p.status, s.status from public.profiles p join public.stores s on s.owner_id = p.id
    where s.id = (select id from fixtures where name = 'merchant_store')$$,
  $$values ('active'::public.account_status, 'approved'::public.store_status)$$,
  'the refused suspensions left the merchant active and their store approved'
);
select is_empty(
  $$select 1 from new_audit$$,
  'the refused account suspensions wrote no audit row'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select lives_ok(
  $$select admin.suspend_account((select id from personas where name = 'merchant'), '  Selling expired stock ')$$,
  'suspend_account suspends an active merchant'
);
select results_eq(
  $$select status, status_reason, status_changed_at = now() from public.profiles where id = (select id from personas where name = 'merchant')$$,
  $$values ('suspended'::public.account_status, 'Selling expired stock', true)$$,
  'the merchant is suspended with the trimmed reason and status_changed_at set'
);
select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'merchant_store')$$,
  $$values ('suspended'::public.store_status, 'Owner account suspended: Selling expired stock')$$,
  'the merchant''s approved store is suspended with a reason starting ''Owner account suspended: '''
);
select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'merchant_pending')$$,
  $$values ('suspended'::public.store_status, 'Owner account suspended: Selling expired stock')$$,
  'the merchant''s pending application is suspended too, with the same reason'
);
select set_eq(
  $$select table_name, record_id, action, reason, old_data ->> 'status' as old_status, new_data ->> 'status' as new_status
    from new_audit$$,
  $$values ('profiles', (select id::text from personas where name = 'merchant'), 'suspend_account', 'Selling expired stock', 'active', 'suspended'),
           ('stores', (select id::text from fixtures where name = 'merchant_store'), 'suspend_account', 'Selling expired stock', 'approved', 'suspended'),
           ('stores', (select id::text from fixtures where name = 'merchant_pending'), 'suspend_account', 'Selling expired stock', 'pending', 'suspended')$$,
  'the call writes audit rows for the profile, the approved store and the pending application, all labelled suspend_account with the reason'
);
select throws_ok(
  $$select admin.suspend_account((select id from personas where name = 'merchant'), 'Again')$$,
  '55000',
  format('account %s is already suspended', (select id from personas where name = 'merchant')),
  'suspending a suspended account fails with 55000'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select lives_ok(
  $$select admin.suspend_account((select id from personas where name = 'shift_rider'), 'Repeated no-shows')$$,
  'suspend_account suspends a rider on shift'
);
select results_eq(
  $$select p.status, r.is_available from public.profiles p join public.rider_profiles r on r.rider_id = p.id
    where p.id = (select id from personas where name = 'shift_rider')$$,
  $$values ('suspended'::public.account_status, false)$$,
  'the suspended rider is taken off shift'
);
select results_eq(
  $$select table_name, record_id, action, reason from new_audit$$,
  $$select 'profiles', id::text, 'suspend_account', 'Repeated no-shows' from personas where name = 'shift_rider'$$,
  'the rider''s suspension is audited as suspend_account with the reason'
);

-- The label ends with the call: a later change in the same transaction is a plain update.
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
update public.profiles set full_name = 'Chandni Customer' where id = (select id from personas where name = 'customer');
select results_eq(
  $$select table_name, action, reason from new_audit$$,
  $$values ('profiles', 'update', null::text)$$,
  'an owner change after suspend_account in the same transaction is audited as a plain update without reason'
);

-- The suspended merchant can sign in but change nothing.
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select tests.sign_in('merchant');
select lives_ok(
  $$update public.products set price_paise = 100 where id = (select id from fixtures where name = 'merchant_product')$$,
  'the suspended merchant''s update of their own product does not raise'
);
select tests.clear_authentication();
select is(
  (select price_paise from public.products where id = (select id from fixtures where name = 'merchant_product')),
  15000,
  'the suspended merchant''s product price is unchanged'
);
select is_empty(
  $$select 1 from new_audit$$,
  'the suspended merchant''s attempt wrote no audit row'
);

select tests.sign_in('customer');
select is_empty(
  $$select 1 from public.stores where id = (select id from fixtures where name = 'merchant_store')$$,
  'the customer no longer sees the suspended merchant''s store'
);
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- admin.approve_store and admin.reinstate_store with a suspended owner
-- ---------------------------------------------------------------------------------------------
-- merchant is suspended (above) and so is their store; frozen_merchant was suspended directly
-- by the owner, so their application frozen_app is still pending.
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select throws_ok(
  $$select admin.reinstate_store((select id from fixtures where name = 'merchant_store'), 'Stock checked')$$,
  '55000',
  format('the owner of store %s is suspended', (select id from fixtures where name = 'merchant_store')),
  'reinstating a store whose owner is suspended fails with 55000'
);
select alike(
  pg_temp.error_hint($$select admin.reinstate_store((select id from fixtures where name = 'merchant_store'), 'Stock checked')$$),
  '%admin.reinstate_account%',
  'the refused reinstatement''s hint says to reinstate the owner with admin.reinstate_account first'
);
select throws_ok(
  $$select admin.approve_store((select id from fixtures where name = 'frozen_app'), 'Documents verified')$$,
  '55000',
  format('the owner of store %s is suspended', (select id from fixtures where name = 'frozen_app')),
  'approving an application whose owner is suspended fails with 55000'
);
select alike(
  pg_temp.error_hint($$select admin.approve_store((select id from fixtures where name = 'frozen_app'))$$),
  '%admin.reinstate_account%',
  'the refused approval''s hint says to reinstate the owner with admin.reinstate_account first'
);
select results_eq(
  $$select f.name, s.status, s.status_reason, s.approved_at is null from public.stores s join fixtures f using (id)
    where f.name in ('merchant_store', 'frozen_app') order by f.name$$,
  $$values ('frozen_app', 'pending'::public.store_status, null::text, true),
           ('merchant_store', 'suspended', 'Owner account suspended: Selling expired stock', false)$$,
  'the refused approval and reinstatement changed neither store'
);
select is_empty(
  $$select 1 from new_audit$$,
  'the refused approval and reinstatement wrote no audit row'
);
select lives_ok(
  $$select admin.reinstate_account((select id from personas where name = 'frozen_merchant'), 'Appeal accepted')$$,
  'reinstate_account reinstates the owner of the waiting application'
);
select is(
  (admin.approve_store((select id from fixtures where name = 'frozen_app'))).status,
  'approved'::public.store_status,
  'once its owner is active again, approve_store approves the application'
);

-- ---------------------------------------------------------------------------------------------
-- admin.reinstate_account
-- ---------------------------------------------------------------------------------------------
select throws_ok(
  $$select admin.reinstate_account((select id from personas where name = 'customer'), 'Nothing to lift')$$,
  '55000',
  format('account %s is not suspended', (select id from personas where name = 'customer')),
  'reinstating an account that is not suspended fails with 55000'
);
select throws_ok(
  $$select admin.reinstate_account((select id from personas where name = 'merchant'), null)$$,
  '22023', 'reinstate_account needs a reason',
  'reinstate_account without a reason fails with 22023'
);
select throws_ok(
  $$select admin.reinstate_account('00000000-0000-0000-0000-000000000000', 'Appeal accepted')$$,
  'P0002', 'no account with id 00000000-0000-0000-0000-000000000000',
  'reinstating an unknown account fails with P0002'
);

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select lives_ok(
  $$select admin.reinstate_account((select id from personas where name = 'merchant'), 'Appeal accepted')$$,
  'reinstate_account reinstates the suspended merchant'
);
select results_eq(
  $$select status, status_reason, status_changed_at = now() from public.profiles where id = (select id from personas where name = 'merchant')$$,
  $$values ('active'::public.account_status, 'Appeal accepted', true)$$,
  'the merchant is active again with the reason'
);
select results_eq(
  $$select table_name, record_id, action, reason, old_data ->> 'status', new_data ->> 'status' from new_audit$$,
  $$select 'profiles', id::text, 'reinstate_account', 'Appeal accepted', 'suspended', 'active' from personas where name = 'merchant'$$,
  'the reinstatement writes one audit row: reinstate_account, the reason, suspended before and active after'
);
select results_eq(
  $$select status, status_reason from public.stores where id = (select id from fixtures where name = 'merchant_store')$$,
  $$values ('suspended'::public.store_status, 'Owner account suspended: Selling expired stock')$$,
  'the merchant''s store stays suspended after the account is reinstated'
);

-- ---------------------------------------------------------------------------------------------
-- admin.set_account_role
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('promotee');
select results_eq(
  $$select id from public.profiles$$,
  $$select id from personas where name = 'promotee'$$,
  'as a customer, the future admin reads only their own profile'
);
select tests.clear_authentication();

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select throws_ok(
  $$select admin.set_account_role((select id from personas where name = 'promotee'), 'admin', null)$$,
  '22023', 'set_account_role needs a reason',
  'set_account_role without a reason fails with 22023'
);
select throws_ok(
  $$select admin.set_account_role((select id from personas where name = 'promotee'), 'admin', ' ')$$,
  '22023', 'set_account_role needs a reason',
  'set_account_role with a blank reason fails with 22023'
);
select throws_ok(
  $$select admin.set_account_role('00000000-0000-0000-0000-000000000000', 'admin', 'New operations hire')$$,
  'P0002', 'no account with id 00000000-0000-0000-0000-000000000000',
  'changing the role of an unknown account fails with P0002'
);
select throws_ok(
  $$select admin.set_account_role((select id from personas where name = 'promotee'), 'customer', 'Just to be sure')$$,
  '55000',
  format('account %s is already customer', (select id from personas where name = 'promotee')),
  'setting the role an account already has fails with 55000'
);
select is(
  (select role from public.profiles where id = (select id from personas where name = 'promotee')),
  'customer'::public.app_role,
  'the refused role changes left the account a customer'
);
select is_empty(
  $$select 1 from new_audit$$,
  'the refused role changes wrote no audit row'
);

select lives_ok(
  $$select admin.set_account_role((select id from personas where name = 'promotee'), 'admin', 'New operations hire')$$,
  'set_account_role makes a customer an admin'
);
select is(
  (select role from public.profiles where id = (select id from personas where name = 'promotee')),
  'admin'::public.app_role,
  'the account''s role is admin'
);
select results_eq(
  $$select table_name, record_id, action, reason, old_data ->> 'role', new_data ->> 'role' from new_audit$$,
  $$select 'profiles', id::text, 'set_account_role', 'New operations hire', 'customer', 'admin' from personas where name = 'promotee'$$,
  'the role change writes one audit row: set_account_role, the reason, customer before and admin after'
);

create temp table all_profiles as select id from public.profiles;
grant select on all_profiles to authenticated;
select tests.sign_in('promotee');
select set_eq(
  $$select id from public.profiles$$,
  $$select id from all_profiles$$,
  'as an admin, the promoted user reads every profile'
);
select tests.clear_authentication();

update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select lives_ok(
  $$select admin.set_account_role((select id from personas where name = 'former_rider'), 'customer', 'Stopped delivering')$$,
  'set_account_role makes a rider on shift a customer'
);
select results_eq(
  $$select p.role, r.is_available from public.profiles p join public.rider_profiles r on r.rider_id = p.id
    where p.id = (select id from personas where name = 'former_rider')$$,
  $$values ('customer'::public.app_role, false)$$,
  'the former rider is a customer, and their kept rider profile is off shift'
);

-- ---------------------------------------------------------------------------------------------
-- Views (as the owner), with orders and job runs as fixtures
-- ---------------------------------------------------------------------------------------------
-- Orders with views_store: picked up ten minutes ago by the rider; delivered three hours ago;
-- pending for 30 minutes (stuck); pending for 1 minute; accepted five minutes ago by busy_rider.
insert into fixtures (name, id)
select s, gen_random_uuid()
from unnest(array['order_live', 'order_done', 'order_stuck', 'order_fresh', 'order_busy', 'order_now']) as s;

insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise,
                           total_paise, delivery_address, delivery_location, created_at)
select f.id, (select id from personas where name = 'customer'), (select id from fixtures where name = 'views_store'),
       (select id from personas where name = v.rider), v.status::public.order_status, 15000, 2000, 17000,
       'Flat 4, Model Colony, Pune',
       tests.point(73.85, 18.52),
       now() - v.age
from (values ('order_live', 'rider', 'picked_up', interval '10 minutes'),
             ('order_done', null, 'delivered', interval '3 hours'),
             ('order_stuck', null, 'pending', interval '30 minutes'),
             ('order_fresh', null, 'pending', interval '1 minute'),
             ('order_busy', 'busy_rider', 'accepted', interval '5 minutes')) as v (fixture, rider, status, age)
join fixtures f on f.name = v.fixture;

insert into public.order_events (order_id, status, created_at)
select f.id, 'pending', now() - v.age
from (values ('order_stuck', interval '30 minutes'), ('order_fresh', interval '1 minute')) as v (fixture, age)
join fixtures f on f.name = v.fixture;

-- One failed and one succeeded pg_cron run, ten minutes ago.
insert into cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message, start_time, end_time)
values
  (424242, 987654321, 4242, current_database(), 'postgres', 'select public.expire_stale_orders()', 'failed',
   'ERROR: deadlock detected', now() - interval '10 minutes', now() - interval '10 minutes' + interval '2 seconds'),
  (424242, 987654322, 4243, current_database(), 'postgres', 'select public.expire_stale_orders()', 'succeeded',
   '1 row', now() - interval '5 minutes', now() - interval '5 minutes' + interval '1 second');

-- admin.store_applications
select set_eq(
  $$select store_id from admin.store_applications$$,
  $$select id from public.stores where status = 'pending'$$,
  'admin.store_applications lists exactly the pending stores'
);
select results_eq(
  $$select name, owner_email, owner_status, products from admin.store_applications
    where store_id = (select id from fixtures where name = 'late_applicant')$$,
  $$values ('Late Applicant Pharmacy', 'merchant2@admin.test'::varchar, 'active'::public.account_status, 1::bigint)$$,
  'admin.store_applications shows the application with its owner''s email and product count'
);
select is_empty(
  $$select 1 from admin.store_applications where store_id = (select id from fixtures where name = 'applicant')$$,
  'admin.store_applications no longer lists the approved application'
);

-- admin.stores
select set_eq(
  $$select store_id, status from admin.stores$$,
  $$select id, status from public.stores$$,
  'admin.stores lists every store with its status'
);
select results_eq(
  $$select status, status_reason, owner_email, owner_status from admin.stores
    where store_id = (select id from fixtures where name = 'merchant_store')$$,
  $$values ('suspended'::public.store_status, 'Owner account suspended: Selling expired stock',
            'merchant@admin.test'::varchar, 'active'::public.account_status)$$,
  'admin.stores shows a suspended store with its reason and owner'
);

-- admin.accounts
select set_eq(
  $$select user_id from admin.accounts$$,
  $$select id from public.profiles$$,
  'admin.accounts lists every account'
);
select results_eq(
  $$select email, role, status from admin.accounts
    where user_id in (select id from personas where name in ('merchant', 'promotee', 'shift_rider'))
    order by email$$,
  $$values ('merchant@admin.test'::varchar, 'merchant'::public.app_role, 'active'::public.account_status),
           ('promotee@admin.test', 'admin', 'active'),
           ('shift-rider@admin.test', 'rider', 'suspended')$$,
  'admin.accounts shows each account''s email, role and status'
);

-- admin.orders
select results_eq(
  $$select store_name, customer_email, rider_name, is_live, age from admin.orders
    where order_id = (select id from fixtures where name = 'order_live')$$,
  $$values ('Views Kirana', 'customer@admin.test'::varchar, 'Ravi Rider', true, interval '10 minutes')$$,
  'admin.orders shows a live order with store, customer email, rider name and age'
);
select results_eq(
  $$select store_name, customer_email, rider_name, is_live, age from admin.orders
    where order_id = (select id from fixtures where name = 'order_done')$$,
  $$values ('Views Kirana', 'customer@admin.test'::varchar, null::text, false, interval '3 hours')$$,
  'admin.orders shows a delivered order as not live'
);

-- admin.stuck_orders
select results_eq(
  $$select status, in_status_for, expected_within from admin.stuck_orders
    where order_id = (select id from fixtures where name = 'order_stuck')$$,
  $$values ('pending'::public.order_status, interval '30 minutes', interval '15 minutes')$$,
  'admin.stuck_orders lists an order pending for 30 minutes'
);
select is_empty(
  $$select 1 from admin.stuck_orders where order_id = (select id from fixtures where name = 'order_fresh')$$,
  'admin.stuck_orders does not list an order pending for 1 minute'
);
select is_empty(
  $$select 1 from admin.stuck_orders
    where order_id in (select id from fixtures where name in ('order_live', 'order_busy', 'order_done'))$$,
  'admin.stuck_orders does not list orders within their expected time or finished'
);

-- admin.active_riders
select results_eq(
  $$select full_name, is_available, seen_ago, live_orders from admin.active_riders
    where rider_id = (select id from personas where name = 'rider')$$,
  $$values ('Ravi Rider', true, interval '1 minute', 1::bigint)$$,
  'admin.active_riders lists an available rider seen a minute ago'
);
select is_empty(
  $$select 1 from admin.active_riders where rider_id = (select id from personas where name = 'idle_rider')$$,
  'admin.active_riders does not list a rider seen an hour ago with no live orders'
);
select results_eq(
  $$select is_available, live_orders from admin.active_riders
    where rider_id = (select id from personas where name = 'busy_rider')$$,
  $$values (false, 1::bigint)$$,
  'admin.active_riders lists a rider seen an hour ago who is delivering an order'
);
select is_empty(
  $$select 1 from admin.active_riders where rider_id = (select id from personas where name = 'shift_rider')$$,
  'admin.active_riders does not list a suspended rider, though seen a minute ago'
);
select is_empty(
  $$select 1 from admin.active_riders where rider_id = (select id from personas where name = 'former_rider')$$,
  'admin.active_riders does not list a former rider (now a customer), though seen a minute ago'
);

-- admin.failed_jobs
select results_eq(
  $$select jobid, command, return_message from admin.failed_jobs where runid = 987654321$$,
  $$values (424242::bigint, 'select public.expire_stale_orders()', 'ERROR: deadlock detected')$$,
  'admin.failed_jobs lists a failed pg_cron run with its error'
);
select is_empty(
  $$select 1 from admin.failed_jobs where runid = 987654322$$,
  'admin.failed_jobs does not list a succeeded run'
);

-- admin.system_activity (before order_now, by difference with the platform before the fixtures).
-- Orders: order_live, order_stuck, order_fresh and order_busy were placed in the last hour and
-- are live (order_done is three hours old and delivered); order_stuck is stuck. Riders: only
-- rider is available and active (idle_rider was seen an hour ago with nothing to deliver,
-- busy_rider is off shift, shift_rider is suspended, former_rider is a customer). Applications:
-- applicant, svc_store and frozen_app were approved, rejected_app turned down and merchant_pending
-- suspended with its owner, so only late_applicant waits. Failed jobs: one.
select is(
  (select count(*) from admin.system_activity),
  1::bigint,
  'admin.system_activity returns exactly one row'
);
select results_eq(
  $$select a.orders_last_hour - b.orders_last_hour, a.orders_today_ist - b.orders_today_ist,
           a.live_orders - b.live_orders, a.stuck_orders - b.stuck_orders,
           a.available_riders - b.available_riders, a.store_applications - b.store_applications,
           a.failed_jobs_last_24h - b.failed_jobs_last_24h
    from admin.system_activity a, activity_before b$$,
  $$select 4::bigint,
           (select count(*) from public.orders o join fixtures f on f.id = o.id
            where (o.created_at at time zone 'Asia/Kolkata')::date = (now() at time zone 'Asia/Kolkata')::date),
           4::bigint, 1::bigint, 1::bigint, 1::bigint, 1::bigint$$,
  'admin.system_activity counts the fixtures: 4 orders in the last hour, today''s orders, 4 live, 1 stuck, 1 available rider, 1 application (late_applicant), 1 failed job'
);

-- admin.orders_per_hour
select is(
  (select count(*) from admin.orders_per_hour),
  48::bigint,
  'admin.orders_per_hour returns 48 hourly rows'
);
select is(
  (select hour_utc from admin.orders_per_hour limit 1),
  date_trunc('hour', now()),
  'admin.orders_per_hour lists the current hour first'
);
create temp table this_hour_before as
  select orders from admin.orders_per_hour where hour_utc = date_trunc('hour', now());
insert into public.orders (id, customer_id, store_id, subtotal_paise, total_paise, delivery_address, delivery_location)
values ((select id from fixtures where name = 'order_now'), (select id from personas where name = 'customer'),
        (select id from fixtures where name = 'views_store'), 15000, 15000, 'Flat 4, Model Colony, Pune',
        tests.point(73.85, 18.52));
select is(
  (select orders from admin.orders_per_hour where hour_utc = date_trunc('hour', now())),
  (select orders + 1 from this_hour_before),
  'admin.orders_per_hour counts an order placed in the current hour'
);
select set_eq(
  $$select order_id from admin.orders$$,
  $$select id from public.orders$$,
  'admin.orders lists every order, the new one included'
);

-- admin.audit_trail
update mark set id = (select coalesce(max(id), 0) from public.audit_log);
select tests.sign_in('merchant2');
select lives_ok(
  $$update public.products set price_paise = 4500 where id = (select id from fixtures where name = 'merchant2_product')$$,
  'the signed-in merchant updates their own product'
);
select tests.clear_authentication();
select results_eq(
  $$select actor, actor_id, action, table_name, record_id from admin.audit_trail where id > (select id from mark)$$,
  $$select 'merchant2@admin.test'::varchar, id, 'update', 'products', (select id::text from fixtures where name = 'merchant2_product')
    from personas where name = 'merchant2'$$,
  'admin.audit_trail shows the signed-in actor''s email for their change'
);
select results_eq(
  $$select actor, reason from admin.audit_trail
    where action = 'approve_store' and record_id = (select id::text from fixtures where name = 'applicant')$$,
  $$values ('postgres'::varchar, 'Documents verified')$$,
  'admin.audit_trail shows the database role for an owner''s admin action, with its reason'
);
select is(
  (select id from admin.audit_trail limit 1),
  (select max(id) from public.audit_log),
  'admin.audit_trail lists the newest row first'
);

select * from finish();
rollback;
