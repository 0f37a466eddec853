-- Chat per order through the API: the conversations the database opens by itself (customer–store
-- when the order is placed, customer–rider and store–rider when a rider is assigned, closed and
-- left by a rider taken off the order, reopened when the same rider comes back); clients only
-- read the tables, and write through send_message (idempotent by the sender's client_msg_id,
-- per-conversation seq, 1..5000 characters, rate-limited, broadcast to conversation:<id>),
-- mark_delivered and mark_read (forward only, receipts broadcast when they move) and read their
-- inbox with my_conversations. Realtime authorization of conversation:<id> is probed the way
-- Realtime does it: a row of realtime.messages read back, or written, as the caller with
-- realtime.topic set. Persona by persona: customer, merchant, rider, other rider, admin,
-- stranger, suspended, anonymous. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(117);

-- Who is who, and the ids of the fixtures. Temp tables (gone at rollback) so the SQL strings
-- handed to the helpers can look ids up; readable by the API roles the tests switch to.
select tests.add_persona('chat', name, role) from (values
  ('customer',     'customer'),
  ('merchant',     'merchant'),
  ('rider',        'rider'),
  ('other_rider',  'rider'),
  ('admin',        'admin'),
  ('stranger',     'customer'),
  ('suspended',    'customer')
) as p(name, role);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values ('store'), ('order'), ('stranger_order'), ('suspended_order');

-- The conversations the database made, by name, filled in as they appear. Looked up as the
-- owner: a persona's own lookups would be filtered by the very policies under test.
create temp table convs (name text primary key, id uuid not null unique);
grant select on convs to anon, authenticated;

-- What send_message returned, in call order, to compare a replay with the original.
create temp table replies (n serial primary key, persona text not null, client_msg text, message jsonb not null);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

create function pg_temp.id(name text) returns uuid
language sql stable
as $$
  select coalesce((select id from fixtures f where f.name = id.name), (select id from personas p where p.name = id.name),
                  (select id from convs c where c.name = id.name))
$$;

-- A client_msg_id the tests can name: the same label gives the same uuid.
create function pg_temp.cmid(label text) returns uuid
language sql immutable
as $$ select md5('chat.test ' || label)::uuid $$;

-- The outcomes of several statements run as the persona, in order.
create function pg_temp.outcomes_as(persona text, statements text[]) returns text[]
language sql
as $$ select array_agg(tests.outcome_as(persona, s) order by n) from unnest(statements) with ordinality as t (s, n) $$;

-- What the query (one text column) returns signed in as the persona, sorted.
create function pg_temp.seen_as(persona text, query text) returns text[]
language plpgsql
as $$
declare
  result text[];
begin
  perform tests.sign_in(persona);
  execute format('select coalesce(array_agg(x order by x), ''{}'') from (%s) as q (x)', query) into result;
  perform tests.clear_authentication();
  return result;
end
$$;

-- The conversations, members and messages a persona can read, by name.
create function pg_temp.readable_conversations(persona text) returns text[]
language sql
as $$ select pg_temp.seen_as(persona, 'select c.name from public.conversations x join convs c on c.id = x.id') $$;

create function pg_temp.readable_members(persona text) returns text[]
language sql
as $$
  select pg_temp.seen_as(persona, 'select c.name || '':'' || p.name from public.conversation_members m
                                   join convs c on c.id = m.conversation_id join personas p on p.id = m.user_id')
$$;

create function pg_temp.readable_messages(persona text) returns text[]
language sql
as $$
  select pg_temp.seen_as(persona, 'select c.name || '' #'' || m.seq from public.messages m join convs c on c.id = m.conversation_id')
$$;

-- The persona's inbox: each conversation with its unread count.
create function pg_temp.inbox(persona text) returns text[]
language sql
as $$
  select pg_temp.seen_as(persona, 'select c.name || '' unread '' || i.unread_count from public.my_conversations() i join convs c on c.id = i.conversation_id')
$$;

-- An order's conversations as the database owner sees them: kind, the rider they are for,
-- the members and whether they are open.
create function pg_temp.chats(fixture text) returns text[]
language sql stable
as $$
  select coalesce(array_agg(format('%s%s %s %s', c.kind, '(' || r.name || ')',
           (select coalesce(array_agg(p.name order by p.name), '{}') from public.conversation_members m
            join personas p on p.id = m.user_id where m.conversation_id = c.id),
           case when c.closed_at is null then 'open' else 'closed' end) order by c.kind, r.name), '{}')
  from public.conversations c left join personas r on r.id = c.rider_id
  where c.order_id = pg_temp.id(fixture)
$$;

-- Messages stored, and 'message' and 'receipt' broadcasts, in this file's conversations (the
-- dev database may hold others); as the database owner.
create function pg_temp.counts() returns jsonb
language sql stable
as $$
  with mine as (select c.id from public.conversations c where c.order_id in (select id from fixtures))
  select jsonb_build_object(
    'messages', (select count(*) from public.messages m where m.conversation_id in (select id from mine)),
    'message', (select count(*) from realtime.messages r where r.event = 'message' and r.topic in (select 'conversation:' || id from mine)),
    'receipt', (select count(*) from realtime.messages r where r.event = 'receipt' and r.topic in (select 'conversation:' || id from mine)))
$$;

-- send_message as the persona: its outcome, the seq it returned, and how many messages were
-- stored and broadcast by the call. The returned row is kept in replies.
create function pg_temp.send(persona text, conversation text, client_msg text, body text) returns jsonb
language plpgsql
as $$
declare
  before jsonb := pg_temp.counts();
  after jsonb;
  result text;
  reply public.messages;
  state text;
  message text;
  detail text;
begin
  perform tests.sign_in(persona);
  begin
    select * into strict reply from public.send_message(pg_temp.id(conversation), pg_temp.cmid(client_msg), body);
    result := 'ok';
  exception when others then
    get stacked diagnostics state = returned_sqlstate, message = message_text, detail = pg_exception_detail;
    result := tests.error_text(state, message, detail);
  end;
  perform tests.clear_authentication();
  if result = 'ok' then
    insert into replies (persona, client_msg, message) values (persona, client_msg, to_jsonb(reply));
  end if;
  after := pg_temp.counts();
  return jsonb_build_object('outcome', result, 'seq', reply.seq,
    'stored', (after ->> 'messages')::int - (before ->> 'messages')::int,
    'broadcast', (after ->> 'message')::int - (before ->> 'message')::int);
end
$$;

-- mark_delivered or mark_read as the persona: the outcome, the persona's positions afterwards
-- and how many receipts the call broadcast.
create function pg_temp.mark(persona text, fn text, conversation text, up_to bigint) returns jsonb
language plpgsql
as $$
declare
  before jsonb := pg_temp.counts();
  result text := tests.outcome_as(persona, format('select public.%I(%L, %s)', fn, pg_temp.id(conversation), coalesce(up_to::text, 'null')));
  m public.conversation_members;
begin
  select * into m from public.conversation_members x where x.conversation_id = pg_temp.id(conversation) and x.user_id = pg_temp.id(persona);
  return jsonb_build_object('outcome', result, 'delivered', m.last_delivered_seq, 'read', m.last_read_seq,
    'receipts', (pg_temp.counts() ->> 'receipt')::int - (before ->> 'receipt')::int);
end
$$;

create function pg_temp.topic(conversation text) returns text
language sql stable
as $$ select 'conversation:' || pg_temp.id(conversation) $$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
insert into public.stores (id, owner_id, name, address, location, status, approved_at)
values (pg_temp.id('store'), pg_temp.id('merchant'), 'Sharma Kirana', '12 FC Road, Pune', tests.point(73.85, 18.52), 'approved', now());

-- Both riders on shift next to the store, so the merchant can assign either.
update public.rider_profiles set is_available = true, location = tests.point(73.85, 18.521), last_seen_at = now()
where rider_id in (select id from personas where name in ('rider', 'other_rider'));

-- The customer's order, accepted and waiting for a rider; the stranger's, delivered by the other
-- rider and inserted with its rider; the suspended customer's, pending.
insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, total_paise, delivery_address, delivery_location)
select pg_temp.id(o.fixture), pg_temp.id(o.customer), pg_temp.id('store'), pg_temp.id(o.rider), o.status::public.order_status,
       5000, 5000, '221B Baner Road, Pune', tests.point(73.85, 18.53)
from (values ('order', 'customer', null, 'accepted'),
             ('stranger_order', 'stranger', 'other_rider', 'delivered'),
             ('suspended_order', 'suspended', null, 'pending')) as o (fixture, customer, rider, status);

-- Suspended after ordering: still a member of the order's conversation, yet locked out.
update public.profiles set status = 'suspended' where id = pg_temp.id('suspended');

-- ---------------------------------------------------------------------------------------------
-- Conversations follow the order (as the database owner)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.chats('order'), array['customer_store {customer,merchant} open'],
  'placing an order opens exactly its customer–store conversation, with the customer and the store''s merchant');
select is(pg_temp.chats('suspended_order'), array['customer_store {merchant,suspended} open'],
  'every placed order gets its own customer–store conversation');
select is(
  pg_temp.chats('stranger_order'),
  array['customer_store {merchant,stranger} open', 'customer_rider(other_rider) {other_rider,stranger} open',
        'store_rider(other_rider) {merchant,other_rider} open'],
  'an order inserted with a rider opens all three conversations at once, each with its two parties'
);

select is(tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('order'), pg_temp.id('rider'))), 'ok',
  'the merchant assigns the rider to the order');
select is(
  pg_temp.chats('order'),
  array['customer_store {customer,merchant} open', 'customer_rider(rider) {customer,rider} open', 'store_rider(rider) {merchant,rider} open'],
  'the assignment opens the customer–rider and store–rider conversations for that rider; the customer–store one is unchanged'
);

insert into convs (name, id)
select v.name, c.id
from (values ('customer_store', 'order', 'customer_store', null), ('customer_rider', 'order', 'customer_rider', 'rider'),
             ('store_rider', 'order', 'store_rider', 'rider'), ('stranger_store', 'stranger_order', 'customer_store', null),
             ('stranger_rider', 'stranger_order', 'customer_rider', 'other_rider'),
             ('stranger_store_rider', 'stranger_order', 'store_rider', 'other_rider'),
             ('suspended_store', 'suspended_order', 'customer_store', null)) as v (name, fixture, kind, rider)
join public.conversations c on c.order_id = pg_temp.id(v.fixture) and c.kind = v.kind::public.conversation_kind
  and c.rider_id is not distinct from pg_temp.id(v.rider);

-- ---------------------------------------------------------------------------------------------
-- Nobody writes the chat tables directly: no insert, update or delete privilege for the API
-- roles, whatever the row (a forged sender included)
-- ---------------------------------------------------------------------------------------------
create temp table direct_writes (n int primary key, statement text not null);
grant select on direct_writes to anon, authenticated;
insert into direct_writes values
  (1, $$insert into public.conversations (order_id, kind) values (pg_temp.id('order'), 'customer_store')$$),
  (2, $$insert into public.conversation_members (conversation_id, user_id) values (pg_temp.id('customer_store'), pg_temp.id('stranger'))$$),
  (3, $$insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
        values (pg_temp.id('customer_store'), 99, pg_temp.id('merchant'), gen_random_uuid(), 'Refund approved')$$),
  (4, $$update public.messages set body = 'Edited' where conversation_id = pg_temp.id('customer_store')$$),
  (5, $$update public.conversation_members set last_read_seq = 0 where user_id = pg_temp.id('customer')$$),
  (6, $$delete from public.conversations where id = pg_temp.id('customer_store')$$);
select is(
  pg_temp.outcomes_as(p.name, (select array_agg(statement order by n) from direct_writes)),
  array_fill('42501'::text, array[6]),
  p.name || ' cannot insert a conversation, a member or a message (with someone else as sender), edit a message or a read position, or delete a conversation: 42501'
)
from (values ('customer'), ('merchant'), ('rider'), ('admin'), ('anonymous')) as p (name);

-- ---------------------------------------------------------------------------------------------
-- Customer (member of the customer–store and customer–rider conversations of their order)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.send('customer', 'customer_store', 'paneer', 'Do you have paneer?'),
  '{"outcome": "ok", "seq": 1, "stored": 1, "broadcast": 1}', 'the customer''s first message gets seq 1, is stored and broadcast');
select is(pg_temp.send('customer', 'customer_store', 'milk', 'And milk?'),
  '{"outcome": "ok", "seq": 2, "stored": 1, "broadcast": 1}', 'the next message gets seq 2');
select is(pg_temp.send('customer', 'customer_store', 'curd', 'And curd?'),
  '{"outcome": "ok", "seq": 3, "stored": 1, "broadcast": 1}', 'and the one after seq 3');
select results_eq(
  $$select seq, sender_id, client_msg_id, body from public.messages where conversation_id = pg_temp.id('customer_store') order by seq$$,
  $$values (1::bigint, pg_temp.id('customer'), pg_temp.cmid('paneer'), 'Do you have paneer?'),
           (2, pg_temp.id('customer'), pg_temp.cmid('milk'), 'And milk?'),
           (3, pg_temp.id('customer'), pg_temp.cmid('curd'), 'And curd?')$$,
  'the three are stored with the signed-in customer as sender (there is no sender argument to forge)'
);
select is((select last_seq from public.conversations where id = pg_temp.id('customer_store')), 3::bigint, 'the conversation''s last_seq is 3');

select results_eq(
  $$select r.topic, r.event, r.private, r.extension, r.payload ->> 'id', r.payload ->> 'seq', r.payload ->> 'sender_id', r.payload ->> 'body'
    from realtime.messages r where r.topic = pg_temp.topic('customer_store') and r.event = 'message' and r.payload ->> 'seq' = '1'$$,
  $$select pg_temp.topic('customer_store'), 'message', true, 'broadcast', m.id::text, '1', pg_temp.id('customer')::text, 'Do you have paneer?'
    from public.messages m where m.conversation_id = pg_temp.id('customer_store') and m.seq = 1$$,
  'the first message is broadcast once on conversation:<id> as a private ''message'' with the stored id, seq, sender and body'
);

-- Replays: the device resends after a lost reply.
select is(pg_temp.send('customer', 'customer_store', 'paneer', 'Do you have paneer? (resent, edited)'),
  '{"outcome": "ok", "seq": 1, "stored": 0, "broadcast": 0}',
  'a replay with the same client_msg_id, even with another body, succeeds with seq 1 and stores and broadcasts nothing');
select results_eq(
  $$select message ->> 'id', message ->> 'seq', message ->> 'body' from replies where persona = 'customer' and client_msg = 'paneer' order by n$$,
  $$select m.id::text, '1', 'Do you have paneer?' from public.messages m, generate_series(1, 2)
    where m.conversation_id = pg_temp.id('customer_store') and m.client_msg_id = pg_temp.cmid('paneer')$$,
  'the original call and the replay return the same stored row: same id, same seq, the original body'
);

-- Bad bodies: refused as bad input (400), nothing stored or broadcast.
select is(
  pg_temp.send('customer', 'customer_store', 'bad ' || b.what, b.body),
  '{"outcome": "22023", "seq": null, "stored": 0, "broadcast": 0}',
  'a message that is ' || b.what || ' is refused with 22023; nothing is stored or broadcast'
)
from (values (1, 'empty', ''), (2, 'only spaces', '     '), (3, '5001 characters long', repeat('a', 5001)),
             (4, 'null', null)) as b (n, what, body)
order by b.n;
select is(pg_temp.send('customer', 'customer_store', null, 'No id'),
  '{"outcome": "22023", "seq": null, "stored": 0, "broadcast": 0}', 'a message without a client_msg_id is refused with 22023');

-- Tabs and line breaks are blank too.
select is(pg_temp.send('customer', 'customer_store', 'bad newlines', E'\n\t\n'),
  '{"outcome": "22023", "seq": null, "stored": 0, "broadcast": 0}',
  'a message of only line breaks and tabs is refused with 22023');

select is(pg_temp.send('customer', 'customer_store', 'long', repeat('a', 5000)),
  '{"outcome": "ok", "seq": 4, "stored": 1, "broadcast": 1}', 'a message of exactly 5000 characters is accepted');
select is(pg_temp.send('customer', 'customer_store', 'long hindi', repeat('अ', 5000)),
  '{"outcome": "ok", "seq": 5, "stored": 1, "broadcast": 1}', 'the limit counts characters, not bytes: 5000 Devanagari letters (15000 bytes) are accepted');
select is(pg_temp.send('customer', 'customer_store', 'markup', $m$<b>Hi</b> <script>alert("x")</script> & **bold** ' ; drop table x; --$m$),
  '{"outcome": "ok", "seq": 6, "stored": 1, "broadcast": 1}', 'a message with markup and SQL-looking text is accepted');
select results_eq(
  $$select m.body, r.payload ->> 'body' from public.messages m
    join realtime.messages r on r.topic = pg_temp.topic('customer_store') and r.event = 'message' and r.payload ->> 'id' = m.id::text
    where m.client_msg_id = pg_temp.cmid('markup')$$,
  $q$values ($m$<b>Hi</b> <script>alert("x")</script> & **bold** ' ; drop table x; --$m$, $m$<b>Hi</b> <script>alert("x")</script> & **bold** ' ; drop table x; --$m$)$q$,
  'markup is stored and broadcast verbatim (plain text: escaping is the clients'' job)'
);
select is(
  tests.outcome_as('customer', format('select public.send_message(conversation_id => %L, client_msg_id => %L, body => ''Hi'', sender_id => %L)',
    pg_temp.id('customer_store'), gen_random_uuid(), pg_temp.id('merchant'))),
  '42883', 'send_message takes no sender: naming one is an unknown function (42883)');

select is(pg_temp.send('customer', 'store_rider', 'sneak', 'Is the rider late?'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}',
  'the customer cannot send to the store–rider conversation of their own order: 403 not_a_member, nothing stored or broadcast');
select is(pg_temp.readable_conversations('customer'), array['customer_rider', 'customer_store'],
  'the customer reads their two conversations, not the store–rider one');
select is(pg_temp.readable_members('customer'),
  array['customer_rider:customer', 'customer_rider:rider', 'customer_store:customer', 'customer_store:merchant'],
  'the customer sees who is in their conversations, and no other membership');
select is(
  array[tests.can_receive('customer', pg_temp.topic('customer_store')), tests.can_receive('customer', pg_temp.topic('customer_rider')),
        tests.can_send('customer', pg_temp.topic('customer_store'), 'broadcast'), tests.can_send('customer', pg_temp.topic('customer_store'), 'presence')],
  array[true, true, true, true],
  'the customer receives both their conversation topics and may broadcast typing and track presence on them'
);
select is(
  array[tests.can_receive('customer', pg_temp.topic('store_rider')), tests.can_send('customer', pg_temp.topic('store_rider'), 'broadcast')],
  array[false, false],
  'the customer neither receives nor broadcasts on the store–rider topic'
);
-- Malformed topics, or an order's id where a conversation's belongs: refused without an error.
select is(
  array[tests.can_receive('customer', 'conversation:not-a-uuid'), tests.can_receive('customer', 'conversation:'),
        tests.can_receive('customer', pg_temp.topic('customer_store') || ':typing'), tests.can_receive('customer', 'conversation:' || pg_temp.id('order')),
        tests.can_send('customer', 'conversation:not-a-uuid', 'broadcast'), tests.can_send('customer', 'conversation:' || pg_temp.id('order'), 'presence')],
  array[false, false, false, false, false, false],
  'malformed conversation topics, and conversation:<an order''s id>, are refused for reading and writing, without an error'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant (member of the customer–store and store–rider conversations of each store order)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.send('merchant', 'customer_store', 'paneer', 'Yes, 200 g packs.'),
  '{"outcome": "ok", "seq": 7, "stored": 1, "broadcast": 1}',
  'the merchant sending with the customer''s client_msg_id makes a new message (ids are per sender): seq 7');
select results_eq(
  $$select seq, sender_id, body from public.messages where conversation_id = pg_temp.id('customer_store') and client_msg_id = pg_temp.cmid('paneer') order by seq$$,
  $$values (1::bigint, pg_temp.id('customer'), 'Do you have paneer?'), (7, pg_temp.id('merchant'), 'Yes, 200 g packs.')$$,
  'both messages with that client_msg_id are stored, each with its own sender'
);
select is(pg_temp.send('merchant', 'customer_store', 'anything', 'Anything else?'),
  '{"outcome": "ok", "seq": 8, "stored": 1, "broadcast": 1}', 'the merchant''s next message is seq 8');
select is(pg_temp.send('merchant', 'store_rider', 'packed', 'Order is packed.'),
  '{"outcome": "ok", "seq": 1, "stored": 1, "broadcast": 1}', 'sequences are per conversation: the store–rider conversation starts at seq 1');
select is(pg_temp.send('merchant', 'customer_rider', 'sneak', 'Hello rider'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}',
  'the merchant cannot send to the customer–rider conversation: 403 not_a_member');
select is(pg_temp.readable_conversations('merchant'),
  array['customer_store', 'store_rider', 'stranger_store', 'stranger_store_rider', 'suspended_store'],
  'the merchant reads the customer–store and store–rider conversations of every order of the store, not the customer–rider ones');
select is(pg_temp.readable_messages('merchant'),
  array['customer_store #1', 'customer_store #2', 'customer_store #3', 'customer_store #4', 'customer_store #5', 'customer_store #6',
        'customer_store #7', 'customer_store #8', 'store_rider #1'],
  'the merchant reads every message of those conversations');
select is(
  array[tests.can_receive('merchant', pg_temp.topic('customer_store')), tests.can_receive('merchant', pg_temp.topic('store_rider')),
        tests.can_receive('merchant', pg_temp.topic('customer_rider')), tests.can_send('merchant', pg_temp.topic('customer_rider'), 'broadcast')],
  array[true, true, false, false],
  'the merchant receives the customer–store and store–rider topics, and neither receives nor broadcasts on the customer–rider one'
);

-- ---------------------------------------------------------------------------------------------
-- Rider (member of the customer–rider and store–rider conversations of their delivery)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.send('rider', 'customer_rider', 'gate', 'I am at the gate.'),
  '{"outcome": "ok", "seq": 1, "stored": 1, "broadcast": 1}', 'the rider writes to the customer: seq 1');
select is(pg_temp.send('rider', 'store_rider', 'coming', 'Five minutes away.'),
  '{"outcome": "ok", "seq": 2, "stored": 1, "broadcast": 1}', 'and to the store: seq 2 after the merchant''s message');
select is(pg_temp.send('rider', 'customer_store', 'sneak', 'Hello'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}',
  'the rider cannot send to the customer–store conversation: 403 not_a_member');
select is(pg_temp.readable_conversations('rider'), array['customer_rider', 'store_rider'],
  'the rider reads the two conversations of their delivery, not the customer–store one');
select is(pg_temp.readable_messages('rider'), array['customer_rider #1', 'store_rider #1', 'store_rider #2'],
  'the rider reads the messages of those two only');
select is(
  array[tests.can_receive('rider', pg_temp.topic('customer_rider')), tests.can_receive('rider', pg_temp.topic('customer_store')),
        tests.can_send('rider', pg_temp.topic('customer_store'), 'presence')],
  array[true, false, false],
  'the rider receives the customer–rider topic but not the customer–store one, where they cannot track presence either'
);

-- ---------------------------------------------------------------------------------------------
-- Other rider (delivered the stranger's order; nothing to do with the customer's)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.send('other_rider', 'customer_rider', 'sneak', 'I can take it'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}',
  'another rider cannot send to the order''s customer–rider conversation: 403 not_a_member, nothing stored or broadcast');
select is(pg_temp.mark('other_rider', 'mark_read', 'customer_rider', 1),
  '{"outcome": "403 not_a_member", "delivered": null, "read": null, "receipts": 0}', 'nor mark it read: 403 not_a_member');
select is(pg_temp.readable_conversations('other_rider'), array['stranger_rider', 'stranger_store_rider'],
  'another rider reads only the conversations of their own delivery');
select is(pg_temp.readable_messages('other_rider'), '{}'::text[], 'and none of the customer''s order''s messages');
select is(
  array[tests.can_receive('other_rider', pg_temp.topic('customer_rider')), tests.can_send('other_rider', pg_temp.topic('customer_rider'), 'broadcast'),
        tests.can_receive('other_rider', pg_temp.topic('stranger_rider'))],
  array[false, false, true],
  'another rider neither receives nor broadcasts on the order''s topic, but does receive their own delivery''s'
);

-- ---------------------------------------------------------------------------------------------
-- Admin (reads every conversation; writes and listens to none)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.readable_conversations('admin'), (select array_agg(name order by name) from convs), 'an admin reads every conversation');
select is(pg_temp.readable_members('admin'),
  (select array_agg(c.name || ':' || p.name order by c.name || ':' || p.name) from public.conversation_members m
   join convs c on c.id = m.conversation_id join personas p on p.id = m.user_id),
  'an admin sees every membership');
select is(pg_temp.readable_messages('admin'),
  (select array_agg(c.name || ' #' || m.seq order by c.name || ' #' || m.seq) from public.messages m join convs c on c.id = m.conversation_id),
  'an admin reads every message');
select is(pg_temp.send('admin', 'customer_store', 'admin', 'Support here'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}', 'an admin is no member and cannot send: 403 not_a_member');
select is(array[tests.can_receive('admin', pg_temp.topic('customer_store')), tests.can_send('admin', pg_temp.topic('customer_store'), 'broadcast')],
  array[false, false], 'the conversation topic is for members only, not admins');

-- ---------------------------------------------------------------------------------------------
-- Stranger (another customer of the store, with their own order and conversations)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.send('stranger', 'customer_store', 'sneak', 'Hello?'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}',
  'a stranger cannot send to the customer''s conversation: 403 not_a_member, nothing stored or broadcast');
select is(pg_temp.send('stranger', 'store', 'nowhere', 'Hello?'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}',
  'an id that is no conversation is refused the same way, so nobody learns which conversations exist');
select is(pg_temp.mark('stranger', 'mark_delivered', 'customer_store', 1),
  '{"outcome": "403 not_a_member", "delivered": null, "read": null, "receipts": 0}', 'a stranger cannot mark it delivered: 403 not_a_member');
select is(pg_temp.readable_conversations('stranger'), array['stranger_rider', 'stranger_store'], 'a stranger reads only their own conversations');
select is(pg_temp.readable_members('stranger'),
  array['stranger_rider:other_rider', 'stranger_rider:stranger', 'stranger_store:merchant', 'stranger_store:stranger'],
  'and only their members');
select is(pg_temp.readable_messages('stranger'), '{}'::text[], 'and none of the customer''s messages');
select is(
  array[tests.can_receive('stranger', pg_temp.topic('customer_store')), tests.can_send('stranger', pg_temp.topic('customer_store'), 'broadcast'),
        tests.can_send('stranger', pg_temp.topic('customer_store'), 'presence'), tests.can_receive('stranger', pg_temp.topic('stranger_store'))],
  array[false, false, false, true],
  'a stranger neither receives, broadcasts nor tracks presence on the customer''s topic, but receives their own'
);

-- ---------------------------------------------------------------------------------------------
-- Suspended (customer of their own order, still a member row, but suspended)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.chats('suspended_order'), array['customer_store {merchant,suspended} open'], 'the suspended customer is still a member on record');
select is(pg_temp.send('suspended', 'suspended_store', 'still', 'Where is my order?'),
  '{"outcome": "403 not_allowed", "seq": null, "stored": 0, "broadcast": 0}',
  'a suspended member cannot send: 403 not_allowed, nothing stored or broadcast');
select is(pg_temp.mark('suspended', 'mark_read', 'suspended_store', 0),
  '{"outcome": "403 not_allowed", "delivered": 0, "read": 0, "receipts": 0}', 'nor mark read: 403 not_allowed');
select is(pg_temp.readable_conversations('suspended') || pg_temp.readable_members('suspended') || pg_temp.inbox('suspended'), '{}'::text[],
  'a suspended member reads no conversation, no member and has an empty inbox');
select is(
  array[tests.can_receive('suspended', pg_temp.topic('suspended_store')), tests.can_send('suspended', pg_temp.topic('suspended_store'), 'broadcast')],
  array[false, false], 'a suspended member neither receives nor broadcasts on their conversation''s topic');

-- ---------------------------------------------------------------------------------------------
-- Anonymous (signed out)
-- ---------------------------------------------------------------------------------------------
select is(
  pg_temp.outcomes_as('anonymous', array[
    format('select public.send_message(%L, %L, ''Hello'')', pg_temp.id('customer_store'), gen_random_uuid()),
    format('select public.mark_delivered(%L, 1)', pg_temp.id('customer_store')),
    format('select public.mark_read(%L, 1)', pg_temp.id('customer_store')),
    'select * from public.my_conversations()']),
  array_fill('42501'::text, array[4]),
  'signed out, send_message, mark_delivered, mark_read and my_conversations are not executable: 42501');
select is(
  pg_temp.outcomes_as('anonymous', array['select * from public.conversations', 'select * from public.conversation_members', 'select * from public.messages']),
  array_fill('42501'::text, array[3]),
  'signed out, the chat tables cannot be read at all: 42501');
select is(
  array[tests.can_receive('anonymous', pg_temp.topic('customer_store')), tests.can_send('anonymous', pg_temp.topic('customer_store'), 'broadcast')],
  array[false, false], 'signed out, no conversation topic can be received or broadcast on');

-- ---------------------------------------------------------------------------------------------
-- Inbox and receipts (customer–store: the customer's messages 1–6, the merchant's 7 and 8)
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.inbox('customer'), array['customer_rider unread 1', 'customer_store unread 2'],
  'the customer''s inbox counts the others'' messages they have not read: the rider''s one, the merchant''s two (their own never count)');
select is(pg_temp.inbox('merchant'),
  array['customer_store unread 6', 'store_rider unread 1', 'stranger_store unread 0', 'stranger_store_rider unread 0', 'suspended_store unread 0'],
  'the merchant''s inbox: the customer''s six messages and the rider''s one are unread');
select tests.sign_in('customer');
select results_eq(
  $$select i.kind::text, i.closed_at, i.last_seq, i.last_read_seq, i.last_message_body from public.my_conversations() i where i.conversation_id = pg_temp.id('customer_store')$$,
  $$values ('customer_store', null::timestamptz, 8::bigint, 0::bigint, 'Anything else?')$$,
  'the inbox shows the kind, that it is open, the last seq, the read position and the last message'
);
select tests.clear_authentication();

select is(pg_temp.mark('customer', 'mark_delivered', 'customer_store', 7),
  '{"outcome": "ok", "delivered": 7, "read": 0, "receipts": 1}', 'mark_delivered moves the delivered position to 7 and broadcasts a receipt');
select results_eq(
  $$select r.private, r.payload ->> 'user_id', r.payload ->> 'last_delivered_seq', r.payload ->> 'last_read_seq'
    from realtime.messages r where r.topic = pg_temp.topic('customer_store') and r.event = 'receipt'$$,
  $$values (true, pg_temp.id('customer')::text, '7', '0')$$,
  'the receipt goes to conversation:<id> as a private ''receipt'' with who and how far'
);
select is(pg_temp.mark('customer', 'mark_delivered', 'customer_store', 5),
  '{"outcome": "ok", "delivered": 7, "read": 0, "receipts": 0}', 'marking an earlier seq delivered moves nothing back and broadcasts nothing');
select is(pg_temp.mark('customer', 'mark_read', 'customer_store', 7),
  '{"outcome": "ok", "delivered": 7, "read": 7, "receipts": 1}', 'mark_read moves the read position to 7 and broadcasts a receipt');
select is(pg_temp.inbox('customer'), array['customer_rider unread 1', 'customer_store unread 1'], 'one unread message is left in the customer–store conversation');
select is(pg_temp.mark('customer', 'mark_read', 'customer_store', 3),
  '{"outcome": "ok", "delivered": 7, "read": 7, "receipts": 0}', 'reading back never lowers the read position, and says nothing');
select is(pg_temp.mark('customer', 'mark_read', 'customer_store', 1000),
  '{"outcome": "ok", "delivered": 8, "read": 8, "receipts": 1}', 'a seq past the end is clamped to the last message (8), and reading delivers too');
select is(pg_temp.mark('customer', 'mark_read', 'customer_store', 1000),
  '{"outcome": "ok", "delivered": 8, "read": 8, "receipts": 0}', 'the same mark again moves nothing and broadcasts no receipt');
select is(pg_temp.inbox('customer'), array['customer_rider unread 1', 'customer_store unread 0'], 'the customer–store conversation is all read');
select is(pg_temp.mark('customer', r.fn, 'customer_store', r.up_to),
  '{"outcome": "22023", "delivered": 8, "read": 8, "receipts": 0}', r.fn || ' with ' || coalesce(r.up_to::text, 'null') || ' is refused with 22023')
from (values (1, 'mark_read', -1), (2, 'mark_delivered', -1), (3, 'mark_read', null)) as r (n, fn, up_to) order by r.n;
select is(pg_temp.mark('merchant', 'mark_read', 'customer_store', 0),
  '{"outcome": "ok", "delivered": 0, "read": 0, "receipts": 0}', 'marking seq 0 is allowed and, moving nothing, broadcasts nothing');
select is(pg_temp.mark('merchant', 'mark_delivered', 'customer_store', 8),
  '{"outcome": "ok", "delivered": 8, "read": 0, "receipts": 1}', 'mark_delivered leaves the read position alone');
select is(pg_temp.inbox('merchant') @> array['customer_store unread 6'], true, 'delivered is not read: the merchant still has six unread');

-- ---------------------------------------------------------------------------------------------
-- Rate limit (admin.settings.chat_rate_limit per chat_rate_window, per sender, across conversations)
-- ---------------------------------------------------------------------------------------------
-- The customer has sent 6 messages within the window (now() is the transaction's start): allow one more.
update admin.settings set chat_rate_limit = 7;
select is(pg_temp.send('customer', 'customer_rider', 'coming down', 'Coming down.'),
  '{"outcome": "ok", "seq": 2, "stored": 1, "broadcast": 1}', 'with chat_rate_limit 7 the customer''s seventh message in the window goes through');
select is(pg_temp.send('customer', 'customer_store', 'one too many', 'One more thing'),
  '{"outcome": "429 rate_limited", "seq": null, "stored": 0, "broadcast": 0}',
  'the eighth, in another conversation, is refused: 429 rate_limited, nothing stored or broadcast');
select is((select last_seq from public.conversations where id = pg_temp.id('customer_store')), 8::bigint, 'the refused message took no sequence number');
select is(pg_temp.send('customer', 'customer_store', 'milk', 'And milk?'),
  '{"outcome": "ok", "seq": 2, "stored": 0, "broadcast": 0}', 'a replay is still answered at the limit: it sends nothing new');
select is(pg_temp.send('rider', 'customer_rider', 'lift', 'Taking the lift.'),
  '{"outcome": "ok", "seq": 3, "stored": 1, "broadcast": 1}', 'the limit is per sender: the rider (two messages) still sends');
-- Moved back past the window, the customer's messages no longer count.
update public.messages set created_at = created_at - interval '61 seconds' where sender_id = pg_temp.id('customer');
select is(pg_temp.send('customer', 'customer_store', 'one too many', 'One more thing'),
  '{"outcome": "ok", "seq": 9, "stored": 1, "broadcast": 1}', 'once those messages are older than chat_rate_window (1 minute) the customer sends again');
update admin.settings set chat_rate_limit = 30;

-- ---------------------------------------------------------------------------------------------
-- Reassignment: the rider taken off loses the conversations at once; the new rider gets new ones
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('order'), pg_temp.id('other_rider'))), 'ok',
  'the merchant gives the order to the other rider');
select is(
  pg_temp.chats('order'),
  array['customer_store {customer,merchant} open', 'customer_rider(other_rider) {customer,other_rider} open',
        'customer_rider(rider) {customer} closed', 'store_rider(other_rider) {merchant,other_rider} open', 'store_rider(rider) {merchant} closed'],
  'the first rider''s two conversations are closed and they are no longer in them; the new rider has two new open ones'
);
insert into convs (name, id)
select 'new_' || c.kind, c.id from public.conversations c where c.order_id = pg_temp.id('order') and c.rider_id = pg_temp.id('other_rider');
select is(
  (select array_agg(m.topic order by m.topic) from realtime.messages m where m.event = 'closed'),
  (select array_agg(pg_temp.topic(k) order by pg_temp.topic(k)) from unnest(array['customer_rider', 'store_rider']) k),
  'each closed conversation''s topic gets one last closed event, for the devices still on it');

select is(pg_temp.readable_conversations('rider') || pg_temp.readable_members('rider') || pg_temp.readable_messages('rider'), '{}'::text[],
  'in the same transaction, the rider taken off reads none of the order''s conversations, members or messages');
select is(
  array[tests.can_receive('rider', pg_temp.topic('customer_rider')), tests.can_receive('rider', pg_temp.topic('store_rider')),
        tests.can_send('rider', pg_temp.topic('customer_rider'), 'broadcast')],
  array[false, false, false], 'and can no longer receive or broadcast on their topics');
select is(pg_temp.send('rider', 'customer_rider', 'still here', 'Still coming?'),
  '{"outcome": "403 not_a_member", "seq": null, "stored": 0, "broadcast": 0}', 'nor send to them: 403 not_a_member');
select is(pg_temp.send('rider', 'customer_rider', 'gate', 'I am at the gate.'),
  '{"outcome": "ok", "seq": 1, "stored": 0, "broadcast": 0}',
  'a replay of a message they sent before is still answered with the stored row, and sends nothing');
select is(pg_temp.send('customer', 'customer_rider', 'where', 'Where are you?'),
  '{"outcome": "409 conversation_closed", "seq": null, "stored": 0, "broadcast": 0}',
  'the customer, still a member, cannot write to the closed conversation: 409 conversation_closed, nothing stored or broadcast');
select is(array[tests.can_receive('customer', pg_temp.topic('customer_rider')), tests.can_send('customer', pg_temp.topic('customer_rider'), 'broadcast')],
  array[true, false], 'the customer still receives the closed conversation''s topic but can no longer broadcast typing on it');
select is(pg_temp.mark('customer', 'mark_read', 'customer_rider', 1) - 'delivered',
  '{"outcome": "ok", "read": 1, "receipts": 0}',
  'the customer''s read position on the closed conversation is kept, and its topic stays quiet (no receipt)');
select is(pg_temp.readable_conversations('customer'), array['customer_rider', 'customer_store', 'new_customer_rider'],
  'the customer keeps the closed conversation''s history and reads the new one');
select is(pg_temp.readable_conversations('other_rider'), array['new_customer_rider', 'new_store_rider', 'stranger_rider', 'stranger_store_rider'],
  'the new rider reads their new conversations of the order, not the first rider''s');
select is(pg_temp.send('other_rider', 'new_customer_rider', 'on my way', 'On my way.'),
  '{"outcome": "ok", "seq": 1, "stored": 1, "broadcast": 1}', 'the new rider''s conversation starts at seq 1');
select is(tests.can_receive('other_rider', pg_temp.topic('new_customer_rider')), true, 'and the new rider receives its topic');

select is(tests.outcome_as('merchant', format('select public.assign_rider(%L, %L)', pg_temp.id('order'), pg_temp.id('rider'))), 'ok',
  'the merchant gives the order back to the first rider');
select is(
  pg_temp.chats('order'),
  array['customer_store {customer,merchant} open', 'customer_rider(other_rider) {customer} closed',
        'customer_rider(rider) {customer,rider} open', 'store_rider(other_rider) {merchant} closed', 'store_rider(rider) {merchant,rider} open'],
  'the first rider''s conversations reopen (the same two, no new ones) with them back in; the other rider''s close'
);
select is(pg_temp.readable_messages('rider'), array['customer_rider #1', 'customer_rider #2', 'customer_rider #3', 'store_rider #1', 'store_rider #2'],
  'the returning rider reads the history again');
select is(pg_temp.send('customer', 'customer_rider', 'where', 'Where are you?'),
  '{"outcome": "ok", "seq": 4, "stored": 1, "broadcast": 1}', 'the reopened conversation takes messages again, continuing its sequence');
select is(array[tests.can_receive('rider', pg_temp.topic('customer_rider')), tests.can_receive('other_rider', pg_temp.topic('new_customer_rider'))],
  array[true, false], 'the topics follow: the first rider receives again, the other rider no longer');

select * from finish();
rollback;
