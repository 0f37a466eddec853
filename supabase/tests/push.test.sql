-- Web Push: push_subscriptions and push_preferences are their owner's alone; deliveries and the
-- functions the push Edge Function uses are out of the API roles' reach; the webhook is a
-- supabase_functions.http_request trigger. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(38);

select tests.add_persona('push', name, role) from (values
  ('customer',   'customer'),
  ('merchant',   'merchant'),
  ('rider',      'rider'),
  ('admin',      'admin'),
  ('suspended',  'customer')
) as p(name, role);

create temp table devices (name text primary key, endpoint text not null);
grant select on devices to anon, authenticated;
insert into devices values
  ('customer', 'https://push.example/customer-phone'),
  ('merchant', 'https://push.example/merchant-phone'),
  ('rider', 'https://push.example/rider-phone'),
  ('suspended', 'https://push.example/suspended-phone');

-- 65-byte point and 16-byte secret, base64url, as PushSubscription.toJSON() gives them.
create function pg_temp.save_sql(device text, label text default 'Phone') returns text language sql as $$
  select format('select public.save_push_subscription(%L, %L, %L, %L)',
    (select endpoint from pg_temp.devices where name = device),
    'B' || repeat('A', 86), repeat('x', 22), label)
$$;

select is(tests.outcome_as(name, pg_temp.save_sql(name)), 'ok', name || ' saves a device over REST (save_push_subscription)')
from personas where name in ('customer', 'merchant', 'rider') order by name;
update public.profiles set status = 'suspended' where id = (select id from personas where name = 'suspended');

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is((select relrowsecurity from pg_class where oid = 'public.push_subscriptions'::regclass), true, 'RLS is on for push_subscriptions');
select is((select relrowsecurity from pg_class where oid = 'public.push_preferences'::regclass), true, 'RLS is on for push_preferences');
select policies_are('public', 'push_subscriptions',
  array['Users see their own devices', 'Users rename their own devices', 'Users remove their own devices'],
  'push_subscriptions has exactly the owner''s policies (no admin policy: devices are private)');
select col_is_unique('public', 'push_subscriptions', 'endpoint', 'an endpoint belongs to one person');
select has_trigger('public', 'notifications', 'push_new_notifications', 'notifications inserts call the push webhook');
select is((select p.oid::regprocedure::text from pg_trigger t join pg_proc p on p.oid = t.tgfoid where t.tgname = 'push_new_notifications'),
  'supabase_functions.http_request()', 'the webhook is Supabase''s Database Webhook trigger function');
select is((select encode(tgargs, 'escape') ~ '/functions/v1/push' from pg_trigger where tgname = 'push_new_notifications'), true,
  'the webhook posts to the push function');

-- ---------------------------------------------------------------------------------------------
-- Customer (the same for every persona): their own devices only
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');
select is((select array_agg(endpoint) from public.push_subscriptions), array['https://push.example/customer-phone'],
  'the customer sees only their own device');
select is(tests.rows_affected($$update public.push_subscriptions set device_label = 'Renamed'$$), 1::bigint,
  'the customer renames only their own device');
select is(tests.rows_affected($$delete from public.push_subscriptions where endpoint like '%merchant%'$$), 0::bigint,
  'the customer cannot remove the merchant''s device');
select is(tests.outcome($$update public.push_subscriptions set endpoint = 'https://evil.example/x'$$), '42501',
  'the endpoint cannot be rewritten (column privilege)');
select is(tests.outcome($$insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values (auth.uid(), 'https://push.example/direct', 'B' || repeat('A', 86), repeat('x', 22))$$),
  '42501', 'subscriptions are saved through save_push_subscription, not inserted directly');
select is(tests.outcome($$select public.save_push_subscription('http://push.example/plain', 'B' || repeat('A', 86), repeat('x', 22))$$),
  '23514', 'an endpoint that is not https is refused');
select is(tests.outcome($$select public.save_push_subscription('https://push.example/k', 'short', repeat('x', 22))$$),
  '23514', 'a key that is not a P-256 point is refused');
select is(tests.outcome($$insert into public.push_preferences (user_id, muted_kinds, quiet_from, quiet_until) values (auth.uid(), '{chat_message}', '22:00', '07:00')$$),
  'ok', 'the customer sets their choices');
select is(tests.outcome($$update public.push_preferences set quiet_from = null$$), '23514',
  'quiet hours need both ends');
select is(tests.outcome(format('insert into public.push_preferences (user_id) values (%L)', (select id from personas where name = 'rider'))),
  '42501', 'the customer cannot make choices for someone else');
select is(tests.outcome('select count(*) from private.push_deliveries'), '42501', 'deliveries are out of reach');
select is(tests.outcome(format('select private.claim_push_deliveries(%L)', gen_random_uuid())), '42501',
  'the customer cannot claim deliveries (only the push function does)');
select is(tests.outcome($$select private.configure_push_webhook('https://evil.example/functions/v1/push', repeat('s', 40))$$), '42501',
  'the customer cannot repoint the webhook');
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- Merchant and rider: their own devices only
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');
select is((select array_agg(endpoint) from public.push_subscriptions), array['https://push.example/merchant-phone'],
  'the merchant sees only their own device');
select is((select count(*) from public.push_preferences), 0::bigint, 'the merchant does not see the customer''s choices');
select tests.clear_authentication();

select tests.sign_in('rider');
select is((select array_agg(endpoint) from public.push_subscriptions), array['https://push.example/rider-phone'],
  'the rider sees only their own device');
select is(tests.rows_affected($$update public.push_preferences set muted_kinds = '{}'$$), 0::bigint,
  'the rider cannot change the customer''s choices');
select tests.clear_authentication();

-- The rider's browser is handed to the merchant: saving the endpoint moves the device.
select is(tests.outcome_as('merchant', pg_temp.save_sql('rider', 'Shared phone')), 'ok', 'the merchant saves the device the rider had');
select is((select user_id from public.push_subscriptions where endpoint = 'https://push.example/rider-phone'),
  (select id from personas where name = 'merchant'), 'the device now belongs to the merchant alone');

-- ---------------------------------------------------------------------------------------------
-- Admin, suspended, anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');
select is((select count(*) from public.push_subscriptions), 0::bigint, 'an admin does not see anyone''s devices');
select tests.clear_authentication();

select is(tests.outcome_as('suspended', pg_temp.save_sql('suspended')), '403 not_allowed', 'a suspended account cannot subscribe');

select tests.sign_in('anonymous');
select is(tests.outcome('select count(*) from public.push_subscriptions'), '42501', 'signed-out callers have no access to devices');
select is(tests.outcome(pg_temp.save_sql('customer')), '42501', 'signed-out callers cannot subscribe');
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- The push function's claim (as the database owner): once per device, choices applied
-- ---------------------------------------------------------------------------------------------
insert into public.notifications (id, user_id, kind, title, data)
values ('00000000-0000-4000-8000-000000000001', (select id from personas where name = 'merchant'), 'new_order', 'New order', '{"order_id": "00000000-0000-4000-8000-0000000000aa", "link": "/merchant/orders/00000000-0000-4000-8000-0000000000aa"}'),
       ('00000000-0000-4000-8000-000000000002', (select id from personas where name = 'customer'), 'chat_message', 'New message', '{}');
select is((select count(*) from private.claim_push_deliveries('00000000-0000-4000-8000-000000000001')), 2::bigint,
  'the merchant''s two devices are claimed for their notification');
select is((select count(*) from private.claim_push_deliveries('00000000-0000-4000-8000-000000000001')), 0::bigint,
  'a second claim returns nothing: no device gets it twice');
select is((select count(*) from private.claim_push_deliveries('00000000-0000-4000-8000-000000000002')), 0::bigint,
  'a muted kind is not sent');
select private.finish_push_delivery('00000000-0000-4000-8000-000000000001', s.id, case when s.device_label = 'Phone' then 201 else 410 end, 1)
from public.push_subscriptions s where s.user_id = (select id from personas where name = 'merchant');
select is((select array_agg(d.status) from private.push_deliveries d where d.notification_id = '00000000-0000-4000-8000-000000000001'),
  array['sent'], 'a 201 marks the delivery sent; a 410 deletes the device and its delivery');
select is((select array_agg(s.device_label || ':' || (s.last_success_at is not null)) from public.push_subscriptions s where s.user_id = (select id from personas where name = 'merchant')),
  array['Phone:true'], 'the device that took it records its last success; the gone one is removed');

select * from finish();
rollback;
