-- Dispatch and handover through the API: suggest_riders and assign_rider for the store (or an
-- admin), ready_jobs, claim_delivery and release_delivery for riders, pickup by the current
-- rider only, and the handover (handover_code and the signed handover_token for the customer,
-- the public key in handover_check for the rider, deliver_order counting wrong codes and tokens
-- up to the lock, unlock_handover by the store or an admin). Uses the helpers from 000_test_helpers.sql.
begin;

select plan(151);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to the helpers can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('dispatch', name, role, status) from (values
  ('customer',         'customer', 'active'),
  ('stranger',         'customer', 'active'),
  ('merchant',         'merchant', 'active'),
  ('other_merchant',   'merchant', 'active'),
  ('admin',            'admin',    'active'),
  ('suspended_admin',  'admin',    'suspended'),
  ('near',             'rider',    'active'),
  ('spare',            'rider',    'active'),
  ('mid',              'rider',    'active'),
  ('far',              'rider',    'active'),
  ('distant',          'rider',    'active'),
  ('off',              'rider',    'active'),
  ('stale',            'rider',    'active'),
  ('suspended_rider',  'rider',    'suspended'),
  ('busy',             'rider',    'active'),
  ('nowhere',          'rider',    'active'),
  ('door',             'rider',    'active')
) as p(name, role, status);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values
  ('store'), ('other_store'), ('rice'),
  ('pending'), ('accepted'), ('preparing'), ('ready'), ('ready2'), ('other_ready'), ('picked_up'), ('delivered'),
  ('busy_order'), ('door_order');

-- What the customer was shown, kept to compare with what the rider's device gets.
create temp table seen (name text primary key, value jsonb not null);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- The jsonb a statement returns, signed in as the persona; back to the owner afterwards.
create function pg_temp.json_as(persona text, statement text) returns jsonb
language plpgsql
as $$
declare
  result jsonb;
begin
  perform tests.sign_in(persona);
  execute statement into result;
  perform tests.clear_authentication();
  return result;
end
$$;

create function pg_temp.id(fixture text) returns uuid
language sql stable
as $$ select coalesce((select id from fixtures where name = fixture), (select id from personas where name = fixture)) $$;

-- The rider of an order, by persona name (null when none).
create function pg_temp.rider_of(fixture text) returns text
language sql stable
as $$ select p.name from public.orders o left join personas p on p.id = o.rider_id where o.id = pg_temp.id(fixture) $$;

-- Riders the persona is suggested for an order, nearest first.
create function pg_temp.suggested(persona text, fixture text, max_results integer default 10) returns text[]
language plpgsql
as $$
declare
  result text[];
begin
  perform tests.sign_in(persona);
  select array_agg(p.name order by s.ord) into result
  from public.suggest_riders(pg_temp.id(fixture), max_results) with ordinality as s (rider_id, full_name, vehicle, distance_m, last_seen_at, ord)
  join personas p on p.id = s.rider_id;
  perform tests.clear_authentication();
  return coalesce(result, '{}');
end
$$;

-- The jobs a rider is offered, nearest first.
create function pg_temp.jobs(persona text) returns text[]
language plpgsql
as $$
declare
  result text[];
begin
  perform tests.sign_in(persona);
  select array_agg(f.name order by j.distance_to_store_m, f.name) into result
  from public.ready_jobs() j join fixtures f on f.id = j.order_id;
  perform tests.clear_authentication();
  return coalesce(result, '{}');
end
$$;

create function pg_temp.code(fixture text) returns text
language sql stable
as $$ select code from private.handover_codes where order_id = pg_temp.id(fixture) $$;

-- A code that is not the order's.
create function pg_temp.wrong_code(fixture text) returns text
language sql stable
as $$ select lpad(((pg_temp.code(fixture)::integer + 1) % 10000)::text, 4, '0') $$;

create function pg_temp.deliver_sql(fixture text, code text) returns text
language sql stable
as $$ select format('select public.deliver_order(%L, %L)', pg_temp.id(fixture), code) $$;

create function pg_temp.deliver_token_sql(fixture text, token text) returns text
language sql stable
as $$ select format('select public.deliver_order(%L, handover_token => %L)', pg_temp.id(fixture), token) $$;

-- The customer's handover token for an order, as handover_token gives it.
create function pg_temp.token(fixture text) returns text
language sql
as $$ select pg_temp.json_as('customer', format('select to_jsonb(public.handover_token(%L))', pg_temp.id(fixture))) ->> 0 $$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
-- The store at 18.52 N, 73.85 E; the other store 8.9 km north of it.
insert into public.stores (id, owner_id, name, address, location, opening_hours, status, approved_at)
select f.id, p.id, s.name, '12 FC Road, Pune', tests.point(73.85, s.lat),
       '{"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]],
         "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}',
       'approved', now()
from (values ('store', 'merchant', 'Sharma Kirana', 18.52), ('other_store', 'other_merchant', 'Patil Provisions', 18.60)) as s (fixture, owner, name, lat)
join fixtures f on f.name = s.fixture
join personas p on p.name = s.owner;
insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock)
values (pg_temp.id('rice'), pg_temp.id('store'), 'RICE-1', 'Sona masoori rice', 'Staples', '1 kg', 2500, 50);

-- Riders due north of the store: on shift and seen 30 s ago at 556 m (near), 778 m (spare),
-- 1.5 km (mid), 4 km (far) and 8 km (distant, 890 m from the other store). Nearer still but
-- not free: off shift (111 m), seen 3 minutes ago (stale, 222 m), suspended (334 m), delivering
-- for the other store (busy, 445 m). nowhere is on shift with no position; door is delivering.
update public.rider_profiles r
set is_available = v.available, location = tests.point(73.85, 18.52 + v.north), last_seen_at = now() - v.seen
from (values ('near', true, 0.005, interval '30 seconds'), ('spare', true, 0.007, interval '30 seconds'),
             ('mid', true, 0.0135, interval '30 seconds'), ('far', true, 0.036, interval '30 seconds'),
             ('distant', true, 0.072, interval '30 seconds'), ('off', false, 0.001, interval '30 seconds'),
             ('stale', true, 0.002, interval '3 minutes'), ('suspended_rider', true, 0.003, interval '30 seconds'),
             ('busy', true, 0.004, interval '30 seconds'), ('nowhere', true, null, interval '30 seconds'),
             ('door', false, 0.01, interval '30 seconds')) as v (name, available, north, seen)
join personas p on p.name = v.name
where r.rider_id = p.id;

insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location, delivery_distance_m)
select f.id, pg_temp.id('customer'), pg_temp.id(o.store), pg_temp.id(o.rider), o.status::public.order_status, 2500, 2000, 4500,
       '221B Baner Road, Pune', tests.point(73.85, 18.53), 1112
from (values ('pending', 'store', null, 'pending'), ('accepted', 'store', null, 'accepted'),
             ('preparing', 'store', null, 'preparing'), ('ready', 'store', null, 'ready'), ('ready2', 'store', null, 'ready'),
             ('other_ready', 'other_store', null, 'ready'), ('picked_up', 'store', 'door', 'picked_up'),
             ('delivered', 'store', 'mid', 'delivered'), ('busy_order', 'other_store', 'busy', 'accepted'),
             ('door_order', 'store', 'door', 'picked_up')) as o (fixture, store, rider, status)
join fixtures f on f.name = o.fixture;
insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
select f.id, pg_temp.id('rice'), 'RICE-1', 'Sona masoori rice', '1 kg', 2500, 1
from fixtures f where f.name in ('pending', 'accepted', 'preparing', 'ready', 'ready2', 'other_ready', 'picked_up', 'delivered', 'busy_order', 'door_order');

-- ---------------------------------------------------------------------------------------------
-- suggest_riders: the store's merchant and admins see the free riders nearest the store
-- ---------------------------------------------------------------------------------------------
select is(
  pg_temp.suggested('merchant', 'accepted'),
  array['near', 'spare', 'mid', 'far', 'distant'],
  'the merchant is suggested the free riders nearest first; off shift, stale, suspended, busy and unlocated riders are left out'
);
select tests.sign_in('merchant');
select results_eq(
  $$select round(distance_m)::int, last_seen_at > now() - interval '1 minute', full_name, vehicle::text
    from public.suggest_riders(pg_temp.id('accepted'), 2)$$,
  $$values (556, true, '', 'scooter'), (778, true, '', 'scooter')$$,
  'suggestions give the distance to the store in metres, when each rider was last seen, name and vehicle; max_results caps them'
);
select is(tests.outcome($$select * from public.suggest_riders(pg_temp.id('accepted'), 0)$$), '22023', 'max_results 0 is refused: 22023');
select is(tests.outcome($$select * from public.suggest_riders(pg_temp.id('accepted'), 51)$$), '22023', 'max_results 51 is refused: 22023');
select tests.clear_authentication();
select is(pg_temp.suggested('admin', 'accepted'), array['near', 'spare', 'mid', 'far', 'distant'], 'an admin is suggested the same riders');
select is(
  tests.outcome_as(p.name, format('select * from public.suggest_riders(%L)', pg_temp.id('accepted'))),
  '404 order_not_found',
  p.what || ' gets no suggestions: 404 order_not_found'
)
from (values ('customer', 'the customer'), ('near', 'a rider'), ('other_merchant', 'another store''s merchant'),
             ('stranger', 'another customer'), ('suspended_admin', 'a suspended admin')) as p (name, what);
-- A delivered order keeps nobody busy: mid (who delivered one) is suggested above. The
-- location timeout comes from admin.settings.
update admin.settings set rider_location_timeout = '5 minutes';
select is(pg_temp.suggested('merchant', 'accepted'), array['stale', 'near', 'spare', 'mid', 'far', 'distant'],
  'with a 5-minute location timeout in admin.settings, the rider seen 3 minutes ago is suggested too');
update admin.settings set rider_location_timeout = '2 minutes';

-- ---------------------------------------------------------------------------------------------
-- assign_rider: the store's merchant or an admin gives a live order to a free rider
-- ---------------------------------------------------------------------------------------------
select is(
  tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('accepted'), pg_temp.id('near'))),
  'ok', 'the merchant assigns the nearest rider to an accepted order');
select is(pg_temp.rider_of('accepted'), 'near', 'the order now has that rider');
select tests.sign_in('near');
select results_eq($$select id from public.orders$$, $$values (pg_temp.id('accepted'))$$, 'the assigned rider reads the order');
select tests.clear_authentication();
select is(pg_temp.suggested('merchant', 'preparing'), array['spare', 'mid', 'far', 'distant'],
  'a rider with a live order is no longer suggested for another');

select is(
  tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('preparing'), pg_temp.id(r.name))),
  '409 rider_unavailable',
  'assigning ' || r.what || ' is refused: 409 rider_unavailable'
)
from (values ('near', 'a rider already on a live order'), ('busy', 'a rider delivering for another store'),
             ('off', 'a rider off shift'), ('stale', 'a rider not seen for 3 minutes'), ('suspended_rider', 'a suspended rider'),
             ('nowhere', 'a rider with no position'), ('customer', 'someone who is not a rider')) as r (name, what);
select is(pg_temp.rider_of('preparing'), null, 'after those refusals the preparing order still has no rider');

select is(
  tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id(o.fixture), pg_temp.id('spare'))),
  '409 invalid_transition',
  'a rider cannot be assigned to an order that is ' || o.fixture || ': 409 invalid_transition'
)
from (values ('pending'), ('picked_up'), ('delivered')) as o (fixture);
select is(
  array[pg_temp.rider_of('pending'), pg_temp.rider_of('picked_up'), pg_temp.rider_of('delivered')],
  array[null, 'door', 'mid'],
  'those orders keep their riders'
);

select is(
  tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('accepted'), pg_temp.id('mid'))),
  'ok', 'the merchant reassigns the accepted order to another free rider');
select is(pg_temp.rider_of('accepted'), 'mid', 'the new rider replaces the old one');
select tests.sign_in('near');
select is_empty($$select 1 from public.orders where id = pg_temp.id('accepted')$$, 'the replaced rider can no longer read the order');
select is_empty($$select 1 from public.order_items where order_id = pg_temp.id('accepted')$$, 'nor its items');
select tests.sign_in('mid');
select isnt_empty($$select 1 from public.orders where id = pg_temp.id('accepted')$$, 'the new rider reads the order');
select tests.clear_authentication();
select is(
  tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('accepted'), pg_temp.id('mid'))),
  'ok', 'assigning the order''s own rider again is accepted and changes nothing');
select is(pg_temp.rider_of('accepted'), 'mid', 'the order keeps its rider');

select is(
  tests.outcome_as(p.name, format('select public.assign_rider(%L, %L)', pg_temp.id('preparing'), pg_temp.id('far'))),
  '404 order_not_found',
  p.what || ' cannot assign a rider: 404 order_not_found'
)
from (values ('customer', 'the customer'), ('far', 'a rider (even assigning themselves)'), ('other_merchant', 'another store''s merchant'),
             ('stranger', 'another customer'), ('suspended_admin', 'a suspended admin')) as p (name, what);
select is(
  tests.outcome_as('admin', format('select public.assign_rider(%L, %L)', pg_temp.id('preparing'), pg_temp.id('far'))),
  'ok', 'an admin assigns a free rider to a preparing order');
select is(pg_temp.rider_of('preparing'), 'far', 'the preparing order now has that rider');

-- ---------------------------------------------------------------------------------------------
-- ready_jobs: unassigned ready orders within the claim radius of the rider
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.jobs('near'), array['ready', 'ready2'],
  'a rider near the store is offered its two unassigned ready orders, not assigned or unready ones, nor the other store''s 8 km away');
select is(pg_temp.jobs('distant'), array['other_ready'], 'a rider 8 km from the store is offered only the other store''s job, 890 m away');
select is(pg_temp.jobs('nowhere'), '{}'::text[], 'a rider with no position is offered nothing');
select tests.sign_in('near');
select results_eq(
  $$select store_name, round(distance_to_store_m)::int, delivery_distance_m, items from public.ready_jobs(1)$$,
  $$values ('Sharma Kirana', 556, 1112, 1)$$,
  'a job shows the store, the rider''s distance to it, the delivery distance and the item count; max_results caps them'
);
select is(tests.outcome($$select * from public.ready_jobs(0)$$), '22023', 'ready_jobs refuses max_results 0: 22023');
select tests.clear_authentication();
update admin.settings set claim_radius_m = 10000;
select is(pg_temp.jobs('distant'), array['other_ready', 'ready', 'ready2'], 'with claim_radius_m 10 km in admin.settings the distant rider is offered all three');
update admin.settings set claim_radius_m = 5000;
select is(
  tests.outcome_as(p.name, 'select * from public.ready_jobs()'),
  '403 riders_only',
  p.what || ' is offered no jobs: 403 riders_only'
)
from (values ('customer', 'a customer'), ('merchant', 'a merchant'), ('admin', 'an admin'), ('suspended_rider', 'a suspended rider')) as p (name, what);

-- ---------------------------------------------------------------------------------------------
-- claim_delivery: the first free rider near the store wins
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as('near', format('select public.claim_delivery(%L)', pg_temp.id('ready'))), 'ok', 'a free rider near the store claims a ready job');
select is(pg_temp.rider_of('ready'), 'near', 'the job is theirs');
select is(tests.outcome_as('spare', format('select public.claim_delivery(%L)', pg_temp.id('ready'))), '409 already_claimed',
  'a second rider claiming the same job is told 409 already_claimed');
select is(pg_temp.rider_of('ready'), 'near', 'the first claim stands');
select is(pg_temp.jobs('spare'), array['ready2'], 'the claimed job is no longer offered');
select is(
  tests.outcome_as(c.rider, format('select public.claim_delivery(%L)', pg_temp.id(c.fixture))),
  c.expected,
  c.what || ': ' || c.expected
)
from (values (1, 'near', 'ready2', '409 rider_unavailable', 'a rider with a live delivery cannot claim another'),
             (2, 'off', 'ready2', '409 rider_unavailable', 'a rider off shift cannot claim'),
             (3, 'stale', 'ready2', '409 rider_unavailable', 'a rider not seen for 3 minutes cannot claim'),
             (4, 'nowhere', 'ready2', '409 rider_unavailable', 'a rider with no position cannot claim'),
             (5, 'distant', 'ready2', '409 too_far', 'a rider 8 km from the store cannot claim its job'),
             (6, 'spare', 'accepted', '404 job_not_found', 'an order that is not ready is no job'),
             (7, 'spare', 'picked_up', '404 job_not_found', 'an order already picked up is no job'),
             (8, 'spare', 'store', '404 job_not_found', 'an id that is no order is no job'),
             (9, 'customer', 'ready2', '403 riders_only', 'a customer cannot claim a job'),
             (10, 'merchant', 'ready2', '403 riders_only', 'a merchant cannot claim a job'),
             (11, 'admin', 'ready2', '403 riders_only', 'an admin cannot claim a job'),
             (12, 'suspended_rider', 'ready2', '403 riders_only', 'a suspended rider cannot claim a job')) as c (n, rider, fixture, expected, what)
order by c.n;
select is(pg_temp.rider_of('ready2'), null, 'after those refusals the second ready order is still unclaimed');

-- ---------------------------------------------------------------------------------------------
-- release_delivery, and pickup by the current rider only
-- ---------------------------------------------------------------------------------------------
select is(
  tests.outcome_as(p.name, format('select public.release_delivery(%L)', pg_temp.id('ready'))),
  '404 order_not_found',
  p.what || ' cannot give up the rider''s job: 404 order_not_found'
)
from (values ('spare', 'another rider'), ('merchant', 'the merchant'), ('customer', 'the customer')) as p (name, what);
select is(tests.outcome_as('near', format('select public.release_delivery(%L)', pg_temp.id('ready'))), 'ok', 'the rider gives the job up before pickup');
select is(pg_temp.rider_of('ready'), null, 'the order has no rider again');
select is(pg_temp.jobs('spare'), array['ready', 'ready2'], 'the job is back in the pool for other riders');
select tests.sign_in('near');
select is_empty($$select 1 from public.orders where id = pg_temp.id('ready')$$, 'the rider who gave it up no longer reads the order');
select tests.clear_authentication();
select is(tests.outcome_as('spare', format('select public.claim_delivery(%L)', pg_temp.id('ready'))), 'ok', 'another rider claims the released job');

select is(
  tests.outcome_as(p.name, format('select public.update_order_status(%L, ''picked_up'')', pg_temp.id('ready'))),
  p.expected,
  p.what || ' cannot mark the order picked up: ' || p.expected
)
from (values ('near', 'the rider who gave it up', '404 order_not_found'), ('mid', 'another rider', '404 order_not_found'),
             ('merchant', 'the merchant', '409 invalid_transition'), ('customer', 'the customer', '409 invalid_transition')) as p (name, what, expected);
select is(tests.outcome_as('spare', format('select public.update_order_status(%L, ''picked_up'')', pg_temp.id('ready'))), 'ok',
  'the current rider marks the order picked up');
select is(tests.outcome_as('spare', format('select public.release_delivery(%L)', pg_temp.id('ready'))), '409 invalid_transition',
  'a job cannot be given up after pickup: 409 invalid_transition');
select is(
  tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('ready2'), pg_temp.id('near'))),
  'ok', 'the merchant assigns a free rider to a ready order, which leaves the pool');
select is(pg_temp.jobs('distant') || pg_temp.jobs('near'), array['other_ready'], 'no ready job of the store is left to claim');

-- ---------------------------------------------------------------------------------------------
-- Handover: the customer's code, the rider's offline check, wrong codes and the lock
-- ---------------------------------------------------------------------------------------------
insert into seen values ('code', pg_temp.json_as('customer', format('select to_jsonb(public.handover_code(%L))', pg_temp.id('ready'))));
select is((select value ->> 0 from seen where name = 'code'), pg_temp.code('ready'), 'the customer sees the order''s 4-digit handover code');
select matches((select value ->> 0 from seen where name = 'code'), '^[0-9]{4}$', 'the code is four digits');
select is(
  tests.outcome_as(p.name, format('select public.handover_code(%L)', pg_temp.id('ready'))),
  '404 order_not_found',
  p.what || ' cannot see the handover code: 404 order_not_found'
)
from (values ('merchant', 'the merchant'), ('spare', 'the rider'), ('stranger', 'another customer'), ('admin', 'an admin')) as p (name, what);

insert into seen values ('token', to_jsonb(pg_temp.token('ready')));
select is(
  string_to_array((select value ->> 0 from seen where name = 'token'), '.')::text[],
  array[pg_temp.id('ready')::text, (select nonce from private.handover_codes where order_id = pg_temp.id('ready')),
        split_part((select value ->> 0 from seen where name = 'token'), '.', 3)],
  'the customer''s handover token is the order id, the order''s nonce and a signature'
);
select matches(split_part((select value ->> 0 from seen where name = 'token'), '.', 3), '^[A-Za-z0-9_-]{86}$',
  'the signature is 64 bytes (r || s) in base64url');
select is(pg_temp.token('ready'), (select value ->> 0 from seen where name = 'token'), 'asking again gives the same token');
select isnt(pg_temp.token('door_order'), pg_temp.token('ready'), 'another order has another token');
select is(
  tests.outcome_as(p.name, format('select public.handover_token(%L)', pg_temp.id('ready'))),
  '404 order_not_found',
  p.what || ' cannot get the handover token: 404 order_not_found'
)
from (values ('merchant', 'the merchant'), ('spare', 'the rider'), ('stranger', 'another customer'), ('admin', 'an admin')) as p (name, what);
select is(
  (select '\x04'::bytea || private.bytes_of(q.x, 32) || private.bytes_of(q.y, 32) from private.handover_signing_key k, private.p256_base_multiply(k.private_key) q),
  (select public_key from private.handover_signing_key),
  'the public key is the private key times the P-256 base point'
);
select ok(
  not has_table_privilege(r, t, 'select'),
  r || ' cannot read ' || t
)
from unnest(array['anon', 'authenticated', 'service_role']) as r
cross join unnest(array['private.handover_signing_key', 'private.handover_codes']) as t;

select is(
  pg_temp.json_as('spare', format('select public.handover_check(%L)', pg_temp.id('ready'))),
  jsonb_build_object('order_id', pg_temp.id('ready'), 'public_key', (select private.base64url(public_key) from private.handover_signing_key),
                     'algorithm', 'ECDSA P-256 SHA-256', 'attempts_left', 5, 'locked', false),
  'the rider gets the platform''s public key to verify the token offline, 5 attempts and no lock, and nothing else'
);
select is(
  pg_temp.json_as('door', format('select public.handover_check(%L)', pg_temp.id('door_order'))) - 'order_id',
  pg_temp.json_as('spare', format('select public.handover_check(%L)', pg_temp.id('ready'))) - 'order_id',
  'apart from the order id every order''s check is the same: nothing in it depends on the code or the token'
);
select is(
  tests.outcome_as(p.name, format('select public.handover_check(%L)', pg_temp.id('ready'))),
  '404 order_not_found',
  p.what || ' gets no handover check: 404 order_not_found'
)
from (values ('customer', 'the customer'), ('merchant', 'the merchant'), ('near', 'another rider')) as p (name, what);

select is(
  tests.outcome_as('spare', pg_temp.deliver_sql('ready', c.code)),
  '22023',
  'a handover code that is ' || c.what || ' is refused: 22023'
)
from (values ('12a4', 'not all digits'), ('123', 'three digits'), ('12345', 'five digits'), (null, 'missing')) as c (code, what);
select is(
  tests.outcome_as(p.name, pg_temp.deliver_sql('ready', pg_temp.code('ready'))),
  '404 order_not_found',
  p.what || ' cannot deliver the order, even with the right code: 404 order_not_found'
)
from (values ('merchant', 'the merchant'), ('customer', 'the customer'), ('near', 'another rider')) as p (name, what);
select is((select failed_attempts from private.handover_codes where order_id = pg_temp.id('ready')), 0, 'none of that counted as an attempt');

select is(
  pg_temp.json_as('spare', pg_temp.deliver_sql('ready', pg_temp.wrong_code('ready'))),
  '{"delivered": false, "code": "wrong_handover_code", "attempts_left": 4, "locked": false, "order": null}'::jsonb,
  'a wrong code is an answer, not an error: not delivered, 4 attempts left'
);
select is((select failed_attempts from private.handover_codes where order_id = pg_temp.id('ready')), 1,
  'the wrong attempt is stored (the call succeeded, so the API commits it)');
select is(
  pg_temp.json_as('spare', pg_temp.deliver_sql('ready', pg_temp.wrong_code('ready'))) -> 'attempts_left',
  to_jsonb(a.left_), format('wrong code number %s leaves %s attempt%s', 5 - a.left_, a.left_, case when a.left_ > 1 then 's' end)
)
from unnest(array[3, 2, 1]) as a (left_) order by a.left_ desc;
select is(
  pg_temp.json_as('spare', pg_temp.deliver_sql('ready', pg_temp.wrong_code('ready'))),
  '{"delivered": false, "code": "wrong_handover_code", "attempts_left": 0, "locked": true, "order": null}'::jsonb,
  'the fifth wrong code locks the handover'
);
select is(tests.outcome_as('spare', pg_temp.deliver_sql('ready', pg_temp.code('ready'))), '423 handover_locked',
  'once locked even the right code is refused: 423 handover_locked');
select is(tests.outcome_as('spare', pg_temp.deliver_token_sql('ready', pg_temp.token('door_order'))), '423 handover_locked',
  'so is another order''s token: 423 handover_locked');
select results_eq(
  $$select o.status::text, h.failed_attempts, h.locked_at is not null
    from public.orders o join private.handover_codes h on h.order_id = o.id where o.id = pg_temp.id('ready')$$,
  $$values ('picked_up', 5, true)$$,
  'the order is still picked up, with 5 failed attempts and the lock time'
);
select is(
  (select jsonb_build_object('attempts_left', c -> 'attempts_left', 'locked', c -> 'locked')
   from pg_temp.json_as('spare', format('select public.handover_check(%L)', pg_temp.id('ready'))) c),
  '{"attempts_left": 0, "locked": true}'::jsonb,
  'the rider''s check shows the lock'
);

select is(
  tests.outcome_as(p.name, format('select public.unlock_handover(%L, ''Customer showed ID'')', pg_temp.id('ready'))),
  '404 order_not_found',
  p.what || ' cannot unlock the handover: 404 order_not_found'
)
from (values ('spare', 'the rider'), ('customer', 'the customer'), ('other_merchant', 'another store''s merchant'),
             ('suspended_admin', 'a suspended admin')) as p (name, what);
select is(tests.outcome_as('merchant', format('select public.unlock_handover(%L, ''  '')', pg_temp.id('ready'))), '22023',
  'unlocking needs a note saying how it was resolved: 22023');
create temp table events_before as select max(id) as id from public.order_events;
select is(tests.outcome_as('merchant', format('select public.unlock_handover(%L, ''Customer showed ID'')', pg_temp.id('ready'))), 'ok',
  'the store''s merchant unlocks the handover with a note');
select results_eq(
  $$select failed_attempts, locked_at from private.handover_codes where order_id = pg_temp.id('ready')$$,
  $$values (0, null::timestamptz)$$,
  'unlocking resets the attempts and the lock'
);
select results_eq(
  $$select order_id, status::text, previous_status::text, actor_id, note from public.order_events where id > (select id from events_before)$$,
  $$values (pg_temp.id('ready'), 'picked_up', 'picked_up', pg_temp.id('merchant'), 'Handover unlocked: Customer showed ID')$$,
  'unlocking writes one event on the order''s timeline: still picked up, by the merchant, with the note'
);
select is(
  pg_temp.json_as('spare', pg_temp.deliver_token_sql('ready', pg_temp.token('door_order'))),
  '{"delivered": false, "code": "wrong_handover_token", "attempts_left": 4, "locked": false, "order": null}'::jsonb,
  'another order''s token, signed by the platform, is a wrong token and counts as an attempt'
);
select is(
  pg_temp.json_as('spare', pg_temp.deliver_token_sql('ready',
    pg_temp.id('ready') || '.' || (select nonce from private.handover_codes where order_id = pg_temp.id('ready')) || '.' ||
    private.base64url(private.p256_sign(private.handover_message(pg_temp.id('ready'), 'AAAAAAAAAAAAAAAAAAAAAA'), 7)))) -> 'code',
  '"wrong_handover_token"'::jsonb,
  'a token with the right order and nonce but a signature the platform did not make is wrong too'
);
select is(tests.outcome_as('spare', pg_temp.deliver_token_sql('ready', repeat('x', 501))), '22023',
  'a token over 500 characters is refused: 22023');
select is(tests.outcome_as('spare', format('select public.deliver_order(%L, %L, %L)', pg_temp.id('ready'), pg_temp.code('ready'), pg_temp.token('ready'))),
  '22023', 'a code and a token together are refused: 22023');
select is(
  (select jsonb_build_object('delivered', r -> 'delivered', 'code', r -> 'code', 'locked', r -> 'locked', 'status', r #> '{order,status}')
   from pg_temp.json_as('spare', pg_temp.deliver_sql('ready', pg_temp.code('ready'))) r),
  '{"delivered": true, "code": null, "locked": false, "status": "delivered"}'::jsonb,
  'after the unlock the right code delivers the order'
);
select results_eq(
  $$select status::text, previous_status::text, actor_id from public.order_events
    where id > (select id from events_before) and order_id = pg_temp.id('ready') order by id desc limit 1$$,
  $$values ('delivered', 'picked_up', pg_temp.id('spare'))$$,
  'delivery is on the timeline, by the rider'
);
select is(tests.outcome_as('spare', pg_temp.deliver_sql('ready', pg_temp.code('ready'))), '409 invalid_transition',
  'a delivered order cannot be delivered again: 409 invalid_transition');

-- The attempt limit comes from admin.settings; admins unlock too.
update admin.settings set handover_max_attempts = 2;
select is(
  (select array[(pg_temp.json_as('door', pg_temp.deliver_sql('door_order', pg_temp.wrong_code('door_order'))) ->> 'locked')::boolean,
                (pg_temp.json_as('door', pg_temp.deliver_sql('door_order', pg_temp.wrong_code('door_order'))) ->> 'locked')::boolean]),
  array[false, true],
  'with handover_max_attempts 2 in admin.settings the second wrong code locks'
);
select is(tests.outcome_as('admin', format('select public.unlock_handover(%L, null)', pg_temp.id('door_order'))), '22023',
  'an admin must give a note too: 22023');
select is(tests.outcome_as('admin', format('select public.unlock_handover(%L, ''Called the customer'')', pg_temp.id('door_order'))), 'ok',
  'an admin unlocks the handover with a note');
select results_eq(
  $$select e.actor_id, e.note, h.failed_attempts, h.locked_at is null
    from public.order_events e join private.handover_codes h using (order_id)
    where e.order_id = pg_temp.id('door_order') and e.id > (select id from events_before)$$,
  $$values (pg_temp.id('admin'), 'Handover unlocked: Called the customer', 0, true)$$,
  'the admin''s unlock resets the attempts and writes its event'
);
select is(
  (select array[(pg_temp.json_as('door', pg_temp.deliver_sql('door_order', pg_temp.wrong_code('door_order'))) ->> 'locked')::boolean,
                (pg_temp.json_as('door', pg_temp.deliver_sql('door_order', pg_temp.wrong_code('door_order'))) ->> 'locked')::boolean]),
  array[false, true],
  'two more wrong codes lock it again'
);
select is(
  (select jsonb_build_object('delivered', r -> 'delivered', 'status', r #> '{order,status}')
   from pg_temp.json_as('door', pg_temp.deliver_token_sql('door_order', pg_temp.token('door_order'))) r),
  '{"delivered": true, "status": "delivered"}'::jsonb,
  'the customer''s token delivers even a locked order: it proves the customer was there'
);
select is(tests.outcome_as('door', pg_temp.deliver_token_sql('door_order', pg_temp.token('door_order'))), '409 invalid_transition',
  'the same token replayed finds the order delivered: 409 invalid_transition');
update admin.settings set handover_max_attempts = 5;

select * from finish();
rollback;
