-- The pg_cron jobs: each is scheduled under its name, and each job function, called as the
-- database owner as pg_cron calls it, does its work on backdated rows, leaves fresh ones alone,
-- returns how many rows it changed, changes nothing when run again, and follows admin.settings.
-- Uses the helpers from 000_test_helpers.sql.
begin;

select plan(42);

-- ---------------------------------------------------------------------------------------------
-- The schedule
-- ---------------------------------------------------------------------------------------------
select results_eq(
  $$select jobname::text collate "default", schedule, command, active from cron.job
    where jobname in ('expire-pending-orders', 'take-silent-riders-off-shift', 'record-stuck-orders',
                      'purge-idempotency-keys', 'prune-location-history')
    order by jobname$$,
  $$values ('expire-pending-orders', '* * * * *', 'select private.expire_pending_orders()', true),
           ('prune-location-history', '43 3 * * *', 'select private.prune_location_history()', true),
           ('purge-idempotency-keys', '17 * * * *', 'select private.purge_idempotency_keys()', true),
           ('record-stuck-orders', '*/5 * * * *', 'select private.record_stuck_orders()', true),
           ('take-silent-riders-off-shift', '* * * * *', 'select private.take_silent_riders_off_shift()', true)$$,
  'cron.job runs each job under its name: expiry and silent riders every minute, stuck orders every 5 minutes, keys hourly, positions nightly'
);
-- The sixth, remove-orphaned-photos, belongs to Storage (storage.test.sql).
select is(
  (select count(*)::int from cron.job where command like '%private.%'),
  6,
  'there is no other job calling the private functions (each is scheduled once)'
);
select is_empty(
  $$select p.proname from pg_proc p
    where p.oid in ('private.expire_pending_orders()'::regprocedure, 'private.take_silent_riders_off_shift()'::regprocedure,
                    'private.record_stuck_orders()'::regprocedure, 'private.purge_idempotency_keys()'::regprocedure,
                    'private.prune_location_history()'::regprocedure)
      and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))$$,
  'no API role may run a job function'
);

-- Rows already in the database are no part of these tests: each job runs once first, so the
-- counts below are of the fixtures alone (all of it is rolled back at the end).
do $$
begin
  perform private.expire_pending_orders(), private.take_silent_riders_off_shift(), private.record_stuck_orders(),
          private.purge_idempotency_keys(), private.prune_location_history();
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
select tests.add_persona('jobs', name, role) from (values
  ('customer',    'customer'),
  ('merchant',    'merchant'),
  ('fresh',       'rider'),
  ('recent',      'rider'),
  ('silent',      'rider'),
  ('never_seen',  'rider'),
  ('off_shift',   'rider')
) as p(name, role);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
insert into fixtures (name) values
  ('store'), ('rice'), ('dal'),
  ('pending_11m'), ('pending_30m'), ('pending_5m'), ('accepted_1h'), ('accepted_20m'), ('accepted_5m'),
  ('preparing_30m'), ('ready_30m'), ('delivered_2h');

create function pg_temp.id(fixture text) returns uuid
language sql stable
as $$ select coalesce((select id from fixtures where name = fixture), (select id from personas where name = fixture)) $$;

create function pg_temp.stock(product text) returns integer
language sql stable
as $$ select stock from public.products where id = pg_temp.id(product) $$;

insert into public.stores (id, owner_id, name, address, location, status, approved_at)
values (pg_temp.id('store'), pg_temp.id('merchant'), 'Sharma Kirana', '12 FC Road, Pune', tests.point(73.85, 18.52), 'approved', now());
-- Stock as left after the orders below reserved theirs.
insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock)
values (pg_temp.id('rice'), pg_temp.id('store'), 'RICE-1', 'Sona masoori rice', 'Staples', '1 kg', 2500, 10),
       (pg_temp.id('dal'), pg_temp.id('store'), 'DAL-1', 'Toor dal', 'Staples', '1 kg', 1500, 10);

-- Each order entered its status `age` ago (created then, with its events then), as a customer's
-- order that moved on in one go would have.
insert into public.orders (id, customer_id, store_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location, created_at, updated_at)
select pg_temp.id(o.fixture), pg_temp.id('customer'), pg_temp.id('store'), o.status::public.order_status, 2500, 2000, 4500,
       '221B Baner Road, Pune', tests.point(73.85, 18.525), now() - o.age, now() - o.age
from (values ('pending_11m', 'pending', interval '11 minutes'), ('pending_30m', 'pending', interval '30 minutes'),
             ('pending_5m', 'pending', interval '5 minutes'), ('accepted_1h', 'accepted', interval '1 hour'),
             ('accepted_20m', 'accepted', interval '20 minutes'), ('accepted_5m', 'accepted', interval '5 minutes'),
             ('preparing_30m', 'preparing', interval '30 minutes'), ('ready_30m', 'ready', interval '30 minutes'),
             ('delivered_2h', 'delivered', interval '2 hours')) as o (fixture, status, age);
insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
select pg_temp.id(i.fixture), pg_temp.id(i.product), upper(i.product) || '-1', i.product, '1 kg', 2500, i.quantity
from (values ('pending_11m', 'rice', 2), ('pending_11m', 'dal', 1), ('pending_30m', 'dal', 3), ('pending_5m', 'rice', 1),
             ('accepted_1h', 'rice', 1), ('accepted_20m', 'rice', 1), ('accepted_5m', 'dal', 1),
             ('preparing_30m', 'dal', 1), ('ready_30m', 'rice', 1), ('delivered_2h', 'dal', 1)) as i (fixture, product, quantity);
insert into public.order_events (order_id, status, previous_status, actor_id, created_at)
select o.id, s.status, s.previous, pg_temp.id('customer'), o.created_at
from public.orders o
cross join lateral (
  select x.status, lag(x.status) over (order by x.n) as previous
  from unnest(array['pending', 'accepted', 'preparing', 'ready', 'picked_up', 'delivered']::public.order_status[]) with ordinality as x (status, n)
  where x.n <= array_position(array['pending', 'accepted', 'preparing', 'ready', 'picked_up', 'delivered']::public.order_status[], o.status)
) s
where o.id in (select id from fixtures);

-- The newest order event before a job runs, to show which events it wrote.
create temp table mark as select max(id) as last_event from public.order_events;

-- ---------------------------------------------------------------------------------------------
-- expire-pending-orders
-- ---------------------------------------------------------------------------------------------
select is(private.expire_pending_orders(), 2, 'expire_pending_orders expires the two orders pending for over 10 minutes and says so');
select results_eq(
  $$select o.id, o.status::text, o.status_reason from public.orders o where o.id in (select id from fixtures) and o.status in ('pending', 'expired') order by o.created_at$$,
  $$values (pg_temp.id('pending_30m'), 'expired', 'The store did not answer in time.'),
           (pg_temp.id('pending_11m'), 'expired', 'The store did not answer in time.'),
           (pg_temp.id('pending_5m'), 'pending', null::text)$$,
  'the orders pending for 11 and 30 minutes are expired with the reason; the one pending for 5 minutes is left alone'
);
select results_eq(
  $$select order_id, status::text, previous_status::text, actor_id, note from public.order_events where id > (select last_event from mark) order by order_id$$,
  $$select id, 'expired', 'pending', null::uuid, 'The store did not answer in time.' from fixtures where name in ('pending_11m', 'pending_30m') order by id$$,
  'each expired order gets one expired event, was pending, with no actor (the system) and the reason'
);
select is(array[pg_temp.stock('rice'), pg_temp.stock('dal')], array[12, 14], 'their stock is released: rice 10 → 12, dal 10 → 14');
select is(
  (select array_agg(status::text order by created_at) from public.orders where id in (select id from fixtures where name like 'accepted%' or name like 'delivered%')),
  array['delivered', 'accepted', 'accepted', 'accepted'],
  'orders past pending are not touched, however old'
);
update mark set last_event = (select max(id) from public.order_events);
select is(private.expire_pending_orders(), 0, 'run again at once, expire_pending_orders finds nothing to do');
select is_empty($$select 1 from public.order_events where id > (select last_event from mark)$$, 'the second run writes no event');
select is(array[pg_temp.stock('rice'), pg_temp.stock('dal')], array[12, 14], 'the second run releases no stock twice');

update admin.settings set pending_order_timeout = '3 minutes';
select is(private.expire_pending_orders(), 1, 'with pending_order_timeout 3 minutes in admin.settings, the order pending for 5 minutes expires too');
select is(
  (select status::text from public.orders where id = pg_temp.id('pending_5m')),
  'expired',
  'that order is now expired'
);
select is(pg_temp.stock('rice'), 13, 'and its rice is released');
update admin.settings set pending_order_timeout = '10 minutes';

-- ---------------------------------------------------------------------------------------------
-- take-silent-riders-off-shift
-- ---------------------------------------------------------------------------------------------
update public.rider_profiles r
set is_available = v.available, location = tests.point(73.85, 18.52), last_seen_at = now() - v.seen
from (values ('fresh', true, interval '30 seconds'), ('recent', true, interval '90 seconds'),
             ('silent', true, interval '3 minutes'), ('never_seen', true, null), ('off_shift', false, interval '1 hour')) as v (name, available, seen)
where r.rider_id = pg_temp.id(v.name);
-- Row versions (ctid): an update writes a new one even when the values stay the same.
create temp table riders_before as select rider_id, ctid as version from public.rider_profiles where rider_id in (select id from personas);

select is(private.take_silent_riders_off_shift(), 2,
  'take_silent_riders_off_shift takes the rider silent for 3 minutes and the one never seen off shift, and says 2');
select results_eq(
  $$select p.name, r.is_available from public.rider_profiles r join personas p on p.id = r.rider_id order by p.name$$,
  $$values ('fresh', true), ('never_seen', false), ('off_shift', false), ('recent', true), ('silent', false)$$,
  'riders seen 30 and 90 seconds ago stay on shift'
);
select is(
  (select ctid from public.rider_profiles where rider_id = pg_temp.id('off_shift')),
  (select version from riders_before where rider_id = pg_temp.id('off_shift')),
  'a rider already off shift, however long unseen, is not touched'
);
select is(private.take_silent_riders_off_shift(), 0, 'run again at once, take_silent_riders_off_shift finds nobody');
select is(
  (select count(*)::int from public.rider_profiles where rider_id in (select id from personas) and is_available),
  2,
  'the second run leaves the two riders on shift'
);
update admin.settings set rider_location_timeout = '1 minute';
select is(private.take_silent_riders_off_shift(), 1, 'with rider_location_timeout 1 minute in admin.settings, the rider seen 90 seconds ago goes off shift');
select is(
  (select array_agg(p.name) from public.rider_profiles r join personas p on p.id = r.rider_id where r.is_available),
  array['fresh'],
  'only the rider seen 30 seconds ago is still on shift'
);
update admin.settings set rider_location_timeout = '2 minutes';

-- ---------------------------------------------------------------------------------------------
-- purge-idempotency-keys
-- ---------------------------------------------------------------------------------------------
insert into private.idempotency_keys (user_id, idempotency_key, request_hash, response_status, response_body, created_at)
select pg_temp.id('customer'), ('00000000-0000-4000-8000-00000000000' || k.n)::uuid, 'hash', 201, '{}', now() - k.age
from (values (1, interval '25 hours'), (2, interval '3 days'), (3, interval '23 hours'), (4, interval '1 hour')) as k (n, age);

select is(private.purge_idempotency_keys(), 2, 'purge_idempotency_keys deletes the two keys older than 24 hours and says 2');
select results_eq(
  $$select right(idempotency_key::text, 1) from private.idempotency_keys where user_id = pg_temp.id('customer') order by 1$$,
  $$values ('3'), ('4')$$,
  'the keys 23 hours and 1 hour old are kept'
);
select is(private.purge_idempotency_keys(), 0, 'run again at once, purge_idempotency_keys deletes nothing');
select is((select count(*)::int from private.idempotency_keys where user_id = pg_temp.id('customer')), 2, 'both young keys are still there');
update admin.settings set idempotency_key_ttl = '2 hours';
select is(private.purge_idempotency_keys(), 1, 'with idempotency_key_ttl 2 hours in admin.settings, the key 23 hours old goes too');
select results_eq(
  $$select right(idempotency_key::text, 1) from private.idempotency_keys where user_id = pg_temp.id('customer')$$,
  $$values ('4')$$,
  'only the key 1 hour old is left'
);
update admin.settings set idempotency_key_ttl = '24 hours';

-- ---------------------------------------------------------------------------------------------
-- prune-location-history
-- ---------------------------------------------------------------------------------------------
insert into public.rider_locations (rider_id, order_id, location, recorded_at)
select pg_temp.id('fresh'), pg_temp.id('delivered_2h'), tests.point(73.85, 18.52 + l.n / 1000.0), now() - l.age
from (values (1, interval '8 days'), (2, interval '30 days'), (3, interval '7 days 1 minute'), (4, interval '6 days'), (5, interval '1 minute')) as l (n, age);

select is(private.prune_location_history(), 3, 'prune_location_history deletes the three positions older than 7 days and says 3');
select results_eq(
  $$select round(extract(epoch from now() - recorded_at) / 86400) from public.rider_locations where rider_id = pg_temp.id('fresh') order by recorded_at$$,
  $$values (6::numeric), (0)$$,
  'the positions 6 days and 1 minute old are kept'
);
select is(private.prune_location_history(), 0, 'run again at once, prune_location_history deletes nothing');
select is((select count(*)::int from public.rider_locations where rider_id = pg_temp.id('fresh')), 2, 'both recent positions are still there');
update admin.settings set location_history_ttl = '1 day';
select is(private.prune_location_history(), 1, 'with location_history_ttl 1 day in admin.settings, the position 6 days old goes too');
select is((select count(*)::int from public.rider_locations where rider_id = pg_temp.id('fresh')), 1, 'only the position a minute old is left');
update admin.settings set location_history_ttl = '7 days';

-- ---------------------------------------------------------------------------------------------
-- record-stuck-orders (admin.stuck_orders: accepted over 15 minutes, preparing over 45, ready
-- over 20, ...; the pending ones have expired above)
-- ---------------------------------------------------------------------------------------------
select is(private.record_stuck_orders(), 3, 'record_stuck_orders reports the three orders stuck in their status and says 3');
select results_eq(
  $$select r.order_id, r.status::text, r.status_since = o.updated_at, r.resolved_at
    from admin.stuck_order_reports r join public.orders o on o.id = r.order_id
    where r.order_id in (select id from fixtures) order by o.updated_at$$,
  $$values (pg_temp.id('accepted_1h'), 'accepted', true, null::timestamptz),
           (pg_temp.id('ready_30m'), 'ready', true, null),
           (pg_temp.id('accepted_20m'), 'accepted', true, null)$$,
  'the reports: accepted 1 hour and 20 minutes, ready 30 minutes, each since it entered the status, open'
);
select is_empty(
  $$select 1 from admin.stuck_order_reports where order_id in (select id from fixtures where name in ('accepted_5m', 'preparing_30m', 'delivered_2h', 'pending_5m'))$$,
  'accepted 5 minutes, preparing 30 minutes (under 45), delivered and expired orders are not reported'
);
create temp table reports_before as select * from admin.stuck_order_reports;
select is(private.record_stuck_orders(), 0, 'run again at once, record_stuck_orders reports nothing new');
select set_eq(
  $$select order_id, status, status_since, first_reported_at, resolved_at from admin.stuck_order_reports$$,
  $$select order_id, status, status_since, first_reported_at, resolved_at from reports_before$$,
  'the second run adds no report and keeps when each was first reported'
);

-- The ready order is picked up: its report is resolved on the next run.
update public.orders set status = 'picked_up' where id = pg_temp.id('ready_30m');
insert into public.order_events (order_id, status, previous_status) values (pg_temp.id('ready_30m'), 'picked_up', 'ready');
select is(private.record_stuck_orders(), 1, 'once the ready order is picked up, record_stuck_orders resolves its report and says 1');
select results_eq(
  $$select r.order_id, r.resolved_at is not null from admin.stuck_order_reports r
    where r.order_id in (select id from fixtures) order by r.first_reported_at, r.order_id$$,
  $$select id, name = 'ready_30m' from fixtures where name in ('accepted_1h', 'accepted_20m', 'ready_30m') order by id$$,
  'only the report of the order that moved on is resolved'
);
select is(private.record_stuck_orders(), 0, 'run again at once, nothing is reported or resolved');
select is(
  (select count(*)::int from admin.stuck_order_reports where order_id in (select id from fixtures)),
  3,
  'there are still exactly three reports'
);

select * from finish();
rollback;
