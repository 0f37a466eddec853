-- Tracking and the live feeds through the API: report_location (the assigned rider only, during a
-- delivery; stored at most once per admin.settings.location_history_interval, broadcast to
-- order:<id> every time), order_tracking (status, the rider's last position with its age, the
-- ETA; only for whoever may read the order), the feeds the database sends (new_order to
-- store:<id> at commit, order_changed to order:<id> and store:<id>, job_ready and job_taken to
-- the store's jobs cell), and who may receive order:<id>, store:<id> and jobs:<row>:<col>. Realtime
-- authorization is probed the way Realtime does it: a row of realtime.messages read back, or
-- written, as the caller with realtime.topic set. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(128);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to the helpers can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('tracking', name, role) from (values
  ('customer',         'customer'),
  ('merchant',         'merchant'),
  ('other_merchant',   'merchant'),
  ('rider',            'rider'),
  ('other_rider',      'rider'),
  ('admin',            'admin'),
  ('stranger',         'customer'),
  ('suspended',        'customer'),
  ('suspended_rider',  'rider')
) as p(name, role);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values
  ('store'), ('other_store'), ('rice'),
  ('order'), ('job'), ('delivered'), ('suspended_order'), ('stranger_order');

-- Broadcasts already looked at, so each check sees only what the last step sent.
create temp table seen_broadcasts (id uuid primary key);
create temp table latest_broadcasts (id uuid primary key);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

create function pg_temp.id(name text) returns uuid
language sql stable
as $$ select coalesce((select id from fixtures f where f.name = id.name), (select id from personas p where p.name = id.name)) $$;

-- What would happen if the persona ran the statement, with everything undone afterwards.
create function pg_temp.try_as(persona text, statement text) returns text
language plpgsql
as $$
declare
  result text;
begin
  begin
    perform tests.sign_in(persona);
    result := tests.outcome(statement);
    raise sqlstate 'TSTUN';
  exception when sqlstate 'TSTUN' then
    null;
  end;
  return result;
end
$$;

-- Positions stored for this file's orders, and rider_location broadcasts on their topics (the
-- dev database may hold others); as the database owner.
create function pg_temp.track_counts() returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'rows', (select count(*) from public.rider_locations l where l.order_id in (select id from fixtures)),
    'broadcasts', (select count(*) from realtime.messages r where r.event = 'rider_location' and r.topic in (select 'order:' || id from fixtures)))
$$;

-- report_location as the persona: its outcome, what it said about storing, and how many
-- positions the call stored and broadcast.
create function pg_temp.report(persona text, fixture text, lat double precision, lng double precision) returns jsonb
language plpgsql
as $$
declare
  before jsonb := pg_temp.track_counts();
  after jsonb;
  result text;
  reply jsonb;
  state text;
  message text;
  detail text;
begin
  perform tests.sign_in(persona);
  begin
    reply := public.report_location(pg_temp.id(fixture), lat, lng);
    result := 'ok';
  exception when others then
    get stacked diagnostics state = returned_sqlstate, message = message_text, detail = pg_exception_detail;
    result := tests.error_text(state, message, detail);
  end;
  perform tests.clear_authentication();
  after := pg_temp.track_counts();
  return jsonb_build_object('outcome', result, 'stored', reply -> 'stored',
    'rows', (after ->> 'rows')::int - (before ->> 'rows')::int,
    'broadcasts', (after ->> 'broadcasts')::int - (before ->> 'broadcasts')::int);
end
$$;

-- order_tracking as the persona: what it returns, or {"error": ...}.
create function pg_temp.tracking(persona text, fixture text) returns jsonb
language plpgsql
as $$
declare
  result jsonb;
  state text;
  message text;
  detail text;
begin
  perform tests.sign_in(persona);
  begin
    result := public.order_tracking(pg_temp.id(fixture));
  exception when others then
    get stacked diagnostics state = returned_sqlstate, message = message_text, detail = pg_exception_detail;
    result := jsonb_build_object('error', tests.error_text(state, message, detail));
  end;
  perform tests.clear_authentication();
  return result;
end
$$;

-- What order_tracking should say about one of this file's orders (store at 18.52 N 73.85 E,
-- door at 18.53 N): the rider's position as given, reported age_seconds ago.
create function pg_temp.expected_tracking(fixture text, status text, rider text, lat double precision, lng double precision,
                                          age integer, eta integer) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'order_id', pg_temp.id(fixture), 'status', status, 'status_reason', null, 'rider_id', pg_temp.id(rider),
    'updated_at', (select o.updated_at from public.orders o where o.id = pg_temp.id(fixture)),
    'store', jsonb_build_object('lat', 18.52::double precision, 'lng', 73.85::double precision),
    'destination', jsonb_build_object('lat', 18.53::double precision, 'lng', 73.85::double precision),
    'rider', case when lat is not null then jsonb_build_object('lat', lat, 'lng', lng, 'recorded_at', now() - make_interval(secs => age), 'age_seconds', age) end,
    'eta_minutes', eta)
$$;

-- 'order:<fixture>' and 'store:<fixture>' with the fixture's id; anything else as it is.
create function pg_temp.topic(label text) returns text
language sql stable
as $$
  select case when label ~ '^(order|store):[a-z_]+$' and pg_temp.id(split_part(label, ':', 2)) is not null
    then split_part(label, ':', 1) || ':' || pg_temp.id(split_part(label, ':', 2)) else label end
$$;

-- The broadcasts on this file's topics since the last call, as sortable sentences: topic and
-- order by fixture name, event, then the status and the rider when the payload has them.
create function pg_temp.new_broadcasts() returns text[]
language plpgsql
as $$
declare
  result text[];
begin
  delete from latest_broadcasts;
  with ours as (
    select r.id, coalesce(split_part(r.topic, ':', 1) || ':' || t.name, r.topic) || ' ' || r.event || ' ' || o.name
             || coalesce(' ' || (r.payload ->> 'status'), '') || coalesce(' rider=' || p.name, '') as label
    from realtime.messages r
    left join fixtures t on r.topic in ('order:' || t.id, 'store:' || t.id)
    join fixtures o on o.id::text = coalesce(r.payload ->> 'order_id', r.payload ->> 'id')
    left join personas p on p.id::text = r.payload ->> 'rider_id'
    where r.event is not null and (t.name is not null or r.topic like 'jobs:%')
      and not exists (select 1 from seen_broadcasts s where s.id = r.id)
  ), seen as (
    insert into seen_broadcasts select id from ours
  ), latest as (
    insert into latest_broadcasts select id from ours
  )
  select coalesce(array_agg(label order by label), '{}') into result from ours;
  return result;
end
$$;

-- The payload of the broadcast of an event on a topic ('order:order', 'jobs:370:1230') among
-- those the last new_broadcasts returned.
create function pg_temp.payload(topic_label text, event text) returns jsonb
language sql stable
as $$
  select r.payload from realtime.messages r join latest_broadcasts l using (id)
  where r.topic = pg_temp.topic(topic_label) and r.event = payload.event
$$;

-- A persona's access to a topic in one word: 'receive', 'none', or what else the probes found
-- ('receive+broadcast', 'presence', ..., 'error' when a policy raised).
create function pg_temp.access(persona text, label text) returns text
language sql
as $$
  select case when r is null or w is null or p is null then 'error'
    else coalesce(nullif(concat_ws('+', case when r then 'receive' end, case when w then 'broadcast' end, case when p then 'presence' end), ''), 'none') end
  from (select tests.can_receive(persona, t) as r, tests.can_send(persona, t, 'broadcast') as w, tests.can_send(persona, t, 'presence') as p
        from pg_temp.topic(label) as t) as x
$$;

-- How many stored positions of this file's orders the persona reads.
create function pg_temp.readable_track(persona text) returns bigint
language plpgsql
as $$
declare
  result bigint;
begin
  perform tests.sign_in(persona);
  select count(*) into result from public.rider_locations l where l.order_id in (select id from fixtures);
  perform tests.clear_authentication();
  return result;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
-- The store at 18.52 N, 73.85 E (10 minutes' preparation by default); the other store 8.9 km north.
insert into public.stores (id, owner_id, name, address, location, status, approved_at)
select pg_temp.id(s.fixture), pg_temp.id(s.owner), s.name, '12 FC Road, Pune', tests.point(73.85, s.lat), 'approved', now()
from (values ('store', 'merchant', 'Sharma Kirana', 18.52), ('other_store', 'other_merchant', 'Patil Provisions', 18.60)) as s (fixture, owner, name, lat);
insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock)
values (pg_temp.id('rice'), pg_temp.id('store'), 'RICE-1', 'Sona masoori rice', 'Staples', '1 kg', 2500, 50);

-- The rider has not reported yet; the other rider is on shift next to the store, free to claim.
update public.rider_profiles set is_available = true, location = tests.point(73.85, 18.521), last_seen_at = now()
where rider_id = pg_temp.id('other_rider');

-- Every order is delivered 1112 m north of its store, for a fee of 2000 paise.
insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location, delivery_distance_m)
select pg_temp.id(o.fixture), pg_temp.id(o.customer), pg_temp.id(o.store), pg_temp.id(o.rider), o.status::public.order_status,
       2500, 2000, 4500, '221B Baner Road, Pune', tests.point(73.85, o.lat), 1112
from (values ('order', 'customer', 'store', 'rider', 'accepted', 18.53),
             ('job', 'customer', 'store', null, 'preparing', 18.53),
             ('delivered', 'customer', 'store', 'rider', 'delivered', 18.53),
             ('suspended_order', 'suspended', 'store', 'suspended_rider', 'accepted', 18.53),
             ('stranger_order', 'stranger', 'other_store', null, 'pending', 18.61)) as o (fixture, customer, store, rider, status, lat);
insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
values (pg_temp.id('order'), pg_temp.id('rice'), 'RICE-1', 'Sona masoori rice', '1 kg', 2500, 1);

update public.profiles set status = 'suspended' where id in (pg_temp.id('suspended'), pg_temp.id('suspended_rider'));

-- ---------------------------------------------------------------------------------------------
-- new_order: the store hears of an order when the transaction that placed it commits
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.new_broadcasts(), '{}'::text[],
  'until the placing transaction commits (a deferred trigger) no store has been told of the new orders');
-- A pgTAP file never commits: fire the deferred trigger now, as a commit would.
set constraints orders_announce_new_order immediate;
select is(
  pg_temp.new_broadcasts(),
  array['store:other_store new_order stranger_order pending', 'store:store new_order delivered delivered rider=rider',
        'store:store new_order job preparing', 'store:store new_order order accepted rider=rider',
        'store:store new_order suspended_order accepted rider=suspended_rider'],
  'at commit each order goes once to its own store''s topic, store:<store_id>, as new_order'
);
select results_eq(
  $$select r.private, r.extension, r.payload ->> 'total_paise', jsonb_array_length(r.payload -> 'items'), r.payload #>> '{items,0,product_name}',
           (r.payload ->> 'delivery_lat')::double precision
    from realtime.messages r where r.topic = pg_temp.topic('store:store') and r.event = 'new_order' and r.payload ->> 'id' = pg_temp.id('order')::text$$,
  $$values (true, 'broadcast', '4500', 1, 'Sona masoori rice', 18.53::double precision)$$,
  'new_order is a private broadcast of the whole order, items included (they are there by commit)'
);

-- ---------------------------------------------------------------------------------------------
-- Rider: report_location on their delivery, stored at most once per interval, always broadcast
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.tracking('customer', 'order') -> 'rider', 'null'::jsonb, 'before the rider reports, the order page shows no rider position');
select is(pg_temp.report('rider', 'order', 18.525, 73.85),
  '{"outcome": "ok", "stored": true, "rows": 1, "broadcasts": 1}', 'the assigned rider reports a position: stored and broadcast');
select results_eq(
  $$select rider_id, extensions.st_y(location::extensions.geometry), extensions.st_x(location::extensions.geometry), recorded_at
    from public.rider_locations where order_id = pg_temp.id('order')$$,
  $$values (pg_temp.id('rider'), 18.525::double precision, 73.85::double precision, now())$$,
  'the position is stored for the order''s history, by the rider, now'
);
-- Accepted, the rider 556 m north of the store: 10 minutes' preparation, then 556 + 1112 m at
-- 18 km/h over roads 1.3 times longer: 8 minutes.
select results_eq(
  $$select r.private, r.payload ->> 'order_id', r.payload ->> 'rider_id', (r.payload ->> 'lat')::double precision,
           (r.payload ->> 'lng')::double precision, (r.payload ->> 'recorded_at')::timestamptz, (r.payload ->> 'eta_minutes')::int
    from realtime.messages r where r.topic = pg_temp.topic('order:order') and r.event = 'rider_location'$$,
  $$values (true, pg_temp.id('order')::text, pg_temp.id('rider')::text, 18.525::double precision, 73.85::double precision, now(), 18)$$,
  'it is broadcast privately on order:<id> as rider_location, with the rider, the position, the time and the ETA (18 minutes)'
);
select results_eq(
  $$select extensions.st_y(location::extensions.geometry), last_seen_at from public.rider_profiles where rider_id = pg_temp.id('rider')$$,
  $$values (18.525::double precision, now())$$,
  'the rider''s profile holds the position and when it was seen'
);
select is(pg_temp.report('rider', 'order', 18.526, 73.85),
  '{"outcome": "ok", "stored": false, "rows": 0, "broadcasts": 1}',
  'a second report within location_history_interval (30 seconds) is broadcast but not stored');
select is((select extensions.st_y(location::extensions.geometry) from public.rider_profiles where rider_id = pg_temp.id('rider')), 18.526::double precision,
  'the profile still follows every report');

-- Time passes: the stored position is 31 seconds old.
update public.rider_locations set recorded_at = recorded_at - interval '31 seconds' where order_id = pg_temp.id('order');
select is(pg_temp.report('rider', 'order', 18.527, 73.85),
  '{"outcome": "ok", "stored": true, "rows": 1, "broadcasts": 1}', 'once the interval has passed the next report is stored again');
-- The interval is a setting: with 5 minutes, a position stored 2 minutes ago is recent enough.
update public.rider_locations set recorded_at = recorded_at - interval '2 minutes' where order_id = pg_temp.id('order');
update admin.settings set location_history_interval = '5 minutes';
select is(pg_temp.report('rider', 'order', 18.528, 73.85),
  '{"outcome": "ok", "stored": false, "rows": 0, "broadcasts": 1}', 'with location_history_interval 5 minutes, a position 2 minutes old holds off the next');
update admin.settings set location_history_interval = '30 seconds';
select is(pg_temp.report('rider', 'order', 18.525, 73.85),
  '{"outcome": "ok", "stored": true, "rows": 1, "broadcasts": 1}', 'back at 30 seconds, the same report is stored');
select is(
  (select array_agg(extensions.st_y(location::extensions.geometry) order by recorded_at) from public.rider_locations where order_id = pg_temp.id('order')),
  array[18.525, 18.527, 18.525]::double precision[], 'the order''s history holds the three stored positions, not the two only broadcast');
select is(
  pg_temp.try_as('rider', format('select public.report_location(%L, %s, %s)', pg_temp.id('order'), c.lat, c.lng)), 'ok',
  'the edge of the range, ' || c.lat || ', ' || c.lng || ', is a valid position'
)
from (values (1, 90, 180), (2, -90, -180)) as c (n, lat, lng) order by c.n;

-- ---------------------------------------------------------------------------------------------
-- Nobody else reports, and nothing out of range, nothing after delivery
-- ---------------------------------------------------------------------------------------------
select is(
  pg_temp.report(r.persona, r.fixture, 18.525, 73.85),
  jsonb_build_object('outcome', r.expected, 'stored', null, 'rows', 0, 'broadcasts', 0),
  r.what || ': ' || r.expected || ', nothing stored or broadcast'
)
from (values (1, 'other_rider', 'order', '403 not_your_delivery', 'another rider cannot report on the order'),
             (2, 'rider', 'job', '403 not_your_delivery', 'the rider cannot report on an order without a rider'),
             (3, 'rider', 'store', '403 not_your_delivery', 'nor on an id that is no order'),
             (4, 'rider', 'delivered', '409 delivery_over', 'nor on their own order once it is delivered'),
             (5, 'customer', 'order', '403 riders_only', 'the customer cannot report a position'),
             (6, 'merchant', 'order', '403 riders_only', 'the merchant cannot report a position'),
             (7, 'admin', 'order', '403 riders_only', 'an admin cannot report a position'),
             (8, 'stranger', 'order', '403 riders_only', 'a stranger cannot report a position'),
             (9, 'suspended_rider', 'suspended_order', '403 riders_only', 'a suspended rider cannot report on their own delivery'),
             (10, 'anonymous', 'order', '42501', 'signed out, report_location is not executable')) as r (n, persona, fixture, expected, what)
order by r.n;
select is(
  pg_temp.report('rider', 'order', c.lat, c.lng),
  '{"outcome": "22023", "stored": null, "rows": 0, "broadcasts": 0}',
  'a position with ' || c.what || ' is refused as bad input (22023): nothing stored or broadcast'
)
from (values (1, 90.0001, 73.85, 'latitude 90.0001'), (2, -91, 73.85, 'latitude -91'), (3, 18.525, 180.5, 'longitude 180.5'),
             (4, 18.525, -181, 'longitude -181'), (5, null, 73.85, 'no latitude'), (6, 18.525, null, 'no longitude')) as c (n, lat, lng, what)
order by c.n;
select results_eq(
  $$select extensions.st_y(location::extensions.geometry), extensions.st_x(location::extensions.geometry) from public.rider_profiles where rider_id = pg_temp.id('rider')$$,
  $$values (18.525::double precision, 73.85::double precision)$$,
  'none of those moved the rider''s position'
);

-- ---------------------------------------------------------------------------------------------
-- order_tracking: the order's parties and admins see the rider and the ETA; nobody else
-- ---------------------------------------------------------------------------------------------
-- The rider was last heard from 45 seconds ago; the stored history is older still.
update public.rider_profiles set last_seen_at = now() - interval '45 seconds' where rider_id = pg_temp.id('rider');
update public.rider_locations set recorded_at = recorded_at - interval '2 minutes' where order_id = pg_temp.id('order');
select is(
  pg_temp.tracking(p.persona, 'order'),
  pg_temp.expected_tracking('order', 'accepted', 'rider', 18.525, 73.85, 45, 18),
  p.what || ' sees the status, the store and the door, the rider''s last position 45 seconds old, and an ETA of 18 minutes'
)
from (values (1, 'customer', 'the customer'), (2, 'merchant', 'the store''s merchant'), (3, 'rider', 'the rider'), (4, 'admin', 'an admin')) as p (n, persona, what)
order by p.n;
-- Nobody else gets anything: an error instead of the order.
select is(
  array(select pg_temp.tracking(t.persona, t.fixture) ? 'error' from (values ('stranger', 'order'), ('other_rider', 'order'), ('other_merchant', 'order'),
        ('suspended', 'order'), ('suspended', 'suspended_order'), ('customer', 'store')) as t (persona, fixture)),
  array_fill(true, array[6]),
  'a stranger, another rider, another store''s merchant and a suspended customer (even for their own order) get an error and no tracking, as for an id that is no order'
);
-- Anyone who may not read the order gets the 404 the API documents, and no data.
select is(pg_temp.tracking(p.persona, p.fixture), '{"error": "404 order_not_found"}', p.what || ' gets 404 order_not_found')
from (values (1, 'stranger', 'order', 'a stranger'), (2, 'other_rider', 'order', 'another rider'),
             (3, 'other_merchant', 'order', 'another store''s merchant'), (4, 'suspended', 'order', 'a suspended customer'),
             (5, 'suspended', 'suspended_order', 'a suspended customer, for their own order,'),
             (6, 'customer', 'store', 'an id that is no order')) as p (n, persona, fixture, what)
order by p.n;
select is(pg_temp.tracking('anonymous', 'order'), '{"error": "42501"}', 'signed out, order_tracking is not executable: 42501');
-- Preparing without a rider: 10 minutes' preparation and 1112 m from the store (5 minutes).
select is(pg_temp.tracking('customer', 'job'), pg_temp.expected_tracking('job', 'preparing', null, null, null, null, 15),
  'an order without a rider shows no position, and the ETA from the store: 15 minutes');
-- Delivered: only the stored history counts, not where the rider has gone since.
insert into public.rider_locations (rider_id, order_id, location, recorded_at)
values (pg_temp.id('rider'), pg_temp.id('delivered'), tests.point(73.85, 18.53), now() - interval '10 minutes');
select is(pg_temp.tracking('customer', 'delivered'), pg_temp.expected_tracking('delivered', 'delivered', 'rider', 18.53, 73.85, 600, null),
  'a delivered order shows the last stored position of its delivery (10 minutes old), not the rider''s current one, and no ETA');
select is(
  array(select pg_temp.readable_track(p) from unnest(array['customer', 'merchant', 'rider', 'admin', 'stranger', 'other_rider', 'other_merchant']) as p),
  array[4, 4, 4, 4, 0, 0, 0]::bigint[],
  'the stored track of the orders is read by the customer, the merchant, the rider and admins, and by nobody else'
);

-- ---------------------------------------------------------------------------------------------
-- order_changed, job_ready and job_taken as the order moves
-- ---------------------------------------------------------------------------------------------
do $$ begin perform pg_temp.new_broadcasts(); end $$;
select is(tests.outcome_as('merchant', format('select public.update_order_status(%L, ''preparing'')', pg_temp.id('order'))), 'ok',
  'the merchant starts preparing the order');
select is(pg_temp.new_broadcasts(),
  array['order:order order_changed order preparing rider=rider', 'store:store order_changed order preparing rider=rider'],
  'a status change goes to order:<id> and to store:<store_id> as order_changed, once each');
select is(
  (select pg_temp.payload('order:order', 'order_changed') - 'updated_at' - 'id'),
  jsonb_build_object('order_id', pg_temp.id('order'), 'status', 'preparing', 'previous_status', 'accepted', 'status_reason', null, 'rider_id', pg_temp.id('rider')),
  'order_changed carries the order, the new and the previous status, the reason and the rider'
);
-- The trigger fires for any update naming status or rider_id; only a real change is news.
update public.orders set status = status, rider_id = rider_id, notes = 'Ring twice' where id = pg_temp.id('order');
select is(pg_temp.new_broadcasts(), '{}'::text[], 'an update that leaves the status and the rider as they were sends nothing');
select is(tests.outcome_as('merchant', format('select public.update_order_status(%L, ''ready'')', pg_temp.id('order'))), 'ok',
  'the merchant marks the order ready');
select is(pg_temp.new_broadcasts(),
  array['order:order order_changed order ready rider=rider', 'store:store order_changed order ready rider=rider'],
  'an order that is ready with its rider already assigned is no job for other riders: no job_ready');

select is(tests.outcome_as('merchant', format('select public.update_order_status(%L, ''ready'')', pg_temp.id('job'))), 'ok',
  'the merchant marks the order without a rider ready');
select is(pg_temp.new_broadcasts(),
  array['jobs:370:1230 job_ready job', 'order:job order_changed job ready', 'store:store order_changed job ready'],
  'a ready order without a rider also goes to its store''s jobs cell (18.52 N 73.85 E: jobs:370:1230) as job_ready');
select is(
  (select pg_temp.payload('jobs:370:1230', 'job_ready') - 'id'),
  jsonb_build_object('order_id', pg_temp.id('job'), 'store_id', pg_temp.id('store'), 'store_name', 'Sharma Kirana',
    'store_lat', 18.52::double precision, 'store_lng', 73.85::double precision, 'delivery_distance_m', 1112, 'delivery_fee_paise', 2000),
  'job_ready says where to pick up, how far to deliver and what it pays, and nothing about the customer'
);
select is(tests.outcome_as('other_rider', format('select public.claim_delivery(%L)', pg_temp.id('job'))), 'ok', 'another rider claims the job');
select is(pg_temp.new_broadcasts(),
  array['jobs:370:1230 job_taken job', 'order:job order_changed job ready rider=other_rider', 'store:store order_changed job ready rider=other_rider'],
  'the claim is an order_changed (new rider) on the order and store topics, and job_taken for the other riders');
select is(pg_temp.payload('jobs:370:1230', 'job_taken') - 'id', jsonb_build_object('order_id', pg_temp.id('job')),
  'job_taken names only the order');
select is(pg_temp.access('other_rider', 'order:job'), 'receive', 'the claiming rider now receives the order''s topic');
select is(tests.outcome_as('other_rider', format('select public.release_delivery(%L)', pg_temp.id('job'))), 'ok', 'and gives the job up');
select is(pg_temp.new_broadcasts(),
  array['jobs:370:1230 job_ready job', 'order:job order_changed job ready', 'store:store order_changed job ready'],
  'giving it up is an order_changed without a rider, and the job is offered again with job_ready');
select is(pg_temp.access('other_rider', 'order:job'), 'none', 'the rider who gave it up no longer receives the order''s topic');

select is(tests.outcome_as('rider', format('select public.update_order_status(%L, ''picked_up'')', pg_temp.id('order'))), 'ok',
  'the rider picks the order up');
select is(pg_temp.new_broadcasts(),
  array['order:order order_changed order picked_up rider=rider', 'store:store order_changed order picked_up rider=rider'],
  'pickup is an order_changed on the order and store topics');
-- Picked up, the rider 556 m from the door: 3 minutes.
select is(pg_temp.report('rider', 'order', 18.525, 73.85) ->> 'outcome', 'ok', 'the rider reports on the way to the door');
select is(pg_temp.new_broadcasts(), array['order:order rider_location order rider=rider'],
  'the position goes to order:<id> only, not to the store or the riders');
select is((pg_temp.payload('order:order', 'rider_location') ->> 'eta_minutes')::int, 3,
  'after pickup the broadcast ETA is the ride from the rider to the door: 3 minutes');
select is(pg_temp.tracking('customer', 'order'), pg_temp.expected_tracking('order', 'picked_up', 'rider', 18.525, 73.85, 0, 3),
  'and the order page shows the fresh position (0 seconds old) and the same 3 minutes');

-- ---------------------------------------------------------------------------------------------
-- Who receives order:<id>, store:<id> and jobs:<row>:<col>, persona by persona. Nobody but the
-- database sends on them: 'receive' means receive only, no client broadcast or presence.
-- ---------------------------------------------------------------------------------------------
-- Customer
select is(pg_temp.access('customer', t.label), t.expected, 'the customer: ' || t.label || ' ' || t.expected)
from (values (1, 'order:order', 'receive'), (2, 'order:job', 'receive'), (3, 'order:stranger_order', 'none'),
             (4, 'store:store', 'none'), (5, 'jobs:370:1230', 'none')) as t (n, label, expected)
order by t.n;
-- Merchant
select is(pg_temp.access('merchant', t.label), t.expected, 'the store''s merchant: ' || t.label || ' ' || t.expected)
from (values (1, 'order:order', 'receive'), (2, 'order:suspended_order', 'receive'), (3, 'store:store', 'receive'),
             (4, 'order:stranger_order', 'none'), (5, 'store:other_store', 'none'), (6, 'jobs:370:1230', 'none')) as t (n, label, expected)
order by t.n;
select is(pg_temp.access('other_merchant', t.label), t.expected, 'another store''s merchant: ' || t.label || ' ' || t.expected)
from (values (1, 'order:order', 'none'), (2, 'store:store', 'none'), (3, 'store:other_store', 'receive'),
             (4, 'order:stranger_order', 'receive')) as t (n, label, expected)
order by t.n;
-- Rider
select is(pg_temp.access('rider', t.label), t.expected, 'the order''s rider: ' || t.label || ' ' || t.expected)
from (values (1, 'order:order', 'receive'), (2, 'jobs:370:1230', 'receive'), (3, 'order:job', 'none'),
             (4, 'store:store', 'none'), (5, 'jobs:371:1231', 'receive'), (6, 'jobs:369:1229', 'receive'),
             (7, 'jobs:372:1230', 'none'), (8, 'jobs:370:1232', 'none')) as t (n, label, expected)
order by t.n;
-- Other rider
select is(pg_temp.access('other_rider', t.label), t.expected, 'another rider: ' || t.label || ' ' || t.expected)
from (values (1, 'order:order', 'none'), (2, 'jobs:370:1230', 'receive'), (3, 'store:store', 'none'), (4, 'jobs:368:1230', 'none')) as t (n, label, expected)
order by t.n;
-- Admin
select is(pg_temp.access('admin', t.label), t.expected, 'an admin: ' || t.label || ' ' || t.expected)
from (values (1, 'order:order', 'receive'), (2, 'order:stranger_order', 'receive'), (3, 'store:store', 'receive'),
             (4, 'store:other_store', 'receive'), (5, 'jobs:370:1230', 'none')) as t (n, label, expected)
order by t.n;
-- Stranger
select is(pg_temp.access('stranger', t.label), t.expected, 'a stranger: ' || t.label || ' ' || t.expected)
from (values (1, 'order:order', 'none'), (2, 'store:store', 'none'), (3, 'jobs:370:1230', 'none'),
             (4, 'order:stranger_order', 'receive')) as t (n, label, expected)
order by t.n;
-- Suspended
select is(pg_temp.access(t.persona, t.label), 'none', t.what || ': ' || t.label || ' none')
from (values (1, 'suspended', 'order:suspended_order', 'a suspended customer'),
             (2, 'suspended_rider', 'order:suspended_order', 'a suspended rider'),
             (3, 'suspended_rider', 'jobs:370:1230', 'a suspended rider')) as t (n, persona, label, what)
order by t.n;
-- Anonymous
select is(pg_temp.access('anonymous', t.label), 'none', 'signed out: ' || t.label || ' none')
from (values (1, 'order:order'), (2, 'store:store'), (3, 'jobs:370:1230')) as t (n, label)
order by t.n;
-- Malformed topics, and well-formed ones naming nothing: refused, and without an error (which
-- Realtime would log as a policy error). The admin passes any real order or store topic.
select is(pg_temp.access(t.persona, replace(replace(t.label, '<order id>', pg_temp.id('order')::text), '<store id>', pg_temp.id('store')::text)),
  'none', t.persona || ' is refused ' || quote_literal(t.label) || ' without an error')
from (values (1, 'admin', 'order:not-a-uuid'), (2, 'admin', 'order:'), (3, 'admin', 'store:1234'), (4, 'admin', 'orders:<order id>'),
             (5, 'admin', 'order:<order id>:extra'), (6, 'admin', 'order: <order id>'), (7, 'admin', 'order:<store id>'),
             (8, 'admin', 'store:<order id>'), (9, 'admin', ''), (10, 'admin', 'order'),
             (11, 'rider', 'riders:available'), (12, 'rider', 'jobs:370'), (13, 'rider', 'jobs:370:1230 '),
             (14, 'rider', 'jobs:370:1230:1'), (15, 'rider', 'jobs:a:b'), (16, 'rider', 'jobs:3700000000:1230')) as t (n, persona, label)
order by t.n;

select * from finish();
rollback;
