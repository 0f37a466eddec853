-- public.conversations, public.conversation_members and public.messages: structure, constraints,
-- then row-level security and privileges persona by persona. Writes go through send_message and
-- mark_read, never the API, so every fixture is inserted by the database owner before the tests
-- switch persona. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(113);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to lives_ok/throws_ok can look ids up; readable by the API roles the tests switch to.
create temp table personas (name text primary key, id uuid not null);
grant select on personas to anon, authenticated;

insert into personas (name, id) values
  ('customer', tests.create_user('customer@chat.test', 'customer')),
  ('stranger', tests.create_user('stranger@chat.test', 'customer')),
  ('merchant', tests.create_user('merchant@chat.test', 'merchant')),
  ('other_merchant', tests.create_user('other-merchant@chat.test', 'merchant')),
  ('rider', tests.create_user('rider@chat.test', 'rider')),
  ('other_rider', tests.create_user('other-rider@chat.test', 'rider')),
  ('admin', tests.create_user('admin@chat.test', 'customer')),
  ('suspended', tests.create_user('suspended@chat.test', 'customer'));

update public.profiles set role = 'admin' where id = (select id from personas where name = 'admin');
update public.profiles set status = 'suspended' where id = (select id from personas where name = 'suspended');

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values
  ('store'), ('other_store'),
  -- the customer's order from the merchant's store, delivered by the rider: all three chats
  ('order'), ('customer_store'), ('customer_rider'), ('store_rider'),
  -- the stranger's order from the other merchant's store: a customer–store chat
  ('stranger_order'), ('stranger_store'),
  -- the suspended customer's order from the other merchant's store: a customer–store chat
  ('suspended_order'), ('suspended_store');

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
insert into public.stores (id, owner_id, name, address, location, status, approved_at)
select f.id, p.id, s.name, '12 FC Road, Pune',
       tests.point(73.85, 18.52), 'approved', now()
from (values ('store', 'merchant', 'Sharma Kirana'), ('other_store', 'other_merchant', 'Patil Provisions')) as s (fixture, owner, name)
join fixtures f on f.name = s.fixture
join personas p on p.name = s.owner;

insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, total_paise, delivery_address, delivery_location)
select f.id, c.id, st.id, r.id, o.status::public.order_status, 5000, 5000, '221B Baner Road, Pune',
       tests.point(73.85, 18.52)
from (values ('order', 'customer', 'store', 'rider', 'picked_up'),
             ('stranger_order', 'stranger', 'other_store', null, 'accepted'),
             ('suspended_order', 'suspended', 'other_store', null, 'accepted')) as o (fixture, customer, store, rider, status)
join fixtures f on f.name = o.fixture
join personas c on c.name = o.customer
join fixtures st on st.name = o.store
left join personas r on r.name = o.rider;

insert into public.conversations (id, order_id, kind, last_seq)
select f.id, o.id, c.kind::public.conversation_kind, 2
from (values ('customer_store', 'order', 'customer_store'),
             ('customer_rider', 'order', 'customer_rider'),
             ('store_rider', 'order', 'store_rider'),
             ('stranger_store', 'stranger_order', 'customer_store'),
             ('suspended_store', 'suspended_order', 'customer_store')) as c (fixture, order_fixture, kind)
join fixtures f on f.name = c.fixture
join fixtures o on o.name = c.order_fixture;

insert into public.conversation_members (conversation_id, user_id, last_delivered_seq, last_read_seq)
select f.id, p.id, 2, 1
from (values ('customer_store', 'customer'), ('customer_store', 'merchant'),
             ('customer_rider', 'customer'), ('customer_rider', 'rider'),
             ('store_rider', 'merchant'), ('store_rider', 'rider'),
             ('stranger_store', 'stranger'), ('stranger_store', 'other_merchant'),
             ('suspended_store', 'suspended'), ('suspended_store', 'other_merchant')) as m (conversation, member)
join fixtures f on f.name = m.conversation
join personas p on p.name = m.member;

-- Two messages in every conversation, one from each member.
insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
select f.id, m.seq, p.id, gen_random_uuid(), m.body
from (values ('customer_store', 1, 'customer', 'Do you have paneer?'),
             ('customer_store', 2, 'merchant', 'Yes, 200 g packs.'),
             ('customer_rider', 1, 'rider', 'I am at the gate.'),
             ('customer_rider', 2, 'customer', 'Coming down.'),
             ('store_rider', 1, 'rider', 'Five minutes away.'),
             ('store_rider', 2, 'merchant', 'Order is packed.'),
             ('stranger_store', 1, 'stranger', 'Is the milk fresh?'),
             ('stranger_store', 2, 'other_merchant', 'Delivered this morning.'),
             ('suspended_store', 1, 'suspended', 'Where is my order?'),
             ('suspended_store', 2, 'other_merchant', 'Packing it now.')) as m (conversation, seq, sender, body)
join fixtures f on f.name = m.conversation
join personas p on p.name = m.sender;

create temp table totals as
select (select count(*) from public.conversations) as conversations,
       (select count(*) from public.conversation_members) as conversation_members,
       (select count(*) from public.messages) as messages;
grant select on totals to anon, authenticated;

-- Every direct write the API roles might try; each must fail on privileges alone.
create temp table forbidden_writes (n int primary key, what text not null, tbl text not null, sql text not null);
grant select on forbidden_writes to anon, authenticated;
insert into forbidden_writes (n, what, tbl, sql) values
  (1, 'insert a message', 'messages',
   $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
     values ((select id from fixtures where name = 'customer_store'), 3, auth.uid(), gen_random_uuid(), 'Hello')$$),
  (2, 'edit a message', 'messages',
   $$update public.messages set body = 'Edited' where conversation_id = (select id from fixtures where name = 'customer_store')$$),
  (3, 'delete a message', 'messages',
   $$delete from public.messages where conversation_id = (select id from fixtures where name = 'customer_store')$$),
  (4, 'add a conversation member', 'conversation_members',
   $$insert into public.conversation_members (conversation_id, user_id)
     values ((select id from fixtures where name = 'customer_store'), (select id from personas where name = 'stranger'))$$),
  (5, 'update last_read_seq', 'conversation_members',
   $$update public.conversation_members set last_read_seq = 2
     where conversation_id = (select id from fixtures where name = 'customer_store') and user_id = auth.uid()$$),
  (6, 'leave a conversation', 'conversation_members',
   $$delete from public.conversation_members where conversation_id = (select id from fixtures where name = 'customer_store')$$),
  (7, 'start a conversation', 'conversations',
   $$insert into public.conversations (order_id, kind) values ((select id from fixtures where name = 'stranger_order'), 'customer_rider')$$),
  (8, 'update a conversation', 'conversations',
   $$update public.conversations set last_seq = 0 where id = (select id from fixtures where name = 'customer_store')$$),
  (9, 'delete a conversation', 'conversations',
   $$delete from public.conversations where id = (select id from fixtures where name = 'customer_store')$$);

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.conversations'::regclass),
  true,
  'RLS is enabled on public.conversations'
);
select is(
  (select relrowsecurity from pg_class where oid = 'public.conversation_members'::regclass),
  true,
  'RLS is enabled on public.conversation_members'
);
select is(
  (select relrowsecurity from pg_class where oid = 'public.messages'::regclass),
  true,
  'RLS is enabled on public.messages'
);
select policies_are(
  'public', 'conversations',
  array['Members read their conversations', 'Admins read every conversation'],
  'public.conversations has exactly the expected policies'
);
select policies_are(
  'public', 'conversation_members',
  array['Members see who is in their conversations', 'Admins see every conversation''s members'],
  'public.conversation_members has exactly the expected policies'
);
select policies_are(
  'public', 'messages',
  array['Members read the messages of their conversations', 'Admins read every message'],
  'public.messages has exactly the expected policies'
);
select is(
  array(select distinct polcmd::text from pg_policy
        where polrelid in ('public.conversations'::regclass, 'public.conversation_members'::regclass, 'public.messages'::regclass)),
  array['r'],
  'every policy on the chat tables is a select policy'
);

select has_index('public', 'conversations', 'conversations_one_per_kind_per_order', array['order_id', 'kind'],
  'conversations are indexed by order (the order_id foreign key) and kind');
select has_index('public', 'conversation_members', 'conversation_members_pkey', array['conversation_id', 'user_id'],
  'conversation members are indexed by conversation (the conversation_id foreign key)');
select has_index('public', 'conversation_members', 'conversation_members_user_id_idx', array['user_id'],
  'conversation members are indexed by user (the user_id foreign key)');
select has_index('public', 'messages', 'messages_seq_unique_per_conversation', array['conversation_id', 'seq'],
  'messages are indexed by conversation (the conversation_id foreign key) and sequence');
select has_index('public', 'messages', 'messages_sender_id_idx', array['sender_id'],
  'messages are indexed by sender (the sender_id foreign key)');
select has_index('public', 'messages', 'messages_sent_once', array['conversation_id', 'sender_id', 'client_msg_id'],
  'messages are unique per conversation, sender and client message id');

select table_privs_are('public', 'conversations', 'authenticated', array['SELECT'],
  'authenticated may only select conversations');
select table_privs_are('public', 'conversation_members', 'authenticated', array['SELECT'],
  'authenticated may only select conversation members');
select table_privs_are('public', 'messages', 'authenticated', array['SELECT'],
  'authenticated may only select messages');
select table_privs_are('public', 'conversations', 'anon', array[]::name[],
  'anon has no privilege on conversations');
select table_privs_are('public', 'conversation_members', 'anon', array[]::name[],
  'anon has no privilege on conversation members');
select table_privs_are('public', 'messages', 'anon', array[]::name[],
  'anon has no privilege on messages');
select column_privs_are('public', 'conversation_members', 'last_read_seq', 'authenticated', array['SELECT'],
  'authenticated may not update conversation_members.last_read_seq');
select column_privs_are('public', 'conversation_members', 'last_delivered_seq', 'authenticated', array['SELECT'],
  'authenticated may not update conversation_members.last_delivered_seq');
select is(
  array(select column_name::text from information_schema.column_privileges
        where table_schema = 'public' and table_name in ('conversations', 'conversation_members', 'messages')
          and grantee in ('anon', 'authenticated') and privilege_type <> 'SELECT'),
  array[]::text[],
  'no chat column is insertable or updatable by the API roles'
);

-- ---------------------------------------------------------------------------------------------
-- Constraints (as the database owner)
-- ---------------------------------------------------------------------------------------------
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'customer_store'), 3, (select id from personas where name = 'customer'),
            gen_random_uuid(), repeat('a', 5001))$$,
  '23514',
  'new row for relation "messages" violates check constraint "messages_body_length"',
  'a message body of 5001 characters is rejected'
);
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'customer_store'), 3, (select id from personas where name = 'customer'),
            gen_random_uuid(), '   ')$$,
  '23514',
  'new row for relation "messages" violates check constraint "messages_body_length"',
  'a blank message body is rejected'
);
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'customer_store'), 3, (select id from personas where name = 'customer'),
            gen_random_uuid(), '')$$,
  '23514',
  'new row for relation "messages" violates check constraint "messages_body_length"',
  'an empty message body is rejected'
);
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'customer_store'), 0, (select id from personas where name = 'customer'),
            gen_random_uuid(), 'Zero')$$,
  '23514',
  'new row for relation "messages" violates check constraint "messages_seq_positive"',
  'a message with sequence number 0 is rejected'
);
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'customer_store'), 2, (select id from personas where name = 'customer'),
            gen_random_uuid(), 'Same place')$$,
  '23505',
  'duplicate key value violates unique constraint "messages_seq_unique_per_conversation"',
  'a second message with the same (conversation_id, seq) is rejected'
);
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    select conversation_id, 3, sender_id, client_msg_id, 'Replayed' from public.messages
    where conversation_id = (select id from fixtures where name = 'customer_store') and seq = 1$$,
  '23505',
  'duplicate key value violates unique constraint "messages_sent_once"',
  'a replay with the same (conversation_id, sender_id, client_msg_id) is rejected'
);
select throws_ok(
  $$update public.conversation_members set last_read_seq = last_delivered_seq + 1
    where conversation_id = (select id from fixtures where name = 'customer_store')
      and user_id = (select id from personas where name = 'customer')$$,
  '23514',
  'new row for relation "conversation_members" violates check constraint "conversation_members_read_after_delivered"',
  'last_read_seq beyond last_delivered_seq is rejected'
);
select throws_ok(
  $$insert into public.conversation_members (conversation_id, user_id)
    values ((select id from fixtures where name = 'customer_store'), (select id from personas where name = 'customer'))$$,
  '23505',
  'duplicate key value violates unique constraint "conversation_members_pkey"',
  'a user cannot be a member of the same conversation twice'
);
select throws_ok(
  $$insert into public.conversations (order_id, kind)
    values ((select id from fixtures where name = 'order'), 'customer_store')$$,
  '23505',
  'duplicate key value violates unique constraint "conversations_one_per_kind_per_order"',
  'a second conversation of the same kind for one order is rejected'
);
select throws_ok(
  $$update public.conversations set last_seq = -1 where id = (select id from fixtures where name = 'customer_store')$$,
  '23514',
  'new row for relation "conversations" violates check constraint "conversations_last_seq_not_negative"',
  'a negative last_seq is rejected'
);
select lives_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'stranger_store'), 3, (select id from personas where name = 'stranger'),
            gen_random_uuid(), repeat('a', 5000))$$,
  'a message body of 5000 characters is accepted'
);
-- Gone again, so the totals and every persona's view below cover the fixtures only.
delete from public.messages where conversation_id = (select id from fixtures where name = 'stranger_store') and seq = 3;

-- ---------------------------------------------------------------------------------------------
-- Customer (member of the customer–store and customer–rider chats of their order)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'customer'));

select set_eq(
  $$select id from public.conversations$$,
  $$select id from fixtures where name in ('customer_store', 'customer_rider')$$,
  'customer reads exactly the two conversations they are a member of'
);
select is_empty(
  $$select 1 from public.conversations where id = (select id from fixtures where name = 'store_rider')$$,
  'customer cannot read the store–rider conversation of their own order'
);
select set_eq(
  $$select f.name as conversation, p.name as member from public.conversation_members m
    join fixtures f on f.id = m.conversation_id join personas p on p.id = m.user_id$$,
  $$values ('customer_store', 'customer'), ('customer_store', 'merchant'),
           ('customer_rider', 'customer'), ('customer_rider', 'rider')$$,
  'customer sees who is in their conversations, and no other membership'
);
select results_eq(
  $$select f.name, m.seq, m.body from public.messages m join fixtures f on f.id = m.conversation_id order by f.name, m.seq$$,
  $$values ('customer_rider', 1::bigint, 'I am at the gate.'), ('customer_rider', 2::bigint, 'Coming down.'),
           ('customer_store', 1::bigint, 'Do you have paneer?'), ('customer_store', 2::bigint, 'Yes, 200 g packs.')$$,
  'customer reads exactly the messages of their conversations'
);
select is_empty(
  $$select 1 from public.messages where conversation_id in (select id from fixtures where name in ('store_rider', 'stranger_store'))$$,
  'customer reads no message of a conversation they are not in'
);
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'customer cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Stranger (another customer, member of their own chat only)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'stranger'));

select set_eq(
  $$select id from public.conversations$$,
  $$select id from fixtures where name = 'stranger_store'$$,
  'stranger reads exactly their own conversation'
);
select is_empty(
  $$select 1 from public.conversations where id in (select id from fixtures where name in ('customer_store', 'customer_rider', 'store_rider'))$$,
  'a non-member customer reads none of the customer''s conversations'
);
select is_empty(
  $$select 1 from public.conversation_members where conversation_id in (select id from fixtures where name in ('customer_store', 'customer_rider', 'store_rider'))$$,
  'a non-member customer sees none of their members'
);
select is_empty(
  $$select 1 from public.messages where conversation_id in (select id from fixtures where name in ('customer_store', 'customer_rider', 'store_rider'))$$,
  'a non-member customer reads none of their messages'
);
select throws_ok(
  $$insert into public.conversation_members (conversation_id, user_id)
    values ((select id from fixtures where name = 'customer_store'), auth.uid())$$,
  '42501',
  'permission denied for table conversation_members',
  'stranger cannot join the customer''s conversation'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant (member of the customer–store and store–rider chats)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'merchant'));

select set_eq(
  $$select id from public.conversations$$,
  $$select id from fixtures where name in ('customer_store', 'store_rider')$$,
  'merchant reads exactly the two conversations they are a member of'
);
select is_empty(
  $$select 1 from public.conversations where id = (select id from fixtures where name = 'customer_rider')$$,
  'merchant cannot read the customer–rider conversation of their store''s order'
);
select set_eq(
  $$select f.name as conversation, p.name as member from public.conversation_members m
    join fixtures f on f.id = m.conversation_id join personas p on p.id = m.user_id$$,
  $$values ('customer_store', 'customer'), ('customer_store', 'merchant'),
           ('store_rider', 'merchant'), ('store_rider', 'rider')$$,
  'merchant sees who is in their conversations, and no other membership'
);
select set_eq(
  $$select f.name, m.seq from public.messages m join fixtures f on f.id = m.conversation_id$$,
  $$values ('customer_store', 1::bigint), ('customer_store', 2::bigint), ('store_rider', 1::bigint), ('store_rider', 2::bigint)$$,
  'merchant reads exactly the messages of their conversations'
);
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'merchant cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Other merchant (member of the stranger's and the suspended customer's chats)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'other_merchant'));

select set_eq(
  $$select id from public.conversations$$,
  $$select id from fixtures where name in ('stranger_store', 'suspended_store')$$,
  'other merchant reads exactly their own two conversations'
);
select is_empty(
  $$select 1 from public.conversations where id in (select id from fixtures where name in ('customer_store', 'customer_rider', 'store_rider'))$$,
  'a non-member merchant reads none of another store''s conversations'
);
select is_empty(
  $$select 1 from public.conversation_members where conversation_id in (select id from fixtures where name in ('customer_store', 'customer_rider', 'store_rider'))$$,
  'a non-member merchant sees none of their members'
);
select is_empty(
  $$select 1 from public.messages where conversation_id in (select id from fixtures where name in ('customer_store', 'customer_rider', 'store_rider'))$$,
  'a non-member merchant reads none of their messages'
);
select set_eq(
  $$select f.name, m.seq from public.messages m join fixtures f on f.id = m.conversation_id$$,
  $$values ('stranger_store', 1::bigint), ('stranger_store', 2::bigint), ('suspended_store', 1::bigint), ('suspended_store', 2::bigint)$$,
  'other merchant reads the messages of their conversations, the suspended customer''s included'
);

-- ---------------------------------------------------------------------------------------------
-- Rider (member of the customer–rider and store–rider chats)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'rider'));

select set_eq(
  $$select id from public.conversations$$,
  $$select id from fixtures where name in ('customer_rider', 'store_rider')$$,
  'rider reads exactly the two conversations they are a member of'
);
select is_empty(
  $$select 1 from public.conversations where id = (select id from fixtures where name = 'customer_store')$$,
  'rider cannot read the customer–store conversation of their order'
);
select set_eq(
  $$select f.name as conversation, p.name as member from public.conversation_members m
    join fixtures f on f.id = m.conversation_id join personas p on p.id = m.user_id$$,
  $$values ('customer_rider', 'customer'), ('customer_rider', 'rider'),
           ('store_rider', 'merchant'), ('store_rider', 'rider')$$,
  'rider sees who is in their conversations, and no other membership'
);
select set_eq(
  $$select f.name, m.seq from public.messages m join fixtures f on f.id = m.conversation_id$$,
  $$values ('customer_rider', 1::bigint), ('customer_rider', 2::bigint), ('store_rider', 1::bigint), ('store_rider', 2::bigint)$$,
  'rider reads exactly the messages of their conversations'
);
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'rider cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Other rider (member of no conversation)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'other_rider'));

select is_empty($$select 1 from public.conversations$$, 'a non-member rider reads no conversation');
select is_empty($$select 1 from public.conversation_members$$, 'a non-member rider sees no conversation member');
select is_empty($$select 1 from public.messages$$, 'a non-member rider reads no message');
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'customer_rider'), 3, auth.uid(), gen_random_uuid(), 'I can take it')$$,
  '42501',
  'permission denied for table messages',
  'a non-member rider cannot post into the customer–rider conversation'
);

-- ---------------------------------------------------------------------------------------------
-- Admin (promoted by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'admin'));

select is((select count(*) from public.conversations), (select conversations from totals), 'admin reads every conversation');
select is((select count(*) from public.conversation_members), (select conversation_members from totals), 'admin sees every conversation member');
select is((select count(*) from public.messages), (select messages from totals), 'admin reads every message');
select set_eq(
  $$select id from public.conversations where id in (select id from fixtures)$$,
  $$select id from fixtures where name in ('customer_store', 'customer_rider', 'store_rider', 'stranger_store', 'suspended_store')$$,
  'admin reads all five fixture conversations'
);
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'admin cannot ' || w.what || ' directly')
from forbidden_writes w order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Suspended (a customer, member of a chat, suspended by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as((select id from personas where name = 'suspended'));

select is_empty($$select 1 from public.conversations$$, 'a suspended member reads none of their conversations');
select is_empty($$select 1 from public.conversation_members$$, 'a suspended member sees no conversation member');
select is_empty($$select 1 from public.messages$$, 'a suspended member reads no message');
select throws_ok(
  $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
    values ((select id from fixtures where name = 'suspended_store'), 3, auth.uid(), gen_random_uuid(), 'Still there?')$$,
  '42501',
  'permission denied for table messages',
  'a suspended member cannot post a message'
);
select throws_ok(
  $$update public.conversation_members set last_read_seq = 2
    where conversation_id = (select id from fixtures where name = 'suspended_store') and user_id = auth.uid()$$,
  '42501',
  'permission denied for table conversation_members',
  'a suspended member cannot update last_read_seq'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();

select throws_ok($$select * from public.conversations$$, '42501', 'permission denied for table conversations',
  'anonymous cannot select conversations');
select throws_ok($$select * from public.conversation_members$$, '42501', 'permission denied for table conversation_members',
  'anonymous cannot select conversation members');
select throws_ok($$select * from public.messages$$, '42501', 'permission denied for table messages',
  'anonymous cannot select messages');
select throws_ok(w.sql, '42501', 'permission denied for table ' || w.tbl, 'anonymous cannot ' || w.what)
from forbidden_writes w where w.n in (1, 4, 5) order by w.n;

-- ---------------------------------------------------------------------------------------------
-- Back to the owner: nothing any persona tried changed the chats
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();

select is(
  (select array[conversations, conversation_members, messages] from totals),
  array[(select count(*) from public.conversations), (select count(*) from public.conversation_members),
        (select count(*) from public.messages)],
  'as owner: no conversation, member or message was added or removed'
);
select is_empty(
  $$select 1 from public.conversation_members where conversation_id in (select id from fixtures) and last_read_seq <> 1$$,
  'as owner: every member''s last_read_seq is unchanged'
);

select * from finish();
rollback;
