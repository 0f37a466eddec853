-- The order state machine through the API (accept_order, reject_order, update_order_status,
-- deliver_order) and the expiry job: every move every persona may try on an order in every
-- status, then each legal move made for real (one order_events row each, with the previous
-- status, the actor and the note; stock released when an order ends unfulfilled and kept when
-- it is delivered), then acceptance with unavailable items removed or substituted, then a
-- customer asking the store to cancel and the store agreeing or declining, per persona. Uses the
-- helpers from 000_test_helpers.sql.
begin;

select plan(819);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to the helpers can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('lifecycle', name, role) from (values
  ('customer',            'customer'),
  ('merchant',            'merchant'),
  ('rider',               'rider'),
  ('admin',               'admin'),
  ('stranger',            'customer'),
  ('other_merchant',      'merchant'),
  ('other_rider',         'rider'),
  ('suspended_admin',     'admin'),
  ('suspended_customer',  'customer'),
  ('suspended_merchant',  'merchant'),
  ('suspended_rider',     'rider')
) as p(name, role);
-- What the tests' descriptions call each persona.
alter table personas add column called text;
update personas p set called = c.called from (values
  ('customer',            'the customer'),
  ('merchant',            'the store''s merchant'),
  ('rider',               'the order''s rider'),
  ('admin',               'an admin'),
  ('stranger',            'another customer'),
  ('other_merchant',      'another store''s merchant'),
  ('other_rider',         'another rider'),
  ('suspended_admin',     'a suspended admin'),
  ('suspended_customer',  'a suspended customer'),
  ('suspended_merchant',  'a suspended merchant'),
  ('suspended_rider',     'a suspended rider')
) as c(name, called) where c.name = p.name;

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values
  ('store'), ('other_store'), ('suspended_store'),
  ('atta'), ('atta_small'), ('ghee'), ('rice'), ('wheat_atta'), ('premium_atta'), ('jaggery_atta'), ('old_atta'),
  ('poha'), ('premium_ghee'), ('other_atta');

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- What would happen if the persona ran the statement: its outcome, with everything it did
-- (and the sign-in) undone afterwards, so one fixture order serves every attempt.
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

-- Stock and the newest event before the last run_as, to tell what it changed.
create temp table mark (last_event bigint not null, stock jsonb not null);

create function pg_temp.stock() returns jsonb
language sql stable
as $$ select jsonb_object_agg(f.name, p.stock) from public.products p join fixtures f using (id) $$;

-- Runs the statement for real as the persona (null: as the database owner, like pg_cron),
-- back to the owner afterwards; returns its outcome.
create function pg_temp.run_as(persona text, statement text) returns text
language plpgsql
as $$
declare
  result text;
begin
  delete from mark;
  insert into mark select coalesce(max(id), 0), pg_temp.stock() from public.order_events;
  if persona is not null then
    perform tests.sign_in(persona);
  end if;
  result := tests.outcome(statement);
  perform tests.clear_authentication();
  return result;
end
$$;

-- The events the last run_as wrote, as sentences: status, previous status, actor, note.
create function pg_temp.new_events() returns text[]
language sql stable
as $$
  select coalesce(array_agg(format('%s (was %s) by %s%s', e.status, coalesce(e.previous_status::text, 'nothing'),
                                   coalesce(p.name, 'the system'), ': ' || e.note) order by e.id), '{}')
  from public.order_events e
  left join personas p on p.id = e.actor_id
  where e.id > (select last_event from mark)
$$;

-- How the last run_as changed stock: product → units added (negative: taken); {} for none.
create function pg_temp.stock_change() returns jsonb
language sql stable
as $$
  select coalesce(jsonb_object_agg(now.key, now.value::int - (m.stock ->> now.key)::int), '{}')
  from mark m, jsonb_each_text(pg_temp.stock()) now
  where now.value::int <> (m.stock ->> now.key)::int
$$;

-- The customer places an order through place_order (stock reserved as in production); the
-- order is remembered as a fixture under the given name.
create function pg_temp.place(fixture text, items jsonb) returns void
language plpgsql
as $$
declare
  placed jsonb;
begin
  perform tests.sign_in('customer');
  placed := public.place_order(gen_random_uuid(), (select id from fixtures where name = 'store'),
    (select jsonb_agg(jsonb_build_object('product_id', f.id, 'quantity', i.value -> 'quantity', 'if_unavailable', coalesce(i.value ->> 'if_unavailable', 'remove')))
     from jsonb_array_elements(items) i join fixtures f on f.name = i.value ->> 'product'),
    '{"address": "221B Baner Road, Pune", "lat": 18.525, "lng": 73.85}');
  perform tests.clear_authentication();
  insert into fixtures (name, id) values (fixture, (placed ->> 'id')::uuid);
end
$$;

create function pg_temp.order_id(fixture text) returns uuid
language sql stable
as $$ select id from fixtures where name = fixture $$;

-- The handover code of an order, read by the owner while the SQL for the rider is written.
create function pg_temp.code(fixture text) returns text
language sql stable
as $$ select code from private.handover_codes where order_id = pg_temp.order_id(fixture) $$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
update public.profiles set status = 'suspended'
where id in (select id from personas where name in ('suspended_admin', 'suspended_customer', 'suspended_merchant', 'suspended_rider'));

insert into public.stores (id, owner_id, name, address, location, minimum_order_paise, opening_hours, status, approved_at)
select f.id, p.id, s.name, '12 FC Road, Pune', tests.point(73.85, 18.52), 10000,
       '{"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]],
         "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}',
       'approved', now()
from (values ('store', 'merchant', 'Sharma Kirana'), ('other_store', 'other_merchant', 'Patil Provisions'),
             ('suspended_store', 'suspended_merchant', 'Frozen Mart')) as s (fixture, owner, name)
join fixtures f on f.name = s.fixture
join personas p on p.name = s.owner;

-- Around atta (Staples, ₹30): Wheat atta is the one fair substitute. The others are pricier, in
-- the order already, short of stock, inactive, less alike or sold by another store.
insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock, is_active)
select f.id, st.id, p.sku, p.name, p.category, '1 pack', p.price, p.stock, p.active
from (values ('atta', 'store', 'ATTA-5', 'Chakki atta', 'Staples', 3000, 20, true),
             ('atta_small', 'store', 'ATTA-1', 'Chakki atta small', 'Staples', 1500, 20, true),
             ('ghee', 'store', 'GHEE-1', 'Cow ghee', 'Dairy', 4000, 20, true),
             ('rice', 'store', 'RICE-1', 'Sona masoori rice', 'Staples', 2500, 20, true),
             ('wheat_atta', 'store', 'WATTA-5', 'Wheat atta', 'Staples', 2800, 10, true),
             ('premium_atta', 'store', 'PATTA-5', 'Chakki atta premium', 'Staples', 3500, 10, true),
             ('jaggery_atta', 'store', 'JATTA-5', 'Chakki atta jaggery', 'Staples', 2900, 1, true),
             ('old_atta', 'store', 'OATTA-5', 'Chakki atta old', 'Staples', 2000, 10, false),
             ('poha', 'store', 'POHA-1', 'Poha', 'Staples', 2000, 10, true),
             ('premium_ghee', 'store', 'PGHEE-1', 'Cow ghee premium', 'Dairy', 4500, 10, true),
             ('other_atta', 'other_store', 'ATTA-5', 'Chakki atta', 'Staples', 2000, 10, true)) as p (fixture, store, sku, name, category, price, stock, active)
join fixtures f on f.name = p.fixture
join fixtures st on st.name = p.store;

-- One order in each status for the matrix, written by the owner (no stock reserved: nothing
-- here is kept). The rider is on each order that has gone past acceptance.
insert into fixtures (name) select 'matrix_' || s from unnest(enum_range(null::public.order_status)) s;
insert into fixtures (name) values ('suspended_pending'), ('suspended_ready');
insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location)
select f.id, c.id, st.id, r.id, o.status::public.order_status, 2500, 2000, 4500, '221B Baner Road, Pune', tests.point(73.85, 18.525)
from (values ('matrix_pending', 'customer', 'store', null, 'pending'),
             ('matrix_accepted', 'customer', 'store', 'rider', 'accepted'),
             ('matrix_preparing', 'customer', 'store', 'rider', 'preparing'),
             ('matrix_ready', 'customer', 'store', 'rider', 'ready'),
             ('matrix_picked_up', 'customer', 'store', 'rider', 'picked_up'),
             ('matrix_delivered', 'customer', 'store', 'rider', 'delivered'),
             ('matrix_rejected', 'customer', 'store', null, 'rejected'),
             ('matrix_cancelled', 'customer', 'store', 'rider', 'cancelled'),
             ('matrix_expired', 'customer', 'store', null, 'expired'),
             ('suspended_pending', 'suspended_customer', 'suspended_store', null, 'pending'),
             ('suspended_ready', 'customer', 'suspended_store', 'suspended_rider', 'ready')) as o (fixture, customer, store, rider, status)
join fixtures f on f.name = o.fixture
join personas c on c.name = o.customer
join fixtures st on st.name = o.store
left join personas r on r.name = o.rider;
insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
select f.id, (select id from fixtures where name = 'rice'), 'RICE-1', 'Sona masoori rice', '1 pack', 2500, 1
from fixtures f where f.name like 'matrix\_%' or f.name like 'suspended\_%' and f.name <> 'suspended_store';

-- The orders whose moves are made for real, placed by the customer through place_order.
select pg_temp.place(o.name, o.items::jsonb)
from (values
  ('delivered', '[{"product": "atta", "quantity": 1}, {"product": "ghee", "quantity": 1}]'),
  ('rejected_by_merchant', '[{"product": "rice", "quantity": 2}]'),
  ('rejected_by_admin', '[{"product": "rice", "quantity": 3}]'),
  ('cancelled_by_customer', '[{"product": "ghee", "quantity": 2}]'),
  ('cancelled_by_admin', '[{"product": "ghee", "quantity": 3}]'),
  ('expired', '[{"product": "poha", "quantity": 2}]'),
  ('accepted_cancelled_by_merchant', '[{"product": "rice", "quantity": 1}]'),
  ('accepted_cancelled_by_admin', '[{"product": "rice", "quantity": 4}]'),
  ('preparing_cancelled_by_merchant', '[{"product": "poha", "quantity": 1}]'),
  ('preparing_cancelled_by_admin', '[{"product": "poha", "quantity": 3}]'),
  ('substituted', '[{"product": "atta", "quantity": 2, "if_unavailable": "substitute"}, {"product": "atta_small", "quantity": 1, "if_unavailable": "substitute"},
                    {"product": "ghee", "quantity": 1}, {"product": "rice", "quantity": 1}]'),
  ('no_fair_substitute', '[{"product": "ghee", "quantity": 1, "if_unavailable": "substitute"}, {"product": "rice", "quantity": 4}]'),
  ('all_unavailable', '[{"product": "atta_small", "quantity": 1}, {"product": "rice", "quantity": 1}]'),
  ('request_agreed', '[{"product": "poha", "quantity": 2}]'),
  ('request_declined', '[{"product": "rice", "quantity": 1}]'),
  ('request_picked_up', '[{"product": "rice", "quantity": 1}]')
) as o (name, items)
order by o.name;

-- ---------------------------------------------------------------------------------------------
-- The matrix: every persona tries every move on an order in every status. Legal: the moves of
-- private.transition_allowed, by the persona it names (pending → expired is the scheduler's
-- alone, so no persona may make it). Otherwise the refusal is 404 order_not_found when the
-- function does not serve the persona's part in the order (accept_order: the merchant;
-- reject_order: merchant or admin; deliver_order: the rider; update_order_status: any of the
-- four) or the persona has no part in it (a rider only once assigned; strangers and suspended
-- accounts never), and 409 invalid_transition when it does.
-- ---------------------------------------------------------------------------------------------
-- Each move as its API call (%L: the order, then its handover code) and the parts in an order
-- the function serves.
create temp table moves (n int primary key, action text unique not null, verb text not null, sql text not null, served text[] not null);
insert into moves values
  (1, 'accept', 'accept', 'select public.accept_order(%L)', '{merchant}'),
  (2, 'reject', 'reject', 'select public.reject_order(%L, ''Shop is out of it'')', '{merchant,admin}'),
  (3, 'cancel', 'cancel', 'select public.update_order_status(%L, ''cancelled'', ''Asked to cancel'')', '{customer,merchant,rider,admin}'),
  (4, 'prepare', 'mark preparing', 'select public.update_order_status(%L, ''preparing'')', '{customer,merchant,rider,admin}'),
  (5, 'ready', 'mark ready', 'select public.update_order_status(%L, ''ready'')', '{customer,merchant,rider,admin}'),
  (6, 'pick_up', 'mark picked up', 'select public.update_order_status(%L, ''picked_up'')', '{customer,merchant,rider,admin}'),
  (7, 'deliver', 'deliver (with the right code)', 'select public.deliver_order(%L, %L)', '{rider}'),
  (8, 'expire', 'expire', 'select public.update_order_status(%L, ''expired'', ''Too slow'')', '{customer,merchant,rider,admin}'),
  (9, 'reopen', 'make pending again', 'select public.update_order_status(%L, ''pending'')', '{customer,merchant,rider,admin}');

create temp table legal (persona text, action text, from_status public.order_status, primary key (persona, action, from_status));
insert into legal values
  ('merchant', 'accept', 'pending'),
  ('merchant', 'reject', 'pending'), ('admin', 'reject', 'pending'),
  ('customer', 'cancel', 'pending'), ('admin', 'cancel', 'pending'),
  ('merchant', 'prepare', 'accepted'),
  ('merchant', 'ready', 'preparing'),
  ('merchant', 'cancel', 'accepted'), ('admin', 'cancel', 'accepted'),
  ('merchant', 'cancel', 'preparing'), ('admin', 'cancel', 'preparing'),
  ('merchant', 'cancel', 'ready'), ('admin', 'cancel', 'ready'),
  ('rider', 'pick_up', 'ready'),
  ('rider', 'deliver', 'picked_up');

select is(
  pg_temp.try_as(p.name, format(m.sql, o.id, pg_temp.code(f.name))),
  x.expected,
  format('%s %s %s an order that is %s%s', p.called, case when x.expected = 'ok' then 'may' else 'cannot' end, m.verb, o.status,
         case when x.expected <> 'ok' then ': ' || x.expected else '' end)
)
from personas p
cross join moves m
join public.orders o on true
join fixtures f on f.id = o.id and f.name like 'matrix\_%'
cross join lateral (
  select case
    when exists (select 1 from legal l where l.persona = p.name and l.action = m.action and l.from_status = o.status) then 'ok'
    when p.name = any (m.served) and (p.name <> 'rider' or o.rider_id is not null) then '409 invalid_transition'
    else '404 order_not_found'
  end as expected
) x
where p.name in ('customer', 'merchant', 'rider', 'admin', 'stranger', 'other_merchant', 'other_rider', 'suspended_admin')
order by array_position(array['customer', 'merchant', 'rider', 'admin', 'stranger', 'other_merchant', 'other_rider', 'suspended_admin'], p.name),
         o.status, m.n;

-- update_order_status is not the way to accept, reject or deliver: it names the function that is.
select is(
  pg_temp.try_as(p.name, format('select public.update_order_status(%L, %L, ''Because'')', pg_temp.order_id(x.fixture), s.status)),
  s.expected,
  format('%s asking update_order_status for %s is told %s', p.called, s.status, s.expected)
)
from (values ('customer', 'matrix_pending'), ('merchant', 'matrix_pending'), ('admin', 'matrix_pending'), ('rider', 'matrix_picked_up')) as x (name, fixture)
join personas p using (name)
cross join (values ('accepted', '409 use_accept_order'), ('rejected', '409 use_reject_order'), ('delivered', '409 use_deliver_order')) as s (status, expected)
order by p.name, s.status;
select is(
  pg_temp.try_as('stranger', format('select public.update_order_status(%L, ''accepted'')', pg_temp.order_id('matrix_pending'))),
  '404 order_not_found',
  'another customer asking update_order_status to accept is told only that there is no such order'
);

-- Suspension takes away every part in an order.
select is(pg_temp.try_as(a.persona, format(a.sql, pg_temp.order_id(a.fixture))), '404 order_not_found', a.what)
from (values
  ('suspended_customer', 'suspended_pending', 'select public.update_order_status(%L, ''cancelled'')', 'a suspended customer cannot cancel their own pending order: 404 order_not_found'),
  ('suspended_merchant', 'suspended_pending', 'select public.accept_order(%L)', 'a suspended merchant cannot accept an order of their store: 404 order_not_found'),
  ('suspended_merchant', 'suspended_pending', 'select public.reject_order(%L, ''No'')', 'a suspended merchant cannot reject an order of their store: 404 order_not_found'),
  ('suspended_rider', 'suspended_ready', 'select public.update_order_status(%L, ''picked_up'')', 'a suspended rider cannot pick up the order assigned to them: 404 order_not_found')
) as a (persona, fixture, sql, what);

select tests.clear_authentication();
select results_eq(
  $$select f.name, o.status::text from public.orders o join fixtures f using (id)
    where f.name like 'matrix\_%' or f.name like 'suspended\_%' order by f.name$$,
  $$values ('matrix_accepted', 'accepted'), ('matrix_cancelled', 'cancelled'), ('matrix_delivered', 'delivered'),
           ('matrix_expired', 'expired'), ('matrix_pending', 'pending'), ('matrix_picked_up', 'picked_up'),
           ('matrix_preparing', 'preparing'), ('matrix_ready', 'ready'), ('matrix_rejected', 'rejected'),
           ('suspended_pending', 'pending'), ('suspended_ready', 'ready')$$,
  'as owner: the matrix left every order in its status'
);
select is_empty(
  $$select 1 from public.order_events e join fixtures f on f.id = e.order_id where f.name like 'matrix\_%' or f.name like 'suspended\_%'$$,
  'as owner: the matrix wrote no event'
);

-- ---------------------------------------------------------------------------------------------
-- The way to the door: pending → accepted → preparing → ready → picked_up → delivered
-- ---------------------------------------------------------------------------------------------
select is(
  pg_temp.run_as('merchant', format('select public.accept_order(%L)', pg_temp.order_id('delivered'))),
  'ok', 'the merchant accepts a pending order');
select is(pg_temp.new_events(), array['accepted (was pending) by merchant'], 'accepting writes one event: accepted, was pending, by the merchant');
select is(
  pg_temp.run_as('merchant', format('select public.update_order_status(%L, ''preparing'', ''Packing now'')', pg_temp.order_id('delivered'))),
  'ok', 'the merchant marks the accepted order preparing, with a note');
select is(pg_temp.new_events(), array['preparing (was accepted) by merchant: Packing now'], 'one event: preparing, was accepted, by the merchant, with the note');
select is(
  pg_temp.run_as('merchant', format('select public.update_order_status(%L, ''ready'')', pg_temp.order_id('delivered'))),
  'ok', 'the merchant marks the order ready');
select is(pg_temp.new_events(), array['ready (was preparing) by merchant'], 'one event: ready, was preparing, by the merchant');
-- dispatch.test.sql covers how a rider comes to the order.
update public.orders set rider_id = (select id from personas where name = 'rider') where id = pg_temp.order_id('delivered');
select is(
  pg_temp.run_as('rider', format('select public.update_order_status(%L, ''picked_up'')', pg_temp.order_id('delivered'))),
  'ok', 'the order''s rider picks the ready order up');
select is(pg_temp.new_events(), array['picked_up (was ready) by rider'], 'one event: picked_up, was ready, by the rider');
select is(
  pg_temp.run_as('rider', format('select public.deliver_order(%L, %L)', pg_temp.order_id('delivered'), pg_temp.code('delivered'))),
  'ok', 'the rider delivers the order with the customer''s code');
select is(pg_temp.new_events(), array['delivered (was picked_up) by rider'], 'one event: delivered, was picked_up, by the rider');
select is(pg_temp.stock_change(), '{}'::jsonb, 'delivering releases no stock: the units are sold');
select results_eq(
  $$select status::text, status_reason from public.orders where id = pg_temp.order_id('delivered')$$,
  $$values ('delivered', null::text)$$,
  'the order is delivered, with no reason'
);
select results_eq(
  $$select status::text, previous_status::text from public.order_events where order_id = pg_temp.order_id('delivered') order by id$$,
  $$values ('pending', null), ('accepted', 'pending'), ('preparing', 'accepted'), ('ready', 'preparing'),
           ('picked_up', 'ready'), ('delivered', 'picked_up')$$,
  'the delivered order''s timeline has one event per step, each naming the status before it'
);

-- ---------------------------------------------------------------------------------------------
-- Ending unfulfilled: rejected, cancelled and expired orders release their stock
-- ---------------------------------------------------------------------------------------------
select is(
  pg_temp.run_as('merchant', format('select public.reject_order(%L, %L)', pg_temp.order_id('rejected_by_merchant'), r.reason)),
  '22023', 'the merchant cannot reject without a reason (' || r.what || '): 22023')
from (values ('none', null), ('blank', '   ')) as r (what, reason);
select is(
  pg_temp.run_as('merchant', format('select public.reject_order(%L, %L)', pg_temp.order_id('rejected_by_merchant'), repeat('x', 501))),
  '22023', 'a reason longer than 500 characters is refused: 22023');
select is(pg_temp.new_events(), '{}'::text[], 'the refused rejections wrote no event');
select is(pg_temp.stock_change(), '{}'::jsonb, 'the refused rejections released no stock');
select is(
  pg_temp.run_as('merchant', format('select public.reject_order(%L, ''  Out of rice today  '')', pg_temp.order_id('rejected_by_merchant'))),
  'ok', 'the merchant rejects a pending order with a reason');
select is(pg_temp.new_events(), array['rejected (was pending) by merchant: Out of rice today'], 'one event: rejected, was pending, by the merchant, with the trimmed reason');
select is(pg_temp.stock_change(), '{"rice": 2}'::jsonb, 'rejecting releases the 2 rice the order reserved');

select is(
  pg_temp.run_as('admin', format('select public.reject_order(%L, ''Store unreachable'')', pg_temp.order_id('rejected_by_admin'))),
  'ok', 'an admin rejects a pending order with a reason');
select is(pg_temp.new_events(), array['rejected (was pending) by admin: Store unreachable'], 'one event: rejected, was pending, by the admin');
select is(pg_temp.stock_change(), '{"rice": 3}'::jsonb, 'the admin''s rejection releases the 3 rice reserved');

select is(
  pg_temp.run_as('customer', format('select public.update_order_status(%L, ''cancelled'')', pg_temp.order_id('cancelled_by_customer'))),
  'ok', 'the customer cancels their pending order, no reason needed');
select is(pg_temp.new_events(), array['cancelled (was pending) by customer'], 'one event: cancelled, was pending, by the customer, without a note');
select is(pg_temp.stock_change(), '{"ghee": 2}'::jsonb, 'the customer''s cancellation releases the 2 ghee reserved');

select is(
  pg_temp.run_as('admin', format('select public.update_order_status(%L, ''cancelled'')', pg_temp.order_id('cancelled_by_admin'))),
  '22023', 'an admin cannot cancel without a reason: 22023');
select is(pg_temp.stock_change(), '{}'::jsonb, 'the refused cancellation released nothing');
select is(
  pg_temp.run_as('admin', format('select public.update_order_status(%L, ''cancelled'', ''Customer called support'')', pg_temp.order_id('cancelled_by_admin'))),
  'ok', 'an admin cancels a pending order with a reason');
select is(pg_temp.new_events(), array['cancelled (was pending) by admin: Customer called support'], 'one event: cancelled, was pending, by the admin, with the reason');
select is(pg_temp.stock_change(), '{"ghee": 3}'::jsonb, 'the admin''s cancellation releases the 3 ghee reserved');

-- The scheduler expires what no store answered in time (scheduled_jobs.test.sql has the rest).
update public.orders set created_at = now() - interval '11 minutes' where id = pg_temp.order_id('expired');
select is(pg_temp.run_as(null, 'select private.expire_pending_orders()'), 'ok', 'the expiry job runs (as pg_cron does)');
select is(pg_temp.new_events(), array['expired (was pending) by the system: The store did not answer in time.'],
  'one event: expired, was pending, by nobody (the system), saying why');
select is(pg_temp.stock_change(), '{"poha": 2}'::jsonb, 'expiry releases the 2 poha reserved');

-- Cancelling after acceptance: the merchant or an admin, always with a reason.
select is(pg_temp.run_as('merchant', format('select public.accept_order(%L)', pg_temp.order_id(o))), 'ok', 'the merchant accepts order ' || o)
from unnest(array['accepted_cancelled_by_merchant', 'accepted_cancelled_by_admin', 'preparing_cancelled_by_merchant', 'preparing_cancelled_by_admin']) o;
select is(pg_temp.run_as('merchant', format('select public.update_order_status(%L, ''preparing'')', pg_temp.order_id(o))), 'ok', 'the merchant marks order ' || o || ' preparing')
from unnest(array['preparing_cancelled_by_merchant', 'preparing_cancelled_by_admin']) o;

select is(
  pg_temp.run_as(c.persona, format('select public.update_order_status(%L, ''cancelled'')', pg_temp.order_id(c.fixture))),
  '22023', format('%s cannot cancel an order that is %s without a reason: 22023', c.called, c.status))
from (values ('merchant', 'the merchant', 'accepted_cancelled_by_merchant', 'accepted'),
             ('merchant', 'the merchant', 'preparing_cancelled_by_merchant', 'preparing'),
             ('admin', 'an admin', 'accepted_cancelled_by_admin', 'accepted'),
             ('admin', 'an admin', 'preparing_cancelled_by_admin', 'preparing')) as c (persona, called, fixture, status);

select is(
  pg_temp.run_as('merchant', format('select public.update_order_status(%L, ''cancelled'', ''Rice spoilt'')', pg_temp.order_id('accepted_cancelled_by_merchant'))),
  'ok', 'the merchant cancels an order that is accepted, with a reason');
select is(pg_temp.new_events(), array['cancelled (was accepted) by merchant: Rice spoilt'], 'one event: cancelled, was accepted, by the merchant');
select is(pg_temp.stock_change(), '{"rice": 1}'::jsonb, 'it releases the 1 rice reserved');
select is(
  pg_temp.run_as('admin', format('select public.update_order_status(%L, ''cancelled'', ''Duplicate order'')', pg_temp.order_id('accepted_cancelled_by_admin'))),
  'ok', 'an admin cancels an order that is accepted, with a reason');
select is(pg_temp.new_events(), array['cancelled (was accepted) by admin: Duplicate order'], 'one event: cancelled, was accepted, by the admin');
select is(pg_temp.stock_change(), '{"rice": 4}'::jsonb, 'it releases the 4 rice reserved');
select is(
  pg_temp.run_as('merchant', format('select public.update_order_status(%L, ''cancelled'', ''Gas ran out'')', pg_temp.order_id('preparing_cancelled_by_merchant'))),
  'ok', 'the merchant cancels an order that is preparing, with a reason');
select is(pg_temp.new_events(), array['cancelled (was preparing) by merchant: Gas ran out'], 'one event: cancelled, was preparing, by the merchant');
select is(pg_temp.stock_change(), '{"poha": 1}'::jsonb, 'it releases the 1 poha reserved');
select is(
  pg_temp.run_as('admin', format('select public.update_order_status(%L, ''cancelled'', ''Store closed early'')', pg_temp.order_id('preparing_cancelled_by_admin'))),
  'ok', 'an admin cancels an order that is preparing, with a reason');
select is(pg_temp.new_events(), array['cancelled (was preparing) by admin: Store closed early'], 'one event: cancelled, was preparing, by the admin');
select is(pg_temp.stock_change(), '{"poha": 3}'::jsonb, 'it releases the 3 poha reserved');

select results_eq(
  $$select f.name, o.status::text, o.status_reason from public.orders o join fixtures f using (id)
    where f.name in ('rejected_by_merchant', 'rejected_by_admin', 'cancelled_by_customer', 'cancelled_by_admin', 'expired',
                     'accepted_cancelled_by_merchant', 'accepted_cancelled_by_admin', 'preparing_cancelled_by_merchant', 'preparing_cancelled_by_admin')
    order by f.name$$,
  $$values ('accepted_cancelled_by_admin', 'cancelled', 'Duplicate order'), ('accepted_cancelled_by_merchant', 'cancelled', 'Rice spoilt'),
           ('cancelled_by_admin', 'cancelled', 'Customer called support'), ('cancelled_by_customer', 'cancelled', null),
           ('expired', 'expired', 'The store did not answer in time.'),
           ('preparing_cancelled_by_admin', 'cancelled', 'Store closed early'), ('preparing_cancelled_by_merchant', 'cancelled', 'Gas ran out'),
           ('rejected_by_admin', 'rejected', 'Store unreachable'), ('rejected_by_merchant', 'rejected', 'Out of rice today')$$,
  'each order that ended unfulfilled keeps its status and the reason given'
);
select is(
  (select count(*)::int from public.order_events e join fixtures f on f.id = e.order_id
   where f.name in ('rejected_by_merchant', 'rejected_by_admin', 'cancelled_by_customer', 'cancelled_by_admin', 'expired')),
  10,
  'each order ended straight from pending has exactly two events: pending and how it ended'
);
select is(
  pg_temp.try_as('merchant', format('select public.update_order_status(%L, ''cancelled'', ''Again'')', pg_temp.order_id('rejected_by_merchant'))),
  '409 invalid_transition',
  'an order that ended stays ended: cancelling a rejected order is 409 invalid_transition'
);

-- ---------------------------------------------------------------------------------------------
-- Accepting with unavailable items
-- ---------------------------------------------------------------------------------------------
create temp table before_accept as
select id, subtotal_paise, delivery_fee_paise, small_order_fee_paise, total_paise from public.orders
where id in (select id from fixtures where name in ('substituted', 'no_fair_substitute', 'all_unavailable'));

select is(
  pg_temp.run_as('merchant', format('select public.accept_order(%L, array[%L, %L]::uuid[])', pg_temp.order_id('all_unavailable'),
                                    pg_temp.order_id('atta_small'), pg_temp.order_id('rice'))),
  '409 nothing_to_deliver',
  'accepting with every item unavailable is refused: 409 nothing_to_deliver'
);
select is(pg_temp.stock_change(), '{}'::jsonb, 'the refused acceptance left stock alone (nothing set to 0)');
select is(pg_temp.new_events(), '{}'::text[], 'the refused acceptance wrote no event');
select results_eq(
  $$select o.status::text, o.total_paise = b.total_paise, (select count(*) from public.order_items i where i.order_id = o.id and not i.unavailable)
    from public.orders o join before_accept b using (id) where o.id = pg_temp.order_id('all_unavailable')$$,
  $$values ('pending', true, 2::bigint)$$,
  'the order is still pending, with both items and its total'
);
select is(
  pg_temp.run_as('merchant', format('select public.accept_order(%L, array[%L]::uuid[])', pg_temp.order_id('all_unavailable'), pg_temp.order_id('ghee'))),
  '22023',
  'naming a product that is not in the order as unavailable is refused: 22023'
);
select is(pg_temp.new_events(), '{}'::text[], 'and changes nothing either');

select is(
  pg_temp.run_as('merchant', format('select public.accept_order(%L, array[%L, %L]::uuid[])', pg_temp.order_id('substituted'),
                                    pg_temp.order_id('atta'), pg_temp.order_id('ghee'))),
  'ok',
  'the merchant accepts an order with atta (substitute wanted) and ghee (remove) unavailable'
);
select results_eq(
  $$select i.product_name, i.unit_price_paise, i.quantity, i.unavailable, s.product_name
    from public.order_items i left join public.order_items s on s.id = i.substitute_for
    where i.order_id = pg_temp.order_id('substituted') order by i.product_name$$,
  $$values ('Chakki atta', 3000, 2, true, null::text), ('Chakki atta small', 1500, 1, false, null), ('Cow ghee', 4000, 1, true, null),
           ('Sona masoori rice', 2500, 1, false, null), ('Wheat atta', 2800, 2, false, 'Chakki atta')$$,
  'atta and ghee are marked unavailable; Wheat atta (same category, cheaper, in stock) replaces the 2 atta at its own price'
);
select results_eq(
  $$select o.subtotal_paise, o.delivery_fee_paise = b.delivery_fee_paise, o.small_order_fee_paise = b.small_order_fee_paise,
           o.total_paise, b.total_paise
    from public.orders o join before_accept b using (id) where o.id = pg_temp.order_id('substituted')$$,
  $$values (9600, true, true, 11600, 16000)$$,
  'the subtotal counts only what will be delivered (₹96, below the minimum), the fees stay as charged, the total drops from ₹160 to ₹116'
);
-- 17 atta were left (20, less 1 delivered and these 2); 17 ghee too (20, less 1 delivered, 1 here
-- and 1 in the next order; the cancelled orders gave theirs back).
select is(
  pg_temp.stock_change(),
  '{"atta": -17, "ghee": -17, "wheat_atta": -2}'::jsonb,
  'atta and ghee are now out of stock (set to 0) and the 2 Wheat atta are reserved'
);
select results_eq(
  $$select f.name, p.stock from public.products p join fixtures f using (id) where f.name in ('atta', 'ghee', 'wheat_atta') order by f.name$$,
  $$values ('atta', 0), ('ghee', 0), ('wheat_atta', 8)$$,
  'atta and ghee stock is 0, Wheat atta 10 → 8'
);
select is(
  pg_temp.new_events(),
  array['accepted (was pending) by merchant: Unavailable: Chakki atta substituted by Wheat atta; Cow ghee removed.'],
  'one event: accepted by the merchant, its note listing the substitution and the removal'
);

select is(
  pg_temp.run_as('merchant', format('select public.accept_order(%L, array[%L]::uuid[])', pg_temp.order_id('no_fair_substitute'), pg_temp.order_id('ghee'))),
  'ok',
  'the merchant accepts an order whose ghee (substitute wanted) is unavailable'
);
select results_eq(
  $$select product_name, unavailable from public.order_items where order_id = pg_temp.order_id('no_fair_substitute') order by product_name$$,
  $$values ('Cow ghee', true), ('Sona masoori rice', false)$$,
  'the only other dairy product costs more, so the ghee is removed, not substituted'
);
select is(pg_temp.new_events(), array['accepted (was pending) by merchant: Unavailable: Cow ghee removed.'], 'the acceptance note says the ghee was removed');
select results_eq(
  $$select subtotal_paise, total_paise from public.orders where id = pg_temp.order_id('no_fair_substitute')$$,
  $$values (10000, 12000)$$,
  'the total drops by the ghee''s ₹40'
);

-- Cancelling an order with a substitute gives back the substitute, not what was unavailable.
select is(
  pg_temp.run_as('merchant', format('select public.update_order_status(%L, ''cancelled'', ''Customer refused the substitute'')', pg_temp.order_id('substituted'))),
  'ok',
  'the merchant cancels the substituted order'
);
select is(pg_temp.stock_change(), '{"atta_small": 1, "rice": 1, "wheat_atta": 2}'::jsonb,
  'cancelling releases the substitute and the available items, but not the items found unavailable');

-- ---------------------------------------------------------------------------------------------
-- Asking the store to cancel: the customer asks once the store has accepted and before the
-- rider has the order; only the store's merchant agrees or declines.
-- ---------------------------------------------------------------------------------------------

-- The customer: who may ask, when, and with what.
select is(
  pg_temp.try_as('customer', format('select public.request_cancellation(%L, ''Ordered twice by mistake'')', pg_temp.order_id('matrix_' || x.status))),
  x.expected,
  format('the customer %s an order that is %s%s', case when x.expected = 'ok' then 'may ask the store to cancel' else 'cannot ask to cancel' end,
         x.status, case when x.expected <> 'ok' then ': ' || x.expected else '' end))
from (values ('pending', '409 cancel_it_yourself'), ('accepted', 'ok'), ('preparing', 'ok'), ('ready', 'ok'),
             ('picked_up', '409 already_picked_up'), ('delivered', '409 already_picked_up'),
             ('rejected', '409 invalid_transition'), ('cancelled', '409 invalid_transition'), ('expired', '409 invalid_transition')) as x (status, expected);
select is(
  pg_temp.try_as('customer', format('select public.request_cancellation(%L, %L)', pg_temp.order_id('matrix_accepted'), r.reason)),
  '22023', 'the customer cannot ask to cancel with ' || r.what || ': 22023')
from (values ('no reason', null), ('a blank reason', '   '), ('a reason of 501 characters', repeat('x', 501))) as r (what, reason);
select is(
  pg_temp.try_as('customer', 'insert into public.cancellation_requests (order_id, reason) select id, ''Sneaky'' from fixtures where name = ''matrix_accepted'''),
  '42501',
  'the customer cannot write a request into the table directly: 42501');

-- Everyone else: asking for someone else's order is 404, as if it did not exist.
select is(
  pg_temp.try_as(p.name, format('select public.request_cancellation(%L, ''Not mine'')', pg_temp.order_id('matrix_accepted'))),
  '404 order_not_found', p.called || ' cannot ask to cancel the customer''s accepted order: 404 order_not_found')
from personas p where p.name in ('merchant', 'rider', 'admin', 'stranger', 'other_merchant', 'other_rider');

-- Agreeing: the customer asks, the store agrees, the order is cancelled and its stock released.
select is(pg_temp.run_as('merchant', format('select public.accept_order(%L)', pg_temp.order_id(o))), 'ok', 'the merchant accepts order ' || o)
from unnest(array['request_agreed', 'request_declined', 'request_picked_up']) o;
select is(
  pg_temp.try_as('merchant', format('select public.agree_to_cancellation(%L)', pg_temp.order_id('request_agreed'))),
  '409 no_open_cancellation_request', 'the merchant cannot agree to a cancellation nobody asked for: 409 no_open_cancellation_request');
select is(
  pg_temp.run_as('customer', format('select public.request_cancellation(%L, ''  Bought it at the market instead  '')', pg_temp.order_id('request_agreed'))),
  'ok', 'the customer asks the store to cancel the accepted order, with a reason');
select is(pg_temp.new_events(), '{}'::text[], 'asking changes no status: no event');
select results_eq(
  $$select reason, answer, answer_reason, answered_at from public.cancellation_requests where order_id = pg_temp.order_id('request_agreed')$$,
  $$values ('Bought it at the market instead', null::text, null::text, null::timestamptz)$$,
  'the request is kept with the trimmed reason, unanswered');
select is(
  pg_temp.run_as('customer', format('select public.request_cancellation(%L, ''Please, again'')', pg_temp.order_id('request_agreed'))),
  '409 cancellation_already_requested', 'asking twice is refused: 409 cancellation_already_requested');
select results_eq(
  $$select count(*)::int, min(reason) from public.cancellation_requests where order_id = pg_temp.order_id('request_agreed')$$,
  $$values (1, 'Bought it at the market instead')$$,
  'the second ask changed nothing: still the one request with the first reason');
select results_eq(
  $$select title, body from public.notifications
    where user_id = (select id from personas where name = 'merchant') and kind = 'cancellation_requested' and data ->> 'order_id' = pg_temp.order_id('request_agreed')::text$$,
  $$values ('Customer asks to cancel', 'The customer asks Sharma Kirana to cancel their order: Bought it at the market instead')$$,
  'the merchant is told of the request, with its reason');

-- Reading it: whoever reads the order.
select is(
  pg_temp.try_as(p.name, format($f$do $x$ begin if (select count(*) from public.cancellation_requests where order_id = %L) <> %s then raise 'saw otherwise'; end if; end $x$$f$,
                                pg_temp.order_id('request_agreed'), v.sees)),
  'ok', format('%s sees %s request on the order', p.called, case when v.sees = 1 then 'the' else 'no' end))
from (values ('customer', 1), ('merchant', 1), ('admin', 1), ('stranger', 0), ('other_merchant', 0), ('other_rider', 0)) as v (name, sees)
join personas p using (name);

select is(
  pg_temp.try_as(p.name, format('select public.agree_to_cancellation(%L)', pg_temp.order_id('request_agreed'))),
  '404 order_not_found', p.called || ' cannot agree to the customer''s request: 404 order_not_found')
from personas p where p.name in ('customer', 'rider', 'admin', 'stranger', 'other_merchant', 'suspended_merchant');
select is(
  pg_temp.try_as(p.name, format('select public.decline_cancellation(%L, ''No'')', pg_temp.order_id('request_agreed'))),
  '404 order_not_found', p.called || ' cannot decline the customer''s request: 404 order_not_found')
from personas p where p.name in ('customer', 'rider', 'admin', 'stranger', 'other_merchant', 'suspended_merchant');

select is(
  pg_temp.run_as('merchant', format('select public.agree_to_cancellation(%L)', pg_temp.order_id('request_agreed'))),
  'ok', 'the merchant agrees to the customer''s request');
select is(pg_temp.new_events(), array['cancelled (was accepted) by merchant: At the customer''s request: Bought it at the market instead'],
  'one event: cancelled by the merchant, at the customer''s request with their reason');
select is(pg_temp.stock_change(), '{"poha": 2}'::jsonb, 'agreeing releases the 2 poha reserved');
select results_eq(
  $$select o.status::text, r.answer, r.answered_at is not null from public.orders o join public.cancellation_requests r on r.order_id = o.id
    where o.id = pg_temp.order_id('request_agreed')$$,
  $$values ('cancelled', 'agreed', true)$$,
  'the order is cancelled and the request answered: agreed');
select results_eq(
  $$select title, body from public.notifications
    where user_id = (select id from personas where name = 'customer') and kind = 'order_cancelled' and data ->> 'order_id' = pg_temp.order_id('request_agreed')::text$$,
  $$values ('Order cancelled', 'Sharma Kirana cancelled your order as you asked; nothing is charged.')$$,
  'the customer is told the store agreed');
select is(
  pg_temp.run_as('merchant', format('select public.agree_to_cancellation(%L)', pg_temp.order_id('request_agreed'))),
  '409 no_open_cancellation_request', 'agreeing twice is refused: 409 no_open_cancellation_request');
select is(pg_temp.new_events(), '{}'::text[], 'and writes nothing');

-- Declining: the store says why, the order goes on.
select is(
  pg_temp.run_as('customer', format('select public.request_cancellation(%L, ''Wrong address'')', pg_temp.order_id('request_declined'))),
  'ok', 'the customer asks the store to cancel another accepted order');
select is(
  pg_temp.run_as('merchant', format('select public.decline_cancellation(%L, %L)', pg_temp.order_id('request_declined'), r.reason)),
  '22023', 'the merchant cannot decline with ' || r.what || ': 22023')
from (values ('no reason', null), ('a blank reason', ' '), ('a reason of 201 characters', repeat('x', 201))) as r (what, reason);
select is(
  pg_temp.run_as('merchant', format('select public.decline_cancellation(%L, ''  Already packed and handed over  '')', pg_temp.order_id('request_declined'))),
  'ok', 'the merchant declines with a reason');
select is(pg_temp.new_events(), '{}'::text[], 'declining changes no status: no event');
select is(pg_temp.stock_change(), '{}'::jsonb, 'declining releases nothing');
select results_eq(
  $$select o.status::text, r.answer, r.answer_reason from public.orders o join public.cancellation_requests r on r.order_id = o.id
    where o.id = pg_temp.order_id('request_declined')$$,
  $$values ('accepted', 'declined', 'Already packed and handed over')$$,
  'the order is still accepted; the request is declined with the trimmed reason');
select results_eq(
  $$select title, body from public.notifications
    where user_id = (select id from personas where name = 'customer') and kind = 'cancellation_declined' and data ->> 'order_id' = pg_temp.order_id('request_declined')::text$$,
  $$values ('Order not cancelled', 'Sharma Kirana cannot cancel your order: Already packed and handed over')$$,
  'the customer is told the store declined, and why');
select is(
  pg_temp.run_as(a.persona, format(a.sql, pg_temp.order_id('request_declined'))), a.expected, a.what)
from (values
  ('customer', 'select public.request_cancellation(%L, ''Please'')', '409 cancellation_already_requested', 'the customer cannot ask again after a refusal: 409 cancellation_already_requested'),
  ('merchant', 'select public.agree_to_cancellation(%L)', '409 no_open_cancellation_request', 'the merchant cannot agree after declining: 409 no_open_cancellation_request'),
  ('merchant', 'select public.decline_cancellation(%L, ''Again'')', '409 no_open_cancellation_request', 'nor decline twice: 409 no_open_cancellation_request')
) as a (persona, sql, expected, what);

-- Too late: asked while ready, then the rider picked the order up.
select is(pg_temp.run_as('merchant', format('select public.update_order_status(%L, %L)', pg_temp.order_id('request_picked_up'), s)), 'ok', 'the merchant marks the order ' || s)
from unnest(array['preparing', 'ready']) s;
update public.orders set rider_id = (select id from personas where name = 'rider') where id = pg_temp.order_id('request_picked_up');
select is(
  pg_temp.run_as('customer', format('select public.request_cancellation(%L, ''Changed my mind'')', pg_temp.order_id('request_picked_up'))),
  'ok', 'the customer asks to cancel an order that is ready');
select is(pg_temp.run_as('rider', format('select public.update_order_status(%L, ''picked_up'')', pg_temp.order_id('request_picked_up'))), 'ok',
  'the rider picks the order up before the store answers');
select is(
  pg_temp.run_as('merchant', format('select public.agree_to_cancellation(%L)', pg_temp.order_id('request_picked_up'))),
  '409 already_picked_up', 'the merchant cannot agree once the rider has the order: 409 already_picked_up');
select is(pg_temp.new_events(), '{}'::text[], 'the refused agreement wrote no event');
select results_eq(
  $$select o.status::text, r.answer from public.orders o join public.cancellation_requests r on r.order_id = o.id
    where o.id = pg_temp.order_id('request_picked_up')$$,
  $$values ('picked_up', null::text)$$,
  'the order stays picked up, the request unanswered');

-- The order's and the store's topics hear of each request and answer.
select is(
  (select count(*)::int from realtime.messages m where m.event = 'cancellation_request' and m.payload ->> 'order_id' = pg_temp.order_id('request_declined')::text
     and m.topic in ('order:' || pg_temp.order_id('request_declined'), 'store:' || pg_temp.order_id('store'))),
  4, 'the request and its refusal each reached order:<id> and store:<id>');

select * from finish();
rollback;
