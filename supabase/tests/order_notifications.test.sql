-- Notifications the database writes: each order step, rider change and chat message tells the
-- right person (in their language, with the page to open) and nobody else, never the one
-- acting; the owner alone reads and marks them, and alone receives user:<id>. The steps run
-- through the public functions as each persona, as the app calls them. Uses the helpers from
-- 000_test_helpers.sql.
begin;

select plan(101);

select tests.add_persona('notify', name, role, status) from (values
  ('customer',     'customer', 'active'),
  ('merchant',     'merchant', 'active'),
  ('rider',        'rider',    'active'),
  ('other_rider',  'rider',    'active'),
  ('far_rider',    'rider',    'active'),
  ('off_rider',    'rider',    'active'),
  ('stranger',     'customer', 'active'),
  ('admin',        'admin',    'active'),
  ('suspended',    'customer', 'suspended')
) as p(name, role, status);
-- The customer reads Hindi, the merchant Marathi, the riders English (the default) but the far
-- rider, who reads Hindi.
update public.profiles set language = 'hi' where id in (select id from personas where name in ('customer', 'far_rider'));
update public.profiles set language = 'mr' where id = (select id from personas where name = 'merchant');

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values ('store'), ('rice'), ('dal'),
  ('delivered'), ('rejected'), ('withdrawn'), ('expired'), ('claimed'), ('cancelled'), ('pool'), ('busy');

-- Notifications already looked at, so each check sees only what the last step wrote (the
-- database may hold others' from before).
create temp table seen (n bigint generated always as identity, id uuid primary key);
insert into seen (id) select id from public.notifications;

create function pg_temp.id(name text) returns uuid
language sql stable
as $$ select coalesce((select id from fixtures f where f.name = id.name), (select id from personas p where p.name = id.name)) $$;

-- The notifications written since the last call, as sortable sentences: recipient (or
-- 'someone else'), kind, and the order they are about.
create function pg_temp.told() returns text[]
language plpgsql
as $$
declare
  result text[];
begin
  with fresh as (
    select n.id, coalesce(p.name, 'someone else') || ' ' || n.kind || coalesce(' ' || o.name, '') as label
    from public.notifications n
    left join personas p on p.id = n.user_id
    left join fixtures o on o.id::text = n.data ->> 'order_id'
    where not exists (select 1 from seen s where s.id = n.id)
  ), marked as (
    insert into seen (id) select id from fresh order by label
  )
  select coalesce(array_agg(label order by label), '{}') into result from fresh;
  return result;
end
$$;

-- The notification of a kind a persona was last told (as pg_temp.told saw them).
create function pg_temp.latest(persona text, kind text) returns public.notifications
language sql stable
as $$
  select n.* from public.notifications n join seen s using (id)
  where n.user_id = pg_temp.id(persona) and n.kind = latest.kind
  order by s.n desc limit 1
$$;

-- A persona's access to a topic in one word, as Realtime judges joins and client sends.
create function pg_temp.access(persona text, topic text) returns text
language sql
as $$
  select case when r is null or w is null then 'error'
    else coalesce(nullif(concat_ws('+', case when r then 'receive' end, case when w then 'broadcast' end), ''), 'none') end
  from (select tests.can_receive(persona, topic) as r, tests.can_send(persona, topic, 'broadcast') as w) as x
$$;

-- The ids of the notifications a persona reads, under row-level security.
create function pg_temp.visible(persona text) returns uuid[]
language plpgsql
as $$
declare
  result uuid[];
begin
  perform tests.sign_in(persona);
  select coalesce(array_agg(n.id order by n.id), '{}') into result from public.notifications n;
  perform tests.clear_authentication();
  return result;
end
$$;

-- mark_notifications_read as a persona: how many it marked.
create function pg_temp.mark(persona text, ids uuid[]) returns integer
language plpgsql
as $$
declare
  result integer;
begin
  perform tests.sign_in(persona);
  result := public.mark_notifications_read(ids);
  perform tests.clear_authentication();
  return result;
end
$$;

-- Runs a statement as a persona and says 'ok' or the error, as the API would report it.
create function pg_temp.as_(persona text, statement text) returns text
language sql
as $$ select tests.outcome_as(persona, statement) $$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner): a store at 18.52 N 73.85 E with rice and dal; two riders on
-- shift next to it, one on shift 8.8 km east, one off shift next to it; eight pending orders
-- delivered 1112 m north.
-- ---------------------------------------------------------------------------------------------
insert into public.stores (id, owner_id, name, address, location, status, approved_at)
values (pg_temp.id('store'), pg_temp.id('merchant'), 'Sharma Kirana', '12 FC Road, Pune', tests.point(73.85, 18.52), 'approved', now());
insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock)
values (pg_temp.id('rice'), pg_temp.id('store'), 'RICE-1', 'Sona masoori rice', 'Staples', '1 kg', 2500, 50),
       (pg_temp.id('dal'), pg_temp.id('store'), 'DAL-1', 'Toor dal', 'Staples', '1 kg', 1500, 50);
update public.rider_profiles set is_available = true, location = tests.point(73.85, 18.521), last_seen_at = now()
where rider_id in (pg_temp.id('rider'), pg_temp.id('other_rider'));
update public.rider_profiles set is_available = true, location = tests.point(73.93, 18.52), last_seen_at = now()
where rider_id = pg_temp.id('far_rider');
update public.rider_profiles set is_available = false, location = tests.point(73.85, 18.5205), last_seen_at = now()
where rider_id = pg_temp.id('off_rider');

insert into public.orders (id, customer_id, store_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location, delivery_distance_m, created_at)
select pg_temp.id(o.fixture), pg_temp.id('customer'), pg_temp.id('store'), 'pending', 4000, 2000, 6000,
       '221B Baner Road, Pune', tests.point(73.85, 18.53), 1112, now() - o.age
from (values ('delivered', interval '0'), ('rejected', interval '0'), ('withdrawn', interval '0'),
             ('expired', interval '1 hour'), ('claimed', interval '0'), ('cancelled', interval '0'),
             ('pool', interval '0'), ('busy', interval '0')) as o (fixture, age);
insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity)
select o.id, p.id, p.sku, p.name, p.unit, p.price_paise, 1
from fixtures o cross join public.products p
where o.name in ('delivered', 'rejected', 'withdrawn', 'expired', 'claimed', 'cancelled', 'pool', 'busy') and p.store_id = pg_temp.id('store');

select is_empty(
  $$select t.template from private.notification_texts t group by t.template having array_agg(t.language order by t.language) <> array['en', 'hi', 'mr']$$,
  'every notification text exists in English, Hindi and Marathi');

-- ---------------------------------------------------------------------------------------------
-- Merchant: new orders, a customer's cancellation, riders assigned and released, chat
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.told(), '{}'::text[], 'nothing is told before the placing transaction commits (a deferred trigger)');
set constraints orders_notify_new_order immediate;
select is(pg_temp.told(),
  array['merchant new_order busy', 'merchant new_order cancelled', 'merchant new_order claimed', 'merchant new_order delivered',
        'merchant new_order expired', 'merchant new_order pool', 'merchant new_order rejected', 'merchant new_order withdrawn'],
  'each placed order tells the store''s merchant, and nobody else, once');
select is(
  (select jsonb_build_object('title', n.title, 'body', n.body, 'link', n.link, 'data', n.data)
   from public.notifications n where n.user_id = pg_temp.id('merchant') and n.data ->> 'order_id' = pg_temp.id('delivered')::text),
  jsonb_build_object('title', 'नवीन ऑर्डर', 'body', 'Sharma Kirana: 2 वस्तू, ₹60.00. आत्ताच स्वीकारा किंवा नाकारा.',
    'link', '/merchant/orders/' || pg_temp.id('delivered'), 'data', jsonb_build_object('order_id', pg_temp.id('delivered'))),
  'the new-order notification is in the merchant''s Marathi, with items and total, and opens the order on the merchant''s page');

select is(pg_temp.as_('customer', format('select public.update_order_status(%L, ''cancelled'')', pg_temp.id('withdrawn'))), 'ok',
  'the customer cancels a pending order');
select is(pg_temp.told(), array['merchant order_cancelled withdrawn'], 'the merchant is told of the customer''s cancellation, the customer is not');
select is((pg_temp.latest('merchant', 'order_cancelled')).body, 'ग्राहकाने Sharma Kirana मधील आपली ऑर्डर रद्द केली.',
  'in Marathi, saying the customer cancelled');
select is(
  (select n.read_at is not null from public.notifications n
   where n.user_id = pg_temp.id('merchant') and n.kind = 'new_order' and n.data ->> 'order_id' = pg_temp.id('withdrawn')::text),
  true, 'an order that is no longer pending stops ringing: its new-order notification is read');

select is(pg_temp.as_('merchant', format('select public.accept_order(%L)', pg_temp.id('claimed'))), 'ok', 'the merchant accepts another order');
select is(pg_temp.told(), array['customer order_accepted claimed'], 'acceptance tells the customer only, not the merchant who accepted');
select is(pg_temp.as_('merchant', format('select public.update_order_status(%L, ''preparing'')', pg_temp.id('claimed'))), 'ok', 'prepares it');
select is(pg_temp.as_('merchant', format('select public.update_order_status(%L, ''ready'')', pg_temp.id('claimed'))), 'ok', 'marks it ready');
select is(pg_temp.told(), array['customer order_ready claimed', 'other_rider job_ready claimed', 'rider job_ready claimed'],
  'preparing tells nobody; ready tells the customer, and (with no rider yet) each free rider near the store');
select is(pg_temp.as_('other_rider', format('select public.claim_delivery(%L)', pg_temp.id('claimed'))), 'ok', 'a rider claims the job');
select is(pg_temp.told(), array['merchant rider_assigned claimed'], 'a claim tells the merchant; the rider who claimed is not told of it');
select is(pg_temp.as_('other_rider', format('select public.release_delivery(%L)', pg_temp.id('claimed'))), 'ok', 'the rider gives it up');
select is(pg_temp.told(), array['merchant rider_released claimed', 'rider job_ready claimed'],
  'giving up tells the merchant, and the job, open again, the free riders near it but not the one who gave it up');
select is((pg_temp.latest('merchant', 'rider_released')).title, 'रायडरने काम सोडले', 'in Marathi');

-- ---------------------------------------------------------------------------------------------
-- Rider: a ready job near them (and nobody further, off shift or busy)
-- ---------------------------------------------------------------------------------------------
select is(
  (select jsonb_build_object('title', n.title, 'body', n.body, 'link', n.link, 'data', n.data) from public.notifications n
   where n.id = (pg_temp.latest('rider', 'job_ready')).id),
  jsonb_build_object('title', 'Job near you', 'body', 'Sharma Kirana has an order ready for pickup, 110 m from you.', 'link', '/rider',
    'data', jsonb_build_object('order_id', pg_temp.id('claimed'), 'distance', '110 m')),
  'in English, with the rider''s distance to the store, opening the ready jobs (the job is not theirs yet)');
select is(
  (select array_agg(p.name order by p.name) from public.notifications n join personas p on p.id = n.user_id
   where n.kind = 'job_ready' and n.data ->> 'order_id' = pg_temp.id('claimed')::text),
  array['other_rider', 'rider', 'rider'],
  'the rider 8.8 km away and the rider off shift next door were never told of it');
select is(
  (select array_agg(p.name || ' ' || (n.read_at is not null) order by p.name, n.created_at, n.read_at nulls last)
   from public.notifications n join personas p on p.id = n.user_id
   where n.kind = 'job_ready' and n.data ->> 'order_id' = pg_temp.id('claimed')::text),
  array['other_rider true', 'rider true', 'rider false'],
  'the first alerts were read when the job was claimed; the one since it reopened is unread');

-- The far rider comes close; the other rider falls silent; the rider is given a delivery.
update public.rider_profiles set location = tests.point(73.851, 18.52), last_seen_at = now() where rider_id = pg_temp.id('far_rider');
update public.rider_profiles set last_seen_at = now() - interval '1 day' where rider_id = pg_temp.id('other_rider');
update public.orders set status = 'accepted', rider_id = pg_temp.id('rider') where id = pg_temp.id('busy');
select is(pg_temp.told(), array['customer order_accepted busy', 'merchant rider_assigned busy', 'rider job_assigned busy'], '(the rider is busy)');
select is(pg_temp.as_('merchant', format('select public.accept_order(%L)', pg_temp.id('pool'))), 'ok', 'the merchant accepts another order');
select is(pg_temp.as_('merchant', format('select public.update_order_status(%L, ''preparing'')', pg_temp.id('pool'))), 'ok', 'prepares it');
select is(pg_temp.as_('merchant', format('select public.update_order_status(%L, ''ready'')', pg_temp.id('pool'))), 'ok', 'and marks it ready');
select is(pg_temp.told(), array['customer order_accepted pool', 'customer order_ready pool', 'far_rider job_ready pool'],
  'only the rider who came close is told: not the busy one, the silent one or the one off shift');
select is(pg_temp.as_('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('pool'), pg_temp.id('far_rider'))), 'ok',
  'the merchant gives the ready job to that rider');
select matches((pg_temp.latest('far_rider', 'job_ready')).body, '^Sharma Kirana पर ऑर्डर पिकअप के लिए तैयार है, आपसे [0-9.]+ k?m दूर।$',
  'in Hindi, the language that rider reads, with their distance to the store');
select is(pg_temp.told(), array['far_rider job_assigned pool'], 'the rider is told it is theirs');
select is((pg_temp.latest('far_rider', 'job_assigned')).title, 'आपके लिए नई डिलीवरी', 'in Hindi');
select is((pg_temp.latest('far_rider', 'job_ready')).read_at is not null, true, 'and their alert of the waiting job is read: it waits no more');
-- Back as they were: the other rider seen, the rider free.
update public.rider_profiles set last_seen_at = now() where rider_id = pg_temp.id('other_rider');
update public.orders set status = 'cancelled', status_reason = 'Test over' where id = pg_temp.id('busy');
select is(pg_temp.told(), array['customer order_cancelled busy', 'merchant order_cancelled busy', 'rider order_cancelled busy'], '(the rider is free again)');

-- ---------------------------------------------------------------------------------------------
-- Rider: a job assigned to them, a cancellation, chat
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.as_('merchant', format('select public.accept_order(%L)', pg_temp.id('cancelled'))), 'ok', 'the merchant accepts an order');
select is(pg_temp.as_('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('cancelled'), pg_temp.id('other_rider'))), 'ok',
  'and assigns it to a rider');
select is(pg_temp.told(), array['customer order_accepted cancelled', 'other_rider job_assigned cancelled'],
  'the assigned rider is told; the merchant who assigned is not');
select is(
  (select jsonb_build_object('title', n.title, 'body', n.body, 'link', n.link) from public.notifications n where n.id = (pg_temp.latest('other_rider', 'job_assigned')).id),
  jsonb_build_object('title', 'New delivery for you', 'body', 'Pick up at Sharma Kirana, 12 FC Road, Pune.', 'link', '/rider/jobs/' || pg_temp.id('cancelled')),
  'in English, with the pickup address, opening the job on the rider''s page');
select is(pg_temp.as_('merchant', format('select public.update_order_status(%L, ''cancelled'', ''Power cut, cannot pack'')', pg_temp.id('cancelled'))), 'ok',
  'the merchant cancels the accepted order with a reason');
select is(pg_temp.told(), array['customer order_cancelled cancelled', 'other_rider order_cancelled cancelled'],
  'a store''s cancellation tells the customer and the rider, not the merchant');
select is((pg_temp.latest('other_rider', 'order_cancelled')).body, 'The order at Sharma Kirana was cancelled: Power cut, cannot pack',
  'with the store''s reason');

-- ---------------------------------------------------------------------------------------------
-- Customer: accepted with changes, rejected, ready, picked up, near (once), delivered, expired
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.as_('merchant', format('select public.accept_order(%L, array[%L]::uuid[])', pg_temp.id('delivered'), pg_temp.id('dal'))), 'ok',
  'the merchant accepts an order without the dal');
select is(pg_temp.told(), array['customer order_accepted delivered'], 'the customer is told');
select is(
  (select jsonb_build_object('title', n.title, 'body', n.body, 'link', n.link) from public.notifications n where n.id = (pg_temp.latest('customer', 'order_accepted')).id),
  jsonb_build_object('title', 'ऑर्डर बदलाव के साथ स्वीकार', 'body', 'Sharma Kirana के पास हर सामान नहीं था: अपना ऑर्डर देखें। नया कुल ₹45.00।',
    'link', '/customer/orders/' || pg_temp.id('delivered')),
  'in Hindi: accepted with changes and the new total, opening the order on the customer''s page');

select is(pg_temp.as_('merchant', format('select public.reject_order(%L, ''Closing early today'')', pg_temp.id('rejected'))), 'ok', 'the merchant rejects an order');
select is(pg_temp.told(), array['customer order_rejected rejected'], 'the customer is told of the rejection');
select is((pg_temp.latest('customer', 'order_rejected')).body, 'Sharma Kirana आपका ऑर्डर नहीं ले सका: Closing early today', 'with the reason');

select is(pg_temp.as_('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('delivered'), pg_temp.id('other_rider'))), 'ok', 'a rider is assigned');
select is(pg_temp.told(), array['other_rider job_assigned delivered'], 'the rider hears of the job');
select is(pg_temp.as_('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('delivered'), pg_temp.id('rider'))), 'ok', 'and the merchant gives it to another rider');
select is(pg_temp.told(), array['other_rider job_unassigned delivered', 'rider job_assigned delivered'],
  'the rider it was taken from is told, and the one given it');
select is((pg_temp.latest('other_rider', 'job_unassigned')).body, 'The store gave the order at Sharma Kirana to another rider.', 'in English');
select is(pg_temp.as_('merchant', format('select public.update_order_status(%L, ''preparing'')', pg_temp.id('delivered'))), 'ok', 'preparing');
select is(pg_temp.as_('merchant', format('select public.update_order_status(%L, ''ready'')', pg_temp.id('delivered'))), 'ok', 'ready');
select is(pg_temp.as_('rider', format('select public.update_order_status(%L, ''picked_up'')', pg_temp.id('delivered'))), 'ok', 'picked up');
select is(pg_temp.told(), array['customer order_picked_up delivered', 'customer order_ready delivered'],
  'the customer hears of ready and picked up; a rider assigned before ready is not news to the customer');

select is(pg_temp.as_('rider', format('select public.report_location(%L, 18.525, 73.85)', pg_temp.id('delivered'))), 'ok', 'the rider reports 556 m from the door');
select is(pg_temp.told(), '{}'::text[], '556 m away is not near');
select is(pg_temp.as_('rider', format('select public.report_location(%L, 18.528, 73.85)', pg_temp.id('delivered'))), 'ok', 'the rider reports 222 m from the door');
select is(pg_temp.told(), array['customer rider_near delivered'], 'within 300 m the customer is told the rider is near');
select is(pg_temp.as_('rider', format('select public.report_location(%L, 18.529, 73.85)', pg_temp.id('delivered'))), 'ok', 'and reports again 111 m away');
select is(pg_temp.told(), '{}'::text[], 'near is told once per order');

select is(pg_temp.as_('rider', format('select public.deliver_order(%L, %L)', pg_temp.id('delivered'),
  (select h.code from private.handover_codes h where h.order_id = pg_temp.id('delivered')))), 'ok', 'the rider delivers with the code');
select is(pg_temp.told(), array['customer order_delivered delivered'], 'the customer is told it was delivered');

select is(private.expire_pending_orders() >= 1, true, 'the scheduled job expires the order not answered for an hour');
select is(pg_temp.told(), array['customer order_expired expired'], 'the customer is told it expired');
select is(
  (select n.read_at is not null from public.notifications n
   where n.user_id = pg_temp.id('merchant') and n.kind = 'new_order' and n.data ->> 'order_id' = pg_temp.id('expired')::text),
  true, 'and the merchant''s alert for the expired order stops');

-- ---------------------------------------------------------------------------------------------
-- Chat: a message tells the other members who are away, once until they read it
-- ---------------------------------------------------------------------------------------------
create temp table chats as
select c.kind::text as kind, c.id from public.conversations c where c.order_id = pg_temp.id('delivered') and c.closed_at is null;
grant select on chats to authenticated;

select is(pg_temp.as_('customer', format('select public.send_message(%L, gen_random_uuid(), ''Please ring the bell'')',
  (select id from chats where kind = 'customer_store'))), 'ok', 'the customer writes to the store');
select is(pg_temp.told(), array['merchant chat_message delivered'], 'the merchant, away from the chat, is told; the customer is not');
select is(
  (select jsonb_build_object('body', n.body, 'link', n.link, 'conversation', n.data ->> 'conversation_id') from public.notifications n
   where n.id = (pg_temp.latest('merchant', 'chat_message')).id),
  jsonb_build_object('body', 'Please ring the bell', 'link', '/merchant/orders/' || pg_temp.id('delivered'),
    'conversation', (select id from chats where kind = 'customer_store')::text),
  'carrying the message and opening the order, where its chat is');
select is(pg_temp.as_('customer', format('select public.send_message(%L, gen_random_uuid(), ''Second floor'')',
  (select id from chats where kind = 'customer_store'))), 'ok', 'the customer writes again');
select is(pg_temp.told(), '{}'::text[], 'an unread chat notification is not repeated');
select is(pg_temp.as_('merchant', format('select public.mark_read(%L, 2)', (select id from chats where kind = 'customer_store'))), 'ok',
  'the merchant reads the chat');
select is((pg_temp.latest('merchant', 'chat_message')).read_at is not null, true, 'reading the chat marks its notification read');
select is(pg_temp.as_('customer', format('select public.send_message(%L, gen_random_uuid(), ''Thanks'')',
  (select id from chats where kind = 'customer_store'))), 'ok', 'the customer writes while the merchant is in the chat');
select is(pg_temp.told(), '{}'::text[], 'a member who read the chat within the last minute is present, and not told');
select is(pg_temp.as_('customer', format('select public.send_message(%L, gen_random_uuid(), ''Gate code 42'')',
  (select id from chats where kind = 'customer_rider'))), 'ok', 'the customer writes to the rider');
select is(pg_temp.told(), array['rider chat_message delivered'], 'the rider is told, with the job''s page to open');

-- ---------------------------------------------------------------------------------------------
-- Reading and marking: the owner only
-- ---------------------------------------------------------------------------------------------
select is(
  (select array_agg(distinct p.name order by p.name) from public.notifications n join personas p on p.id = n.user_id),
  array['customer', 'far_rider', 'merchant', 'other_rider', 'rider'],
  'only the parties of the orders and the riders near a ready job were told anything; the stranger, the admin, the suspended account and the rider off shift nothing');
select is(pg_temp.visible(t.persona),
  (select coalesce(array_agg(n.id order by n.id), '{}') from public.notifications n where n.user_id = pg_temp.id(t.persona)),
  t.persona || ' reads exactly their own notifications')
from (values (1, 'customer'), (2, 'merchant'), (3, 'rider'), (4, 'stranger'), (5, 'suspended')) as t (n, persona)
order by t.n;
select is(pg_temp.mark('stranger', null), 0, 'the stranger marking "all" read changes nobody else''s');
select is(pg_temp.mark('merchant', array[(pg_temp.latest('customer', 'order_ready')).id]), 0,
  'the merchant cannot mark the customer''s notification read');
select is(pg_temp.mark('customer', array[(pg_temp.latest('customer', 'order_ready')).id]), 1, 'the customer marks one of theirs read');
select is((pg_temp.latest('customer', 'order_ready')).read_at is not null, true, 'that one is read');
select is(pg_temp.mark('customer', null), (select count(*)::integer from public.notifications where user_id = pg_temp.id('customer') and read_at is null),
  'the customer marks all the rest read');
select is((select count(*)::integer from public.notifications where user_id = pg_temp.id('customer') and read_at is null), 0,
  'none of theirs is unread');
select is((select count(*)::integer from public.notifications where user_id = pg_temp.id('rider') and read_at is null), 5,
  'and the rider''s are as they were');

-- ---------------------------------------------------------------------------------------------
-- user:<id>: each notification and each change of the unread count reaches its owner only
-- ---------------------------------------------------------------------------------------------
select is(
  (select count(*)::integer from realtime.messages r where r.topic = 'user:' || pg_temp.id('rider') and r.event = 'notification' and r.private),
  (select count(*)::integer from public.notifications n where n.user_id = pg_temp.id('rider')),
  'every notification of the rider was broadcast privately on user:<rider id>');
select is(
  (select r.payload ->> 'unread' from realtime.messages r where r.topic = 'user:' || pg_temp.id('customer') and r.event = 'read'
   order by r.inserted_at desc, (r.payload ->> 'unread')::integer limit 1),
  '0', 'marking read sends the owner''s new unread count');
select is(pg_temp.access(t.persona, 'user:' || pg_temp.id('customer')), t.expected,
  t.persona || ': user:<customer id> ' || t.expected)
from (values (1, 'customer', 'receive'), (2, 'stranger', 'none'), (3, 'merchant', 'none'), (4, 'rider', 'none'),
             (5, 'admin', 'none'), (6, 'anonymous', 'none')) as t (n, persona, expected)
order by t.n;
select is(pg_temp.access('suspended', 'user:' || pg_temp.id('suspended')), 'none', 'a suspended account does not receive even its own topic');
select is(pg_temp.access('customer', t.topic), 'none', 'the customer is refused ' || quote_literal(t.topic))
from (values (1, 'user:' || pg_temp.id('customer') || ':x'), (2, 'user:'), (3, 'user:' || upper(pg_temp.id('customer')::text))) as t (n, topic)
order by t.n;

select * from finish();
rollback;
