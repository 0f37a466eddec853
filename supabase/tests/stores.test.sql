-- public.stores: structure, opening-hours logic (private.hours_cover, public.is_open), store
-- onboarding and row-level security, persona by persona. Uses the helpers from
-- 000_test_helpers.sql.
begin;

select plan(148);

-- Who is who.
select tests.add_persona('stores', name, role, status) from (values
  ('customer',   'customer', 'active'),
  ('merchant',   'merchant', 'active'),
  ('stranger',   'merchant', 'active'),
  ('rider',      'rider',    'active'),
  ('admin',      'admin',    'active'),
  ('suspended',  'merchant', 'suspended')
) as p(name, role, status);

-- Fixture stores around Pune, made by the owner (outside RLS) in every status.
create temp table fixture_stores (key text primary key, id uuid not null);
grant select on fixture_stores to anon, authenticated;

with v (key, persona, name, status, lng, lat) as (
  values
    ('merchant_approved', 'merchant', 'Merchant Approved Mart', 'approved', 73.85, 18.52),
    ('merchant_pending', 'merchant', 'Merchant Pending Provisions', 'pending', 73.86, 18.53),
    ('merchant_suspended', 'merchant', 'Merchant Suspended Stores', 'suspended', 73.84, 18.51),
    ('stranger_approved', 'stranger', 'Stranger Approved Kirana', 'approved', 73.87, 18.50),
    ('stranger_pending', 'stranger', 'Stranger Pending Dairy', 'pending', 73.83, 18.54),
    ('suspended_approved', 'suspended', 'Suspended Owner Bakery', 'approved', 73.88, 18.49),
    ('suspended_pending', 'suspended', 'Suspended Owner Sweets', 'pending', 73.82, 18.55)
),
ins as (
  insert into public.stores (owner_id, name, address, location, status, approved_at)
  select p.id, v.name, v.name || ', Shivajinagar, Pune',
         tests.point(v.lng, v.lat),
         v.status::public.store_status,
         case when v.status <> 'pending' then now() end
  from v join personas p on p.name = v.persona
  returning id, name
)
insert into fixture_stores (key, id) select v.key, ins.id from ins join v using (name);

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.stores'::regclass),
  true,
  'RLS is enabled on public.stores'
);
select policies_are(
  'public', 'stores',
  array['Visitors see approved stores', 'Active users see approved stores',
        'Merchants see their own stores', 'Admins see every store',
        'Merchants apply with new stores', 'Merchants edit their own stores',
        'Merchants withdraw their own pending applications'],
  'public.stores has exactly the expected policies'
);
select policy_cmd_is('public', 'stores', 'Visitors see approved stores', 'select',
  'the visitors'' policy is for select');
select policy_roles_are('public', 'stores', 'Visitors see approved stores', array['anon'],
  'the visitors'' policy applies to anon only');
select policy_cmd_is('public', 'stores', 'Active users see approved stores', 'select',
  'the active users'' read policy is for select');
select policy_cmd_is('public', 'stores', 'Merchants see their own stores', 'select',
  'the merchants'' read policy is for select');
select policy_cmd_is('public', 'stores', 'Admins see every store', 'select',
  'the admins'' read policy is for select');
select policy_cmd_is('public', 'stores', 'Merchants apply with new stores', 'insert',
  'the application policy is for insert');
select policy_roles_are('public', 'stores', 'Merchants apply with new stores', array['authenticated'],
  'the application policy applies to authenticated only');
select policy_cmd_is('public', 'stores', 'Merchants edit their own stores', 'update',
  'the edit policy is for update');
select policy_roles_are('public', 'stores', 'Merchants edit their own stores', array['authenticated'],
  'the edit policy applies to authenticated only');
select policy_cmd_is('public', 'stores', 'Merchants withdraw their own pending applications', 'delete',
  'the withdrawal policy is for delete');
select policy_roles_are('public', 'stores', 'Merchants withdraw their own pending applications', array['authenticated'],
  'the withdrawal policy applies to authenticated only');

select has_index('public', 'stores', 'stores_owner_id_idx', array['owner_id'],
  'the owner_id foreign key is indexed');
select has_index('public', 'stores', 'stores_status_idx', array['status'],
  'status, which every read policy filters on, is indexed');
select has_index('public', 'stores', 'stores_open_location_idx',
  'location is indexed, with the minutes of the day each approved store opens');
select index_is_type('public', 'stores', 'stores_open_location_idx', 'gist',
  'the location index is a GiST index, usable for radius searches');

select is(
  array(
    select a.attname::text from pg_attribute a
    where a.attrelid = 'public.stores'::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('authenticated', a.attrelid, a.attnum, 'INSERT')
    order by a.attname
  ),
  array['address', 'category', 'delivery_radius_m', 'description', 'location', 'minimum_order_paise', 'name',
        'opening_hours', 'owner_id', 'phone', 'photo_path', 'preparation_minutes', 'reopens_at', 'temporarily_closed'],
  'authenticated may insert exactly the application columns (no status, approval or rating)'
);
select is(
  array(
    select a.attname::text from pg_attribute a
    where a.attrelid = 'public.stores'::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('authenticated', a.attrelid, a.attnum, 'UPDATE')
    order by a.attname
  ),
  array['address', 'category', 'delivery_radius_m', 'description', 'location', 'minimum_order_paise', 'name',
        'opening_hours', 'phone', 'photo_path', 'preparation_minutes', 'reopens_at', 'temporarily_closed'],
  'authenticated may update exactly the merchant-editable columns (no owner, status, approval or rating)'
);
select column_privs_are('public', 'stores', 'status', 'authenticated', array['SELECT'],
  'authenticated can only read stores.status');
select column_privs_are('public', 'stores', 'rating', 'authenticated', array['SELECT'],
  'authenticated can only read stores.rating');
select column_privs_are('public', 'stores', 'owner_id', 'authenticated', array['INSERT', 'SELECT'],
  'authenticated can set stores.owner_id on insert but never change it');
select column_privs_are('public', 'stores', 'name', 'authenticated', array['INSERT', 'SELECT', 'UPDATE'],
  'authenticated can insert, read and update stores.name');
select column_privs_are('public', 'stores', 'name', 'anon', array['SELECT'],
  'anon can only read stores.name');
select ok(
  not has_table_privilege('anon', 'public.stores', 'INSERT')
    and not has_table_privilege('anon', 'public.stores', 'UPDATE')
    and not has_table_privilege('anon', 'public.stores', 'DELETE'),
  'anon has no insert, update or delete privilege on stores'
);
select ok(
  has_function_privilege('anon', 'public.is_open(public.stores)', 'execute')
    and has_function_privilege('anon', 'private.hours_cover(jsonb, timestamptz)', 'execute')
    and has_function_privilege('authenticated', 'public.is_open(public.stores)', 'execute'),
  'anon and authenticated can compute is_open'
);

-- ---------------------------------------------------------------------------------------------
-- Opening hours logic (as the owner; moments in next week, Monday = day 0, Asia/Kolkata +05:30)
-- ---------------------------------------------------------------------------------------------
-- A moment of next week: the day after Monday, the clock time and the zone it is read in.
create function pg_temp.next_week(day integer, clock time, zone text default 'Asia/Kolkata') returns timestamptz
language sql stable
as $$ select ((date_trunc('week', now() at time zone 'Asia/Kolkata') + interval '1 week')::date + day + clock) at time zone zone $$;
select is(
  private.hours_cover('{"mon": [["07:00", "13:00"], ["16:00", "22:00"]]}', pg_temp.next_week(0, '10:00')),
  true,
  'hours cover a moment inside a slot'
);
select is(
  private.hours_cover('{"mon": [["07:00", "13:00"], ["16:00", "22:00"]]}', pg_temp.next_week(0, '06:59')),
  false,
  'hours do not cover a moment before the first slot opens'
);
select is(
  private.hours_cover('{"mon": [["07:00", "13:00"], ["16:00", "22:00"]]}', pg_temp.next_week(0, '07:00')),
  true,
  'a store is open at its opening time'
);
select is(
  private.hours_cover('{"mon": [["07:00", "13:00"], ["16:00", "22:00"]]}', pg_temp.next_week(0, '14:30')),
  false,
  'hours do not cover the gap between two slots'
);
select is(
  private.hours_cover('{"mon": [["07:00", "13:00"], ["16:00", "22:00"]]}', pg_temp.next_week(0, '22:00')),
  false,
  'a store is closed at its closing time'
);
select is(
  private.hours_cover('{"mon": [["07:00", "22:00"]]}', pg_temp.next_week(0, '04:00', 'UTC')),
  true,
  'hours are read in Asia/Kolkata: 04:00 UTC is 09:30 in Pune, inside the slot'
);
select is(
  private.hours_cover('{"mon": [["07:00", "22:00"]]}', pg_temp.next_week(0, '20:00', 'UTC')),
  false,
  'hours are read in Asia/Kolkata: 20:00 UTC Monday is 01:30 Tuesday in Pune, closed'
);
select is(
  private.hours_cover('{"mon": [["22:00", "02:00"]]}', pg_temp.next_week(0, '23:30')),
  true,
  'an overnight slot covers the late evening of its own day'
);
select is(
  private.hours_cover('{"mon": [["22:00", "02:00"]]}', pg_temp.next_week(1, '01:00')),
  true,
  'an overnight slot covers the small hours of the next day'
);
select is(
  private.hours_cover('{"mon": [["22:00", "02:00"]]}', pg_temp.next_week(1, '02:00')),
  false,
  'an overnight slot ends at its closing time the next day'
);
select is(
  private.hours_cover('{"mon": [["22:00", "02:00"]]}', pg_temp.next_week(0, '01:00')),
  false,
  'an overnight slot does not cover the small hours of its own day'
);
select is(
  private.hours_cover('{"sun": [["22:00", "02:00"]]}', pg_temp.next_week(0, '01:00')),
  true,
  'Sunday''s overnight slot runs into Monday'
);
select is(
  private.hours_cover('{"mon": [], "tue": [["07:00", "22:00"]]}', pg_temp.next_week(0, '10:00')),
  false,
  'an empty day is closed'
);
select is(
  private.hours_cover('{"tue": [["07:00", "22:00"]]}', pg_temp.next_week(0, '10:00')),
  false,
  'a missing day is closed'
);
select is(
  private.hours_cover('{}', pg_temp.next_week(0, '10:00')),
  false,
  'empty opening hours are always closed'
);
select is(
  private.hours_cover('{"mon": [["18:00", "24:00"]]}', pg_temp.next_week(0, '23:59')),
  true,
  'a slot closing at 24:00 covers the last minute of the day'
);
select is(
  private.hours_cover('{"mon": [["18:00", "24:00"]]}', pg_temp.next_week(1, '00:30')),
  false,
  'a slot closing at 24:00 does not run into the next day'
);

-- is_open on rows built in place, with hours covering every moment so the result does not
-- depend on the clock.
create temp table all_day (hours jsonb not null);
insert into all_day values (
  '{"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]],
    "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]],
    "sun": [["00:00", "24:00"]]}'
);

select is(
  public.is_open(jsonb_populate_record(null::public.stores,
    jsonb_build_object('status', 'approved', 'temporarily_closed', false, 'opening_hours', (select hours from all_day)))),
  true,
  'an approved store open all day is open'
);
select is(
  public.is_open(jsonb_populate_record(null::public.stores,
    jsonb_build_object('status', 'pending', 'temporarily_closed', false, 'opening_hours', (select hours from all_day)))),
  false,
  'a pending store is never open'
);
select is(
  public.is_open(jsonb_populate_record(null::public.stores,
    jsonb_build_object('status', 'suspended', 'temporarily_closed', false, 'opening_hours', (select hours from all_day)))),
  false,
  'a suspended store is never open'
);
select is(
  public.is_open(jsonb_populate_record(null::public.stores,
    jsonb_build_object('status', 'approved', 'temporarily_closed', true, 'reopens_at', null,
                       'opening_hours', (select hours from all_day)))),
  false,
  'a store temporarily closed without a reopening time is closed'
);
select is(
  public.is_open(jsonb_populate_record(null::public.stores,
    jsonb_build_object('status', 'approved', 'temporarily_closed', true, 'reopens_at', now() + interval '1 hour',
                       'opening_hours', (select hours from all_day)))),
  false,
  'a store temporarily closed until a future time is closed'
);
select is(
  public.is_open(jsonb_populate_record(null::public.stores,
    jsonb_build_object('status', 'approved', 'temporarily_closed', true, 'reopens_at', now() - interval '1 minute',
                       'opening_hours', (select hours from all_day)))),
  true,
  'a store whose temporary closure has ended is open again'
);
select is(
  public.is_open(jsonb_populate_record(null::public.stores,
    jsonb_build_object('status', 'approved', 'temporarily_closed', false, 'opening_hours', '{}'::jsonb))),
  false,
  'an approved store with no opening hours is closed'
);
select is(
  (select public.is_open(s) from public.stores s where s.id = (select id from fixture_stores where key = 'merchant_approved')),
  private.hours_cover(
    (select opening_hours from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')),
    now()),
  'for an approved, switched-on store, is_open follows its opening hours right now'
);
select is(
  (select public.is_open(s) from public.stores s where s.id = (select id from fixture_stores where key = 'merchant_pending')),
  false,
  'is_open is false for the pending fixture store'
);

-- ---------------------------------------------------------------------------------------------
-- Customer
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select set_eq(
  $$select id from public.stores where id in (select id from fixture_stores)$$,
  $$select id from fixture_stores where key in ('merchant_approved', 'stranger_approved', 'suspended_approved')$$,
  'customer sees the approved stores'
);
select is_empty(
  $$select 1 from public.stores where status <> 'approved'$$,
  'customer sees no pending or suspended store'
);
select lives_ok(
  $$select s.id, public.is_open(s) from public.stores s$$,
  'customer can compute is_open for the stores they see'
);
select throws_ok(
  $$insert into public.stores (name, address, location)
    values ('Customer Corner Shop', 'Baner Road, Pune', tests.point(73.79, 18.56))$$,
  '42501',
  'new row violates row-level security policy for table "stores"',
  'customer cannot apply with a store'
);
select lives_ok(
  $$update public.stores set name = 'Customer Was Here' where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  'customer''s update of an approved store does not raise'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  'customer''s delete of an approved store does not raise'
);
select throws_ok(
  $$update public.stores set status = 'suspended' where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  '42501',
  'permission denied for table stores',
  'customer cannot change a store''s status'
);

select tests.clear_authentication();
select results_eq(
  $$select name from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  $$values ('Merchant Approved Mart')$$,
  'the customer''s update and delete left the approved store untouched'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');

select set_eq(
  $$select id from public.stores where owner_id = (select auth.uid())$$,
  $$select id from fixture_stores where key like 'merchant\_%'$$,
  'merchant sees their own stores in every status'
);
select set_eq(
  $$select id from public.stores where owner_id <> (select auth.uid()) and id in (select id from fixture_stores)$$,
  $$select id from fixture_stores where key in ('stranger_approved', 'suspended_approved')$$,
  'merchant sees other merchants'' approved stores'
);
select is_empty(
  $$select 1 from public.stores where owner_id <> (select auth.uid()) and status <> 'approved'$$,
  'merchant sees no pending or suspended store of another merchant'
);

-- Applying with a new store.
select lives_ok(
  $$insert into public.stores (name, address, location, category)
    values ('Fresh Basket Kothrud', 'Paud Road, Kothrud, Pune',
            tests.point(73.81, 18.51), 'fruits_vegetables')$$,
  'merchant can apply with a new store'
);
select results_eq(
  $$select owner_id, status, approved_at, rating, rating_count from public.stores where name = 'Fresh Basket Kothrud'$$,
  $$select id, 'pending'::public.store_status, null::timestamptz, null::numeric, 0 from personas where name = 'merchant'$$,
  'the new store is pending, owned by the merchant (owner_id defaults to auth.uid()), unapproved and unrated'
);
select lives_ok(
  $$insert into public.stores (owner_id, name, address, location)
    values ((select auth.uid()), 'Second Basket Aundh', 'ITI Road, Aundh, Pune',
            tests.point(73.80, 18.56))$$,
  'merchant can apply naming themselves as owner'
);
select throws_ok(
  $$insert into public.stores (name, address, location, status)
    values ('Instant Approval Mart', 'FC Road, Pune', tests.point(73.84, 18.52), 'approved')$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot apply with a store that is already approved'
);
select throws_ok(
  $$insert into public.stores (name, address, location, rating)
    values ('Five Star Mart', 'FC Road, Pune', tests.point(73.84, 18.52), 5)$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot give their new store a rating'
);
select throws_ok(
  $$insert into public.stores (name, address, location, approved_at)
    values ('Backdated Mart', 'FC Road, Pune', tests.point(73.84, 18.52), now())$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot give their new store an approval time'
);
select throws_ok(
  $$insert into public.stores (owner_id, name, address, location)
    values ((select id from personas where name = 'stranger'), 'Sock Puppet Stores', 'JM Road, Pune',
            tests.point(73.84, 18.52))$$,
  '42501',
  'new row violates row-level security policy for table "stores"',
  'merchant cannot apply with a store owned by someone else'
);

-- Editing their own stores.
select lives_ok(
  $$update public.stores
    set name = 'Merchant Approved Mart & Co', delivery_radius_m = 5000, preparation_minutes = 15,
        opening_hours = '{"mon": [["07:00", "13:00"], ["16:00", "22:00"]], "sat": [["22:00", "02:00"]], "sun": []}'
    where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  'merchant can edit their own approved store'
);
select results_eq(
  $$select name, delivery_radius_m, preparation_minutes from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  $$values ('Merchant Approved Mart & Co', 5000, 15)$$,
  'the merchant''s edits landed'
);
select lives_ok(
  $$update public.stores set temporarily_closed = true, reopens_at = now() + interval '2 hours'
    where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  'merchant can close their store for a while'
);
select is(
  (select public.is_open(s) from public.stores s where s.id = (select id from fixture_stores where key = 'merchant_approved')),
  false,
  'a store its merchant closed for a while is not open'
);
select lives_ok(
  $$update public.stores set temporarily_closed = false, reopens_at = null
    where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  'merchant can reopen their store'
);
select throws_ok(
  $$update public.stores set status = 'approved' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot approve their own store'
);
select throws_ok(
  $$update public.stores set approved_at = now() where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot set their store''s approval time'
);
select throws_ok(
  $$update public.stores set rating = 5, rating_count = 1000 where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot rate their own store'
);
select throws_ok(
  $$update public.stores set owner_id = (select id from personas where name = 'stranger')
    where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot hand their store to someone else'
);
select throws_ok(
  $$update public.stores set status = 'approved' where id = (select id from fixture_stores where key = 'merchant_suspended')$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot lift their store''s suspension'
);

-- Opening hours and range checks.
select throws_ok(
  $$update public.stores set opening_hours = '{"monday": [["07:00", "22:00"]]}' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'opening hours with an unknown day key are rejected'
);
select throws_ok(
  $$update public.stores set opening_hours = '{"mon": [["07:00", "25:00"]]}' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'opening hours with an impossible time (25:00) are rejected'
);
select throws_ok(
  $$update public.stores set opening_hours = '{"mon": [["7:00", "22:00"]]}' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'opening hours with a time not written HH:MM are rejected'
);
select throws_ok(
  $$update public.stores set opening_hours = '{"mon": [["24:00", "02:00"]]}' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'a slot may close at 24:00 but not open at it'
);
select throws_ok(
  $$update public.stores set opening_hours = '{"mon": [["07:00"]]}' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'a slot that is not an [opens, closes] pair is rejected'
);
select throws_ok(
  $$update public.stores set opening_hours = '{"mon": ["07:00", "22:00"]}' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'a day that is a bare pair instead of a list of slots is rejected'
);
select throws_ok(
  $$update public.stores set opening_hours = '{"mon": [["09:00", "09:00"]]}' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'a slot that opens and closes at the same time is rejected'
);
select throws_ok(
  $$update public.stores set opening_hours = '[["07:00", "22:00"]]' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'opening hours that are not an object are rejected'
);
select throws_ok(
  $$insert into public.stores (name, address, location, opening_hours)
    values ('Bad Hours Mart', 'Karve Road, Pune', tests.point(73.82, 18.50),
            '{"mon": [["07:00", "25:00"]]}')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_opening_hours_valid"',
  'an application with invalid opening hours is rejected'
);
select lives_ok(
  $$update public.stores set opening_hours = '{"fri": [["18:00", "24:00"]], "sat": [["00:00", "02:00"], ["22:00", "02:00"]], "sun": []}'
    where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  'opening hours with a 24:00 close, an overnight slot and an empty day are accepted'
);
select throws_ok(
  $$update public.stores set delivery_radius_m = 199 where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_delivery_radius_range"',
  'a delivery radius below 200 m is rejected'
);
select throws_ok(
  $$update public.stores set delivery_radius_m = 15001 where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_delivery_radius_range"',
  'a delivery radius above 15 km is rejected'
);
select lives_ok(
  $$update public.stores set delivery_radius_m = 15000, preparation_minutes = 120 where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  'the largest delivery radius and preparation time are accepted'
);
select throws_ok(
  $$update public.stores set preparation_minutes = 0 where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_preparation_minutes_range"',
  'zero preparation minutes are rejected'
);
select throws_ok(
  $$update public.stores set preparation_minutes = 121 where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '23514',
  'new row for relation "stores" violates check constraint "stores_preparation_minutes_range"',
  'more than 120 preparation minutes are rejected'
);

-- Other merchants' stores.
select lives_ok(
  $$update public.stores set name = 'Hijacked Kirana' where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  'merchant''s update of another merchant''s approved store does not raise'
);
select lives_ok(
  $$update public.stores set name = 'Hijacked Dairy' where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  'merchant''s update of another merchant''s pending store does not raise'
);
select is(
  tests.rows_affected($$update public.stores set name = 'Hijacked Kirana' where id = (select id from fixture_stores where key = 'stranger_approved')$$),
  0::bigint,
  'merchant''s update of another merchant''s store updates no row'
);
select throws_ok(
  $$update public.stores set status = 'suspended' where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  '42501',
  'permission denied for table stores',
  'merchant cannot suspend another merchant''s store'
);

-- Withdrawing applications.
select lives_ok(
  $$delete from public.stores where name = 'Fresh Basket Kothrud'$$,
  'merchant can withdraw their own pending application'
);
select is_empty(
  $$select 1 from public.stores where name = 'Fresh Basket Kothrud'$$,
  'the withdrawn application is gone'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  'merchant''s delete of their own approved store does not raise'
);
select is(
  tests.rows_affected($$delete from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')$$),
  0::bigint,
  'merchant''s delete of their own approved store deletes no row'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'merchant_suspended')$$,
  'merchant''s delete of their own suspended store does not raise'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  'merchant''s delete of another merchant''s pending store does not raise'
);
select is(
  tests.rows_affected($$delete from public.stores where id = (select id from fixture_stores where key = 'stranger_pending')$$),
  0::bigint,
  'merchant''s delete of another merchant''s pending store deletes no row'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  'merchant''s delete of another merchant''s approved store does not raise'
);

select tests.clear_authentication();
select results_eq(
  $$select f.key, s.name from fixture_stores f left join public.stores s using (id)
    where f.key in ('merchant_approved', 'merchant_suspended', 'stranger_approved', 'stranger_pending') order by f.key$$,
  $$values ('merchant_approved', 'Merchant Approved Mart & Co'), ('merchant_suspended', 'Merchant Suspended Stores'),
           ('stranger_approved', 'Stranger Approved Kirana'), ('stranger_pending', 'Stranger Pending Dairy')$$,
  'as owner: the merchant''s approved and suspended stores stay, and the other merchant''s stores are unchanged'
);
select results_eq(
  $$select status from public.stores where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  $$values ('approved'::public.store_status)$$,
  'as owner: the other merchant''s store is still approved'
);
select results_eq(
  $$select status, approved_at, rating from public.stores where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  $$values ('pending'::public.store_status, null::timestamptz, null::numeric)$$,
  'as owner: the merchant''s pending store is still pending, unapproved and unrated'
);

-- ---------------------------------------------------------------------------------------------
-- Stranger (another merchant)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('stranger');

select set_eq(
  $$select id from public.stores where owner_id = (select auth.uid())$$,
  $$select id from fixture_stores where key like 'stranger\_%'$$,
  'the other merchant sees their own stores in every status'
);
select set_eq(
  $$select id from public.stores where owner_id <> (select auth.uid()) and id in (select id from fixture_stores)$$,
  $$select id from fixture_stores where key in ('merchant_approved', 'suspended_approved')$$,
  'the other merchant sees only the approved stores of other merchants'
);
select is_empty(
  $$select 1 from public.stores where owner_id = (select id from personas where name = 'merchant') and status <> 'approved'$$,
  'the other merchant cannot see the merchant''s pending application or suspended store'
);
select lives_ok(
  $$update public.stores set description = 'Now owned by the stranger' where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  'the other merchant''s update of the merchant''s store does not raise'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  'the other merchant''s delete of the merchant''s pending store does not raise'
);
select lives_ok(
  $$update public.stores set description = 'Our dairy, fresh every morning' where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  'the other merchant can edit their own pending store'
);

select tests.clear_authentication();
select results_eq(
  $$select description from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  $$values ('')$$,
  'as owner: the other merchant''s update left the merchant''s store unchanged'
);
select isnt_empty(
  $$select 1 from public.stores where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  'as owner: the other merchant''s delete left the merchant''s pending store in place'
);
select results_eq(
  $$select description from public.stores where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  $$values ('Our dairy, fresh every morning')$$,
  'as owner: the other merchant''s edit of their own store landed'
);

-- ---------------------------------------------------------------------------------------------
-- Rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('rider');

select set_eq(
  $$select id from public.stores where id in (select id from fixture_stores)$$,
  $$select id from fixture_stores where key in ('merchant_approved', 'stranger_approved', 'suspended_approved')$$,
  'rider sees the approved stores'
);
select is_empty(
  $$select 1 from public.stores where status <> 'approved'$$,
  'rider sees no pending or suspended store'
);
select throws_ok(
  $$insert into public.stores (owner_id, name, address, location)
    values ((select auth.uid()), 'Rider Depot', 'Hinjewadi, Pune', tests.point(73.74, 18.59))$$,
  '42501',
  'new row violates row-level security policy for table "stores"',
  'rider cannot apply with a store'
);
select lives_ok(
  $$update public.stores set preparation_minutes = 1 where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  'rider''s update of a store does not raise'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  'rider''s delete of a pending store does not raise'
);

select tests.clear_authentication();
select results_eq(
  $$select preparation_minutes from public.stores where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  $$values (10)$$,
  'as owner: the rider''s update changed nothing'
);
select isnt_empty(
  $$select 1 from public.stores where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  'as owner: the rider''s delete left the pending store in place'
);

-- ---------------------------------------------------------------------------------------------
-- Admin (promoted by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select set_eq(
  $$select id from public.stores where id in (select id from fixture_stores)$$,
  $$select id from fixture_stores$$,
  'admin sees every store, pending and suspended ones included'
);
select isnt_empty(
  $$select 1 from public.stores where name = 'Second Basket Aundh' and status = 'pending'$$,
  'admin sees the merchant''s new application'
);
select throws_ok(
  $$insert into public.stores (owner_id, name, address, location)
    values ((select id from personas where name = 'merchant'), 'Admin Made Mart', 'Camp, Pune',
            tests.point(73.88, 18.51))$$,
  '42501',
  'new row violates row-level security policy for table "stores"',
  'admin cannot insert stores through the table'
);
select throws_ok(
  $$update public.stores set status = 'approved' where id = (select id from fixture_stores where key = 'merchant_pending')$$,
  '42501',
  'permission denied for table stores',
  'admin cannot approve a store through the table (only through the admin functions)'
);
select lives_ok(
  $$update public.stores set name = 'Renamed By Admin' where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  'admin''s update of a store''s name does not raise'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  'admin''s delete of a pending store does not raise'
);

select tests.clear_authentication();
select results_eq(
  $$select name from public.stores where id = (select id from fixture_stores where key = 'stranger_approved')$$,
  $$values ('Stranger Approved Kirana')$$,
  'as owner: the admin''s update through the table changed nothing'
);
select isnt_empty(
  $$select 1 from public.stores where id = (select id from fixture_stores where key = 'stranger_pending')$$,
  'as owner: the admin''s delete through the table left the pending store in place'
);

-- ---------------------------------------------------------------------------------------------
-- Suspended (a merchant suspended by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');

select is_empty(
  $$select 1 from public.stores$$,
  'suspended account sees no store at all, not even their own'
);
select throws_ok(
  $$insert into public.stores (name, address, location)
    values ('Comeback Stores', 'Sadashiv Peth, Pune', tests.point(73.85, 18.51))$$,
  '42501',
  'new row violates row-level security policy for table "stores"',
  'suspended merchant cannot apply with a store'
);
select lives_ok(
  $$update public.stores set name = 'Still Baking' where id = (select id from fixture_stores where key = 'suspended_approved')$$,
  'suspended merchant''s update of their own store does not raise'
);
select lives_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'suspended_pending')$$,
  'suspended merchant''s delete of their own pending store does not raise'
);

select tests.clear_authentication();
select results_eq(
  $$select name from public.stores where id = (select id from fixture_stores where key = 'suspended_approved')$$,
  $$values ('Suspended Owner Bakery')$$,
  'as owner: the suspended merchant''s update changed nothing'
);
select isnt_empty(
  $$select 1 from public.stores where id = (select id from fixture_stores where key = 'suspended_pending')$$,
  'as owner: the suspended merchant''s pending store is still there'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');

select set_eq(
  $$select id from public.stores where id in (select id from fixture_stores)$$,
  $$select id from fixture_stores where key in ('merchant_approved', 'stranger_approved', 'suspended_approved')$$,
  'anonymous sees the approved stores'
);
select is_empty(
  $$select 1 from public.stores where status <> 'approved'$$,
  'anonymous sees no pending or suspended store'
);
select lives_ok(
  $$select s.id, public.is_open(s) from public.stores s$$,
  'anonymous can compute is_open for the stores they see'
);
select throws_ok(
  $$insert into public.stores (owner_id, name, address, location)
    values ((select id from personas where name = 'merchant'), 'Anonymous Annex', 'Deccan, Pune',
            tests.point(73.84, 18.52))$$,
  '42501',
  'permission denied for table stores',
  'anonymous cannot insert stores'
);
select throws_ok(
  $$update public.stores set name = 'Anonymous Was Here' where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  '42501',
  'permission denied for table stores',
  'anonymous cannot update stores'
);
select throws_ok(
  $$delete from public.stores where id = (select id from fixture_stores where key = 'merchant_approved')$$,
  '42501',
  'permission denied for table stores',
  'anonymous cannot delete stores'
);

-- ---------------------------------------------------------------------------------------------
-- Back to the owner: the state seen from outside RLS
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();

select results_eq(
  $$select f.key, s.name, s.status from fixture_stores f left join public.stores s using (id) order by f.key$$,
  $$values ('merchant_approved', 'Merchant Approved Mart & Co', 'approved'::public.store_status),
           ('merchant_pending', 'Merchant Pending Provisions', 'pending'),
           ('merchant_suspended', 'Merchant Suspended Stores', 'suspended'),
           ('stranger_approved', 'Stranger Approved Kirana', 'approved'),
           ('stranger_pending', 'Stranger Pending Dairy', 'pending'),
           ('suspended_approved', 'Suspended Owner Bakery', 'approved'),
           ('suspended_pending', 'Suspended Owner Sweets', 'pending')$$,
  'as owner: every fixture store is still there, with only its own merchant''s edits and no status change'
);
select results_eq(
  $$select s.name, s.status from public.stores s
    where s.owner_id = (select id from personas where name = 'merchant') and s.id not in (select id from fixture_stores)$$,
  $$values ('Second Basket Aundh', 'pending'::public.store_status)$$,
  'as owner: of the merchant''s two applications, the withdrawn one is gone and the other is pending'
);

select * from finish();
rollback;
