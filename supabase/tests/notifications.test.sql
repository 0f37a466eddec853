-- public.notifications: structure, constraints, then row-level security and column privileges
-- persona by persona. The platform writes notifications, so every fixture is inserted by the
-- database owner before the tests switch persona. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(67);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to lives_ok/throws_ok can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('notifications', name, role, status) from (values
  ('customer',        'customer', 'active'),
  ('stranger',        'customer', 'active'),
  ('merchant',        'merchant', 'active'),
  ('other_merchant',  'merchant', 'active'),
  ('rider',           'rider',    'active'),
  ('other_rider',     'rider',    'active'),
  ('admin',           'admin',    'active'),
  ('suspended',       'customer', 'suspended')
) as p(name, role, status);

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner): one unread notification per persona, and a read one for
-- the customer.
-- ---------------------------------------------------------------------------------------------
create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;

insert into fixtures (name) select name from personas;
insert into fixtures (name) values ('customer_read');

insert into public.notifications (id, user_id, kind, title, body, data)
select f.id, p.id, n.kind, n.title, n.body, n.data::jsonb
from (values ('customer', 'customer', 'order_accepted', 'Order accepted', 'Sharma Kirana is packing your order.', '{"order_id": "o-1"}'),
             ('stranger', 'stranger', 'order_accepted', 'Order accepted', 'Patil Provisions is packing your order.', '{"order_id": "o-2"}'),
             ('merchant', 'merchant', 'new_order', 'New order', 'A customer placed an order.', '{"order_id": "o-1"}'),
             ('other_merchant', 'other_merchant', 'store_approved', 'Store approved', 'Patil Provisions is live.', '{}'),
             ('rider', 'rider', 'job_offered', 'New delivery', 'Pick up at FC Road.', '{"order_id": "o-1"}'),
             ('other_rider', 'other_rider', 'job_offered', 'New delivery', 'Pick up at JM Road.', '{"order_id": "o-2"}'),
             ('admin', 'admin', 'store_application', 'New store application', 'Review it in Studio.', '{}'),
             ('suspended', 'suspended', 'account_suspended', 'Account suspended', 'Contact support.', '{}')) as n (fixture, owner, kind, title, body, data)
join fixtures f on f.name = n.fixture
join personas p on p.name = n.owner;

insert into public.notifications (id, user_id, kind, title, read_at)
values ((select id from fixtures where name = 'customer_read'), (select id from personas where name = 'customer'),
        'order_delivered', 'Order delivered', now() - interval '1 day');

create temp table totals as select count(*) as notifications from public.notifications;
grant select on totals to anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.notifications'::regclass),
  true,
  'RLS is enabled on public.notifications'
);
select policies_are(
  'public', 'notifications',
  array['Users read their own notifications', 'Users mark their own notifications read',
        'Admins read every notification'],
  'public.notifications has exactly the expected policies'
);
select policy_cmd_is('public', 'notifications', 'Users read their own notifications', 'select',
  'the read policy is for select');
select policy_cmd_is('public', 'notifications', 'Users mark their own notifications read', 'update',
  'the mark-read policy is for update');
select policy_cmd_is('public', 'notifications', 'Admins read every notification', 'select',
  'the admins'' policy is for select only');
select policy_roles_are('public', 'notifications', 'Users mark their own notifications read', array['authenticated'],
  'the mark-read policy applies to authenticated only');
select has_index('public', 'notifications', 'notifications_user_id_created_at_idx', array['user_id', 'created_at'],
  'notifications are indexed by user (the user_id foreign key) and creation time');

select table_privs_are('public', 'notifications', 'authenticated', array['SELECT'],
  'authenticated may only select notifications at table level');
select table_privs_are('public', 'notifications', 'anon', array[]::name[],
  'anon has no privilege on notifications');
select column_privs_are('public', 'notifications', 'read_at', 'authenticated', array['SELECT', 'UPDATE'],
  'authenticated may update notifications.read_at');
select column_privs_are('public', 'notifications', c, 'authenticated', array['SELECT'],
  'authenticated may not update notifications.' || c)
from unnest(array['id', 'user_id', 'kind', 'title', 'body', 'data', 'created_at']) as c;

-- ---------------------------------------------------------------------------------------------
-- Constraints (as the database owner)
-- ---------------------------------------------------------------------------------------------
select throws_ok(
  $$insert into public.notifications (user_id, kind, title) values ((select id from personas where name = 'customer'), 'Order-Accepted', 'Hi')$$,
  '23514',
  'new row for relation "notifications" violates check constraint "notifications_kind_format"',
  'a kind that is not snake_case is rejected'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title) values ((select id from personas where name = 'customer'), '1st_order', 'Hi')$$,
  '23514',
  'new row for relation "notifications" violates check constraint "notifications_kind_format"',
  'a kind that does not start with a letter is rejected'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title) values ((select id from personas where name = 'customer'), 'a' || repeat('b', 40), 'Hi')$$,
  '23514',
  'new row for relation "notifications" violates check constraint "notifications_kind_format"',
  'a kind longer than 40 characters is rejected'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title, data) values ((select id from personas where name = 'customer'), 'order_accepted', 'Hi', '["o-1"]')$$,
  '23514',
  'new row for relation "notifications" violates check constraint "notifications_data_is_object"',
  'data that is an array is rejected'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title, data) values ((select id from personas where name = 'customer'), 'order_accepted', 'Hi', '"o-1"')$$,
  '23514',
  'new row for relation "notifications" violates check constraint "notifications_data_is_object"',
  'data that is a string is rejected'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title) values ((select id from personas where name = 'customer'), 'order_accepted', '   ')$$,
  '23514',
  'new row for relation "notifications" violates check constraint "notifications_title_length"',
  'a blank title is rejected'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title, body) values ((select id from personas where name = 'customer'), 'order_accepted', 'Hi', repeat('a', 1001))$$,
  '23514',
  'new row for relation "notifications" violates check constraint "notifications_body_length"',
  'a body of 1001 characters is rejected'
);
select is(
  (select data from public.notifications where id = (select id from fixtures where name = 'customer_read')),
  '{}'::jsonb,
  'data defaults to an empty object'
);

-- ---------------------------------------------------------------------------------------------
-- Customer
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select set_eq(
  $$select id from public.notifications$$,
  $$select id from fixtures where name in ('customer', 'customer_read')$$,
  'customer reads exactly their own two notifications'
);
select is_empty(
  $$select 1 from public.notifications where user_id <> auth.uid()$$,
  'customer reads no other user''s notification'
);
select lives_ok(
  $$update public.notifications set read_at = now() where id = (select id from fixtures where name = 'customer')$$,
  'customer can mark their own notification read'
);
select is(
  (select read_at from public.notifications where id = (select id from fixtures where name = 'customer')),
  now(),
  'the customer''s notification is now read'
);
select throws_ok(
  $$update public.notifications set title = 'You won a prize' where id = (select id from fixtures where name = 'customer')$$,
  '42501',
  'permission denied for table notifications',
  'customer cannot change the title of their notification'
);
select throws_ok(
  $$update public.notifications set body = 'Edited' where id = (select id from fixtures where name = 'customer')$$,
  '42501',
  'permission denied for table notifications',
  'customer cannot change the body of their notification'
);
select throws_ok(
  $$update public.notifications set user_id = (select id from personas where name = 'stranger') where id = (select id from fixtures where name = 'customer')$$,
  '42501',
  'permission denied for table notifications',
  'customer cannot hand their notification to another user'
);
select throws_ok(
  $$update public.notifications set kind = 'order_delivered' where id = (select id from fixtures where name = 'customer')$$,
  '42501',
  'permission denied for table notifications',
  'customer cannot change the kind of their notification'
);
select throws_ok(
  $$update public.notifications set data = '{}' where id = (select id from fixtures where name = 'customer')$$,
  '42501',
  'permission denied for table notifications',
  'customer cannot change the data of their notification'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title) values (auth.uid(), 'order_accepted', 'Fake')$$,
  '42501',
  'permission denied for table notifications',
  'customer cannot insert notifications'
);
select throws_ok(
  $$delete from public.notifications where id = (select id from fixtures where name = 'customer_read')$$,
  '42501',
  'permission denied for table notifications',
  'customer cannot delete their notifications'
);
select lives_ok(
  $$update public.notifications set read_at = now() where id = (select id from fixtures where name = 'stranger')$$,
  'customer''s update of the stranger''s notification does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Stranger (another customer)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('stranger');

select set_eq(
  $$select id from public.notifications$$,
  $$select id from fixtures where name = 'stranger'$$,
  'stranger reads exactly their own notification'
);
select is_empty(
  $$select 1 from public.notifications where user_id = (select id from personas where name = 'customer')$$,
  'stranger cannot read the customer''s notifications'
);
select lives_ok(
  $$update public.notifications set read_at = null where user_id = (select id from personas where name = 'customer')$$,
  'stranger''s update of the customer''s notifications does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');

select set_eq(
  $$select id from public.notifications$$,
  $$select id from fixtures where name = 'merchant'$$,
  'merchant reads exactly their own notification'
);
select lives_ok(
  $$update public.notifications set read_at = now() where id = (select id from fixtures where name = 'merchant')$$,
  'merchant can mark their own notification read'
);
select isnt(
  (select read_at from public.notifications where id = (select id from fixtures where name = 'merchant')),
  null,
  'the merchant''s notification is now read'
);
select throws_ok(
  $$update public.notifications set title = 'Edited' where id = (select id from fixtures where name = 'merchant')$$,
  '42501',
  'permission denied for table notifications',
  'merchant cannot change the title of their notification'
);

-- ---------------------------------------------------------------------------------------------
-- Other merchant
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('other_merchant');

select set_eq(
  $$select id from public.notifications$$,
  $$select id from fixtures where name = 'other_merchant'$$,
  'other merchant reads exactly their own notification'
);
select is_empty(
  $$select 1 from public.notifications where id = (select id from fixtures where name = 'merchant')$$,
  'other merchant cannot read the merchant''s notification'
);
select lives_ok(
  $$update public.notifications set read_at = now() where id = (select id from fixtures where name = 'rider')$$,
  'other merchant''s update of the rider''s notification does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('rider');

select set_eq(
  $$select id from public.notifications$$,
  $$select id from fixtures where name = 'rider'$$,
  'rider reads exactly their own notification'
);
select lives_ok(
  $$update public.notifications set read_at = now() where id = (select id from fixtures where name = 'other_rider')$$,
  'rider''s update of the other rider''s notification does not raise'
);
select throws_ok(
  $$delete from public.notifications where id = (select id from fixtures where name = 'rider')$$,
  '42501',
  'permission denied for table notifications',
  'rider cannot delete their notification'
);

-- ---------------------------------------------------------------------------------------------
-- Other rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('other_rider');

select set_eq(
  $$select id from public.notifications$$,
  $$select id from fixtures where name = 'other_rider'$$,
  'other rider reads exactly their own notification'
);
select is_empty(
  $$select 1 from public.notifications where id = (select id from fixtures where name = 'rider')$$,
  'other rider cannot read the rider''s notification'
);

-- ---------------------------------------------------------------------------------------------
-- Admin (promoted by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select is((select count(*) from public.notifications), (select notifications from totals), 'admin reads every notification');
select set_eq(
  $$select id from public.notifications where id in (select id from fixtures)$$,
  $$select id from fixtures$$,
  'admin reads all nine fixture notifications'
);
select lives_ok(
  $$update public.notifications set read_at = now() where id = (select id from fixtures where name = 'suspended')$$,
  'admin''s update of another user''s notification does not raise'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title) values ((select id from personas where name = 'customer'), 'announcement', 'Hello')$$,
  '42501',
  'permission denied for table notifications',
  'admin cannot insert notifications through the table'
);

-- ---------------------------------------------------------------------------------------------
-- Suspended (suspended by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');

select is_empty($$select 1 from public.notifications$$, 'a suspended user reads none of their notifications');
select lives_ok(
  $$update public.notifications set read_at = now() where user_id = auth.uid()$$,
  'a suspended user''s attempt to mark their notification read does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');

select throws_ok(
  $$select * from public.notifications$$,
  '42501',
  'permission denied for table notifications',
  'anonymous cannot select notifications'
);
select throws_ok(
  $$update public.notifications set read_at = now() where id = (select id from fixtures where name = 'customer')$$,
  '42501',
  'permission denied for table notifications',
  'anonymous cannot mark notifications read'
);
select throws_ok(
  $$insert into public.notifications (user_id, kind, title) values ((select id from personas where name = 'customer'), 'spam', 'Hi')$$,
  '42501',
  'permission denied for table notifications',
  'anonymous cannot insert notifications'
);

-- ---------------------------------------------------------------------------------------------
-- Back to the owner: only recipients' own marks landed
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();

select results_eq(
  $$select f.name, n.read_at is not null from public.notifications n join fixtures f using (id) order by f.name$$,
  $$values ('admin', false), ('customer', true), ('customer_read', true), ('merchant', true), ('other_merchant', false),
           ('other_rider', false), ('rider', false), ('stranger', false), ('suspended', false)$$,
  'as owner: only the customer''s and merchant''s own notifications were marked read'
);
select is(
  (select read_at from public.notifications where id = (select id from fixtures where name = 'stranger')),
  null,
  'as owner: the customer''s update left the stranger''s notification unread'
);
select is(
  (select read_at from public.notifications where id = (select id from fixtures where name = 'customer_read')),
  now() - interval '1 day',
  'as owner: the stranger''s update left the customer''s read notification as it was'
);
select is(
  (select read_at from public.notifications where id = (select id from fixtures where name = 'suspended')),
  null,
  'as owner: neither the suspended user nor the admin marked the suspended user''s notification read'
);
select results_eq(
  $$select title, body, kind, user_id from public.notifications where id = (select id from fixtures where name = 'customer')$$,
  $$select 'Order accepted', 'Sharma Kirana is packing your order.', 'order_accepted', id from personas where name = 'customer'$$,
  'as owner: the customer''s notification keeps its title, body, kind and recipient'
);
select is((select count(*) from public.notifications), (select notifications from totals),
  'as owner: no notification was added or removed');

select * from finish();
rollback;
