-- public.rider_profiles: the trigger that gives every rider account its rider profile (and takes
-- a former rider off shift), row-level security and column privileges, persona by persona. One
-- live order (customer → merchant's store, picked up by the rider) makes the rider a counterpart
-- of that customer and merchant. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(84);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to lives_ok/throws_ok can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('riders', name, role) from (values
  ('customer',        'customer'),
  ('stranger',        'customer'),
  ('merchant',        'merchant'),
  ('other_merchant',  'merchant'),
  ('rider',           'rider'),
  ('other_rider',     'rider'),
  ('promoted',        'customer'),
  ('admin',           'customer'),
  ('suspended',       'rider'),
  ('demoted',         'rider')
) as p(name, role);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values ('store'), ('other_store'), ('order');

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.rider_profiles'::regclass),
  true,
  'RLS is enabled on public.rider_profiles'
);
select policies_are(
  'public', 'rider_profiles',
  array['Riders read their own rider profile', 'Riders update their own availability, vehicle and position',
        'Admins read every rider profile', 'Customers and merchants see the rider of their live orders'],
  'public.rider_profiles has exactly the expected policies'
);
select policy_cmd_is('public', 'rider_profiles', 'Riders update their own availability, vehicle and position', 'update',
  'the riders'' edit policy is for update');
select policy_roles_are('public', 'rider_profiles', 'Riders update their own availability, vehicle and position', array['authenticated'],
  'the riders'' edit policy applies to authenticated only');
select policy_cmd_is('public', 'rider_profiles', 'Admins read every rider profile', 'select',
  'the admins'' policy is for select only');
select col_is_pk('public', 'rider_profiles', 'rider_id', 'rider_id is the primary key, so a rider has one rider profile');
select has_index('public', 'rider_profiles', 'rider_profiles_pkey', array['rider_id'],
  'rider profiles are indexed by rider (the rider_id foreign key)');
select has_index('public', 'rider_profiles', 'rider_profiles_location_idx', array['location'],
  'rider profiles have a spatial index on location');
select is(
  (select pg_get_expr(i.indpred, i.indrelid) from pg_index i where i.indexrelid = 'public.rider_profiles_location_idx'::regclass),
  'is_available',
  'the location index covers available riders only'
);
select has_trigger('public', 'profiles', 'profiles_sync_rider_profile',
  'profiles has the trigger that keeps rider profiles in step with the role');
select trigger_is('public', 'profiles', 'profiles_sync_rider_profile', 'private', 'sync_rider_profile',
  'profiles_sync_rider_profile calls private.sync_rider_profile()');
select has_trigger('public', 'rider_profiles', 'rider_profiles_touch_updated_at',
  'rider_profiles has the trigger that keeps updated_at');
select trigger_is('public', 'rider_profiles', 'rider_profiles_stamp_seen', 'private', 'stamp_rider_seen',
  'rider_profiles_stamp_seen calls private.stamp_rider_seen()');

select table_privs_are('public', 'rider_profiles', 'authenticated', array['SELECT'],
  'authenticated may only select rider profiles at table level');
select table_privs_are('public', 'rider_profiles', 'anon', array[]::name[],
  'anon has no privilege on rider profiles');
select column_privs_are('public', 'rider_profiles', c, 'authenticated', array['SELECT', 'UPDATE'],
  'authenticated may update rider_profiles.' || c)
from unnest(array['vehicle', 'vehicle_number', 'is_available', 'location']) as c;
select column_privs_are('public', 'rider_profiles', c, 'authenticated', array['SELECT'],
  'authenticated may not update rider_profiles.' || c)
from unnest(array['rider_id', 'last_seen_at', 'created_at', 'updated_at']) as c;

-- ---------------------------------------------------------------------------------------------
-- The trigger (as the database owner)
-- ---------------------------------------------------------------------------------------------
select results_eq(
  $$select vehicle::text, vehicle_number, is_available, location is null, last_seen_at
    from public.rider_profiles where rider_id = (select id from personas where name = 'rider')$$,
  $$values ('scooter', null::text, false, true, null::timestamptz)$$,
  'signing up as rider creates a rider profile: scooter, off shift, no position yet'
);
select is(
  (select count(*) from public.rider_profiles where rider_id in (select id from personas where name in ('rider', 'other_rider', 'suspended', 'demoted'))),
  4::bigint,
  'every rider sign-up has exactly one rider profile'
);
select is_empty(
  $$select 1 from public.rider_profiles
    where rider_id in (select id from personas where name in ('customer', 'stranger', 'merchant', 'other_merchant', 'promoted', 'admin'))$$,
  'signing up as customer or merchant creates no rider profile'
);
select lives_ok(
  $$update public.profiles set role = 'rider' where id = (select id from personas where name = 'promoted')$$,
  'the owner promotes a customer to rider'
);
select isnt_empty(
  $$select 1 from public.rider_profiles where rider_id = (select id from personas where name = 'promoted')$$,
  'promoting a customer to rider creates their rider profile'
);
select lives_ok(
  $$update public.profiles set role = 'rider' where id = (select id from personas where name = 'rider')$$,
  'setting the role of an existing rider to rider again does not raise'
);
select is(
  (select count(*) from public.rider_profiles where rider_id = (select id from personas where name = 'rider')),
  1::bigint,
  'a rider set to rider again still has exactly one rider profile'
);
select lives_ok(
  $$update public.profiles set full_name = 'Sunil Shopper' where id = (select id from personas where name = 'customer')$$,
  'the owner renames a customer'
);
select is_empty(
  $$select 1 from public.rider_profiles where rider_id = (select id from personas where name = 'customer')$$,
  'an update that leaves a customer a customer creates no rider profile'
);
update public.rider_profiles set is_available = true, vehicle = 'motorcycle'
where rider_id = (select id from personas where name = 'demoted');
select lives_ok(
  $$update public.profiles set role = 'customer' where id = (select id from personas where name = 'demoted')$$,
  'the owner makes a rider on shift a customer'
);
select results_eq(
  $$select count(*), bool_and(is_available), min(vehicle::text)
    from public.rider_profiles where rider_id = (select id from personas where name = 'demoted')$$,
  $$values (1::bigint, false, 'motorcycle')$$,
  'a rider made a customer keeps their rider profile (vehicle included) but is taken off shift'
);

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
update public.profiles set role = 'admin' where id = (select id from personas where name = 'admin');
update public.profiles set status = 'suspended' where id = (select id from personas where name = 'suspended');

insert into public.stores (id, owner_id, name, address, location, status, approved_at)
select f.id, p.id, s.name, '12 FC Road, Pune',
       tests.point(73.85, 18.52), 'approved', now()
from (values ('store', 'merchant', 'Sharma Kirana'), ('other_store', 'other_merchant', 'Patil Provisions')) as s (fixture, owner, name)
join fixtures f on f.name = s.fixture
join personas p on p.name = s.owner;

-- The customer's order from the merchant's store, delivered by the rider.
insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, total_paise, delivery_address, delivery_location)
values ((select id from fixtures where name = 'order'), (select id from personas where name = 'customer'),
        (select id from fixtures where name = 'store'), (select id from personas where name = 'rider'),
        'picked_up', 5000, 5000, '221B Baner Road, Pune',
        tests.point(73.85, 18.52));

-- Both riders were last touched an hour ago, so the touch trigger shows when a change lands.
-- (The trigger itself would reset updated_at to now(), so it is off for this one update.)
alter table public.rider_profiles disable trigger rider_profiles_touch_updated_at;
update public.rider_profiles set updated_at = now() - interval '1 hour'
where rider_id in (select id from personas where name in ('rider', 'other_rider'));
alter table public.rider_profiles enable trigger rider_profiles_touch_updated_at;

create temp table totals as select count(*) as rider_profiles from public.rider_profiles;
grant select on totals to anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('rider');

select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'rider'$$,
  'rider reads exactly their own rider profile'
);
select is(
  (select updated_at from public.rider_profiles where rider_id = (select auth.uid())),
  now() - interval '1 hour',
  'rider''s profile was last changed an hour ago'
);
select lives_ok(
  $$update public.rider_profiles
    set is_available = true,
        location = tests.point(73.86, 18.53),
        vehicle = 'motorcycle',
        vehicle_number = 'MH 12 AB 1234'
    where rider_id = (select auth.uid())$$,
  'rider can update their own availability, position and vehicle'
);
select results_eq(
  $$select is_available, extensions.st_astext(location::extensions.geometry), vehicle::text, vehicle_number, last_seen_at = now()
    from public.rider_profiles where rider_id = (select auth.uid())$$,
  $$values (true, 'POINT(73.86 18.53)', 'motorcycle', 'MH 12 AB 1234', true)$$,
  'rider''s availability, position and vehicle changed, and the database stamped the last-seen time'
);
select throws_ok(
  $$update public.rider_profiles set last_seen_at = now() + interval '1 day' where rider_id = (select auth.uid())$$,
  '42501', null,
  'rider cannot write their own last-seen time (a phone''s clock could keep them "seen")'
);
select tests.clear_authentication();
update public.rider_profiles set last_seen_at = now() - interval '5 minutes' where rider_id = (select id from personas where name = 'rider');
select tests.sign_in('rider');
select lives_ok(
  $$update public.rider_profiles set location = tests.point(73.86, 18.53) where rider_id = (select auth.uid())$$,
  'rider reports the same position again'
);
select is(
  (select last_seen_at from public.rider_profiles where rider_id = (select auth.uid())),
  now(),
  'a report of an unchanged position still counts as seen now'
);
select is(
  (select updated_at from public.rider_profiles where rider_id = (select auth.uid())),
  now(),
  'rider_profiles_touch_updated_at moved updated_at to the time of the change'
);
select lives_ok(
  $$update public.rider_profiles set vehicle_number = 'KA01HH1234' where rider_id = (select auth.uid())$$,
  'a plate without spaces is a valid vehicle number'
);
select lives_ok(
  $$update public.rider_profiles set vehicle = 'bicycle', vehicle_number = null where rider_id = (select auth.uid())$$,
  'a bicycle rider may have no vehicle number'
);
select throws_ok(
  $$update public.rider_profiles set vehicle_number = 'hello' where rider_id = (select auth.uid())$$,
  '23514',
  'new row for relation "rider_profiles" violates check constraint "rider_profiles_vehicle_number_format"',
  'a malformed vehicle number is rejected by the check constraint'
);
select throws_ok(
  $$update public.rider_profiles set vehicle = 'helicopter' where rider_id = (select auth.uid())$$,
  '22P02',
  null,
  'a vehicle that is not a vehicle_type is rejected'
);
select throws_ok(
  $$update public.rider_profiles set rider_id = (select id from personas where name = 'other_rider') where rider_id = (select auth.uid())$$,
  '42501',
  'permission denied for table rider_profiles',
  'rider cannot change rider_id'
);
select throws_ok(
  $$update public.rider_profiles set created_at = now() - interval '1 year' where rider_id = (select auth.uid())$$,
  '42501',
  'permission denied for table rider_profiles',
  'rider cannot change created_at'
);
select throws_ok(
  $$update public.rider_profiles set updated_at = now() - interval '1 year' where rider_id = (select auth.uid())$$,
  '42501',
  'permission denied for table rider_profiles',
  'rider cannot change updated_at'
);
select throws_ok(
  $$insert into public.rider_profiles (rider_id) values ((select auth.uid()))$$,
  '42501',
  'permission denied for table rider_profiles',
  'rider cannot insert rider profiles'
);
select throws_ok(
  $$delete from public.rider_profiles where rider_id = (select auth.uid())$$,
  '42501',
  'permission denied for table rider_profiles',
  'rider cannot delete their rider profile'
);
select lives_ok(
  $$update public.rider_profiles set is_available = true, vehicle_number = 'MH 14 ZZ 9999'
    where rider_id = (select id from personas where name = 'other_rider')$$,
  'rider''s update of another rider''s profile does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Other rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('other_rider');

select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'other_rider'$$,
  'other rider reads exactly their own rider profile'
);
select is_empty(
  $$select 1 from public.rider_profiles where rider_id = (select id from personas where name = 'rider')$$,
  'a rider does not see another rider''s rider profile'
);
select results_eq(
  $$select is_available, vehicle_number, updated_at = now() - interval '1 hour' from public.rider_profiles where rider_id = (select auth.uid())$$,
  $$values (false, null::text, true)$$,
  'the rider''s update left the other rider''s profile unchanged'
);
select lives_ok(
  $$update public.rider_profiles set is_available = false, location = null where rider_id = (select id from personas where name = 'rider')$$,
  'other rider''s update of the rider''s profile does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Promoted rider (a customer the owner made a rider)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('promoted');

select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'promoted'$$,
  'a promoted rider reads exactly their own rider profile'
);
select lives_ok(
  $$update public.rider_profiles set is_available = true, vehicle = 'electric_scooter' where rider_id = (select auth.uid())$$,
  'a promoted rider can go on shift'
);
select results_eq(
  $$select is_available, vehicle::text from public.rider_profiles where rider_id = (select auth.uid())$$,
  $$values (true, 'electric_scooter')$$,
  'the promoted rider''s availability and vehicle changed'
);

-- ---------------------------------------------------------------------------------------------
-- Demoted (a rider the owner made a customer)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('demoted');

select is_empty($$select 1 from public.rider_profiles$$, 'a former rider sees no rider profile, not even their kept one');
select lives_ok(
  $$update public.rider_profiles set is_available = true where rider_id = (select auth.uid())$$,
  'a former rider''s attempt to go back on shift does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Customer (the rider delivers their order)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'rider'$$,
  'customer sees the rider profile of the rider of their live (picked-up) order, and no other'
);
select is_empty(
  $$select 1 from public.rider_profiles where rider_id in (select id from personas where name in ('other_rider', 'promoted', 'suspended', 'demoted'))$$,
  'customer sees no rider profile of a rider who does not deliver their order'
);
select lives_ok(
  $$update public.rider_profiles set is_available = false where rider_id = (select id from personas where name = 'rider')$$,
  'customer''s update of their rider''s profile does not raise'
);
select throws_ok(
  $$insert into public.rider_profiles (rider_id) values ((select auth.uid()))$$,
  '42501',
  'permission denied for table rider_profiles',
  'customer cannot make themselves a rider profile'
);
select throws_ok(
  $$delete from public.rider_profiles where rider_id = (select id from personas where name = 'rider')$$,
  '42501',
  'permission denied for table rider_profiles',
  'customer cannot delete a rider profile'
);

-- ---------------------------------------------------------------------------------------------
-- Stranger (another customer, without orders)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('stranger');

select is_empty($$select 1 from public.rider_profiles$$, 'a customer without orders sees no rider profile');
select lives_ok(
  $$update public.rider_profiles set vehicle_number = 'MH 01 AA 0001' where rider_id = (select id from personas where name = 'rider')$$,
  'stranger''s update of the rider''s profile does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant (the rider delivers an order from their store)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');

select set_eq(
  $$select rider_id from public.rider_profiles$$,
  $$select id from personas where name = 'rider'$$,
  'merchant sees the rider profile of the rider of their store''s live (picked-up) order, and no other'
);
select lives_ok(
  $$update public.rider_profiles set is_available = false where rider_id = (select id from personas where name = 'rider')$$,
  'merchant''s update of their rider''s profile does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Other merchant (no orders)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('other_merchant');

select is_empty($$select 1 from public.rider_profiles$$, 'a merchant without orders sees no rider profile');

-- ---------------------------------------------------------------------------------------------
-- Admin (promoted by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select is((select count(*) from public.rider_profiles), (select rider_profiles from totals),
  'admin reads every rider profile');
select set_eq(
  $$select rider_id from public.rider_profiles where rider_id in (select id from personas)$$,
  $$select id from personas where name in ('rider', 'other_rider', 'promoted', 'suspended', 'demoted')$$,
  'admin reads the rider profiles of all four riders, the suspended one included, and the former rider''s kept one'
);
select lives_ok(
  $$update public.rider_profiles set is_available = false where rider_id = (select id from personas where name = 'promoted')$$,
  'admin''s update of a rider''s profile does not raise'
);
select throws_ok(
  $$insert into public.rider_profiles (rider_id) values ((select auth.uid()))$$,
  '42501',
  'permission denied for table rider_profiles',
  'admin cannot insert rider profiles either'
);

-- ---------------------------------------------------------------------------------------------
-- Suspended (a rider suspended by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');

select is_empty($$select 1 from public.rider_profiles$$, 'a suspended rider sees no rider profile, not even their own');
select lives_ok(
  $$update public.rider_profiles set is_available = true where rider_id = (select auth.uid())$$,
  'a suspended rider''s update of their own profile does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');

select throws_ok(
  $$select * from public.rider_profiles$$,
  '42501',
  'permission denied for table rider_profiles',
  'anonymous cannot select rider profiles'
);
select throws_ok(
  $$update public.rider_profiles set is_available = true where rider_id = (select id from personas where name = 'rider')$$,
  '42501',
  'permission denied for table rider_profiles',
  'anonymous cannot update rider profiles'
);

-- ---------------------------------------------------------------------------------------------
-- Back to the owner: only riders' own edits landed
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();

select results_eq(
  $$select vehicle::text, vehicle_number, is_available, location is null
    from public.rider_profiles where rider_id = (select id from personas where name = 'rider')$$,
  $$values ('bicycle', null::text, true, false)$$,
  'as owner: the rider''s profile holds only the rider''s own edits (not the other rider''s, customer''s, stranger''s or merchant''s)'
);
select results_eq(
  $$select is_available, vehicle_number, updated_at = now() - interval '1 hour'
    from public.rider_profiles where rider_id = (select id from personas where name = 'other_rider')$$,
  $$values (false, null::text, true)$$,
  'as owner: the rider''s update of the other rider''s profile changed nothing'
);
select results_eq(
  $$select is_available, vehicle::text from public.rider_profiles where rider_id = (select id from personas where name = 'promoted')$$,
  $$values (true, 'electric_scooter')$$,
  'as owner: the admin''s update of the promoted rider''s profile changed nothing'
);
select results_eq(
  $$select is_available, last_seen_at from public.rider_profiles where rider_id = (select id from personas where name = 'suspended')$$,
  $$values (false, null::timestamptz)$$,
  'as owner: the suspended rider''s update changed nothing'
);
select results_eq(
  $$select is_available, last_seen_at from public.rider_profiles where rider_id = (select id from personas where name = 'demoted')$$,
  $$values (false, null::timestamptz)$$,
  'as owner: the former rider''s attempt to go back on shift changed nothing'
);

select * from finish();
rollback;
