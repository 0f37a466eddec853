-- Chat per order: the customer with the store from the moment the order is placed, and the
-- customer and the store each with the rider once one is assigned. The database creates the
-- conversations and keeps their members in step with the order (a reassigned rider's
-- conversations close and the next rider gets new ones); clients only read, and write through
-- send_message, mark_delivered and mark_read. Messages carry a server-assigned sequence per
-- conversation and reach `conversation:<id>` from the database after commit; typing and presence
-- are client broadcasts on the same private topic.

-- Settings ------------------------------------------------------------------------------------

alter table admin.settings
  add column chat_rate_limit integer not null default 30 check (chat_rate_limit > 0),
  add column chat_rate_window interval not null default '1 minute' check (chat_rate_window > interval '0');
comment on column admin.settings.chat_rate_limit is 'Messages one user may send (across conversations) within chat_rate_window.';
comment on column admin.settings.chat_rate_window is 'The window chat_rate_limit counts over.';

-- Conversations -------------------------------------------------------------------------------

create type public.conversation_kind as enum ('customer_store', 'customer_rider', 'store_rider');
comment on type public.conversation_kind is 'Which two parties of an order a conversation is between.';

create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references public.orders (id) on delete cascade,
  kind public.conversation_kind not null,
  rider_id uuid references public.profiles (id) on delete set null,
  last_seq bigint not null default 0 constraint conversations_last_seq_not_negative check (last_seq >= 0),
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  constraint conversations_rider_only_with_riders check ((kind = 'customer_store') = (rider_id is null)),
  constraint conversations_one_per_kind_and_rider unique nulls not distinct (order_id, kind, rider_id)
);
comment on table public.conversations is 'A chat about one order between two of its parties; made by the database, never by clients.';
comment on column public.conversations.rider_id is 'For rider conversations, the rider they were made for; a reassigned rider''s conversations close.';
comment on column public.conversations.last_seq is 'The sequence number of the latest message; the next message gets last_seq + 1.';
comment on column public.conversations.closed_at is 'When the conversation stopped taking messages (its rider was taken off the order).';

revoke all on table public.conversations from anon, authenticated;
grant select on table public.conversations to authenticated;
grant all on table public.conversations to service_role;

-- The unique (order_id, kind, rider_id) index serves the order_id foreign key.
create index conversations_rider_id_idx on public.conversations (rider_id) where rider_id is not null;

alter table public.conversations enable row level security;

create table public.conversation_members (
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  last_delivered_seq bigint not null default 0,
  last_read_seq bigint not null default 0,
  joined_at timestamptz not null default now(),
  primary key (conversation_id, user_id),
  constraint conversation_members_read_after_delivered check (last_read_seq <= last_delivered_seq)
);
comment on table public.conversation_members is 'Who is in a conversation, and how far each has received and read it.';
comment on column public.conversation_members.last_delivered_seq is 'Highest message sequence delivered to this member''s device.';
comment on column public.conversation_members.last_read_seq is 'Highest message sequence this member has read.';

revoke all on table public.conversation_members from anon, authenticated;
grant select on table public.conversation_members to authenticated;
grant all on table public.conversation_members to service_role;

create index conversation_members_user_id_idx on public.conversation_members (user_id);

alter table public.conversation_members enable row level security;

-- The conversations the signed-in, active user is a member of; the policies of the chat tables
-- and topics use it, and being security definer it reads members without recursing into them.
create function private.my_conversation_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select m.conversation_id from public.conversation_members m
  where m.user_id = (select auth.uid()) and (select private.active_role()) is not null
$$;
comment on function private.my_conversation_ids() is 'Ids of the conversations the signed-in, active user belongs to.';
revoke execute on function private.my_conversation_ids() from public;
grant execute on function private.my_conversation_ids() to authenticated, service_role;

create policy "Members read their conversations" on public.conversations
  for select to authenticated
  using (id in (select private.my_conversation_ids()));

create policy "Admins read every conversation" on public.conversations
  for select to authenticated
  using ((select private.active_role()) = 'admin');

create policy "Members see who is in their conversations" on public.conversation_members
  for select to authenticated
  using (conversation_id in (select private.my_conversation_ids()));

create policy "Admins see every conversation's members" on public.conversation_members
  for select to authenticated
  using ((select private.active_role()) = 'admin');

-- Messages ------------------------------------------------------------------------------------

create table public.messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  seq bigint not null constraint messages_seq_positive check (seq > 0),
  sender_id uuid references public.profiles (id) on delete set null,
  client_msg_id uuid not null,
  body text not null constraint messages_body_length check (body ~ '[^[:space:]]' and char_length(body) <= 5000),
  created_at timestamptz not null default now(),
  constraint messages_seq_unique_per_conversation unique (conversation_id, seq),
  constraint messages_sent_once unique (conversation_id, sender_id, client_msg_id)
);
comment on table public.messages is 'Chat messages, plain text, in the order of their per-conversation sequence number.';
comment on column public.messages.seq is 'Server-assigned position in the conversation: 1, 2, 3, ...';
comment on column public.messages.client_msg_id is 'The sender device''s id for the message; a replay with the same id returns the stored message.';

revoke all on table public.messages from anon, authenticated;
grant select on table public.messages to authenticated;
grant all on table public.messages to service_role;

-- Serves the rate limit (a sender's recent messages) and the sender_id foreign key.
create index messages_sender_id_created_at_idx on public.messages (sender_id, created_at);

alter table public.messages enable row level security;

create policy "Members read the messages of their conversations" on public.messages
  for select to authenticated
  using (conversation_id in (select private.my_conversation_ids()));

create policy "Admins read every message" on public.messages
  for select to authenticated
  using ((select private.active_role()) = 'admin');

-- Conversations follow the order -------------------------------------------------------------

-- Opens (or reopens) a conversation of an order with its two members.
create function private.open_conversation(order_id uuid, kind public.conversation_kind, rider_id uuid, members uuid[])
returns void
language plpgsql
set search_path = ''
as $$
declare
  conversation uuid;
begin
  insert into public.conversations (order_id, kind, rider_id) values (order_id, kind, rider_id)
  on conflict on constraint conversations_one_per_kind_and_rider do update set closed_at = null
  returning id into conversation;
  insert into public.conversation_members (conversation_id, user_id)
  select conversation, m from unnest(members) as m where m is not null
  on conflict do nothing;
end
$$;
comment on function private.open_conversation(uuid, public.conversation_kind, uuid, uuid[]) is 'Creates or reopens one conversation of an order and adds its members.';
revoke execute on function private.open_conversation(uuid, public.conversation_kind, uuid, uuid[]) from public;

-- A placed order opens the customer–store conversation; a rider assigned opens the rider's two;
-- a rider taken off closes theirs and loses their membership in the same transaction, so RLS
-- (rows, joins and sends) follows the assignment at once. The closed topics get a last `closed`
-- event and nothing from the database after it.
create function private.conversations_follow_order() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  merchant uuid;
  closing record;
begin
  select s.owner_id into merchant from public.stores s where s.id = new.store_id;
  if tg_op = 'INSERT' then
    perform private.open_conversation(new.id, 'customer_store', null, array[new.customer_id, merchant]);
  end if;
  if tg_op = 'UPDATE' and old.rider_id is not null and old.rider_id is distinct from new.rider_id then
    -- The last word on each topic: open devices (the old rider's too) stop using it.
    for closing in
      update public.conversations c set closed_at = now()
      where c.order_id = new.id and c.rider_id = old.rider_id and c.closed_at is null
      returning c.id, c.closed_at
    loop
      perform realtime.send(jsonb_build_object('conversation_id', closing.id, 'closed_at', closing.closed_at), 'closed', 'conversation:' || closing.id, true);
    end loop;
    delete from public.conversation_members m
    using public.conversations c
    where c.id = m.conversation_id and c.order_id = new.id and c.rider_id = old.rider_id and m.user_id = old.rider_id;
  end if;
  if new.rider_id is not null and (tg_op = 'INSERT' or old.rider_id is distinct from new.rider_id) then
    perform private.open_conversation(new.id, 'customer_rider', new.rider_id, array[new.customer_id, new.rider_id]);
    perform private.open_conversation(new.id, 'store_rider', new.rider_id, array[merchant, new.rider_id]);
  end if;
  return null;
end
$$;
comment on function private.conversations_follow_order() is 'Trigger: opens an order''s conversations as it is placed and assigned, and closes a removed rider''s.';
revoke execute on function private.conversations_follow_order() from public;

create trigger orders_conversations_follow_order after insert or update of rider_id on public.orders
  for each row execute function private.conversations_follow_order();

-- Sending -------------------------------------------------------------------------------------

-- A message as clients and the topic see it.
create function private.message_json(m public.messages) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('id', m.id, 'conversation_id', m.conversation_id, 'seq', m.seq, 'sender_id', m.sender_id,
    'client_msg_id', m.client_msg_id, 'body', m.body, 'created_at', m.created_at)
$$;
comment on function private.message_json(public.messages) is 'A message as JSON, as the conversation topic carries it.';
revoke execute on function private.message_json(public.messages) from public;

create function private.send_message(conversation_id uuid, client_msg_id uuid, body text) returns public.messages
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  conversation public.conversations;
  sent public.messages;
  settings admin.settings := private.settings();
  recent integer;
begin
  if (select private.active_role()) is null then
    perform private.refuse(403, 'not_allowed', 'Only active accounts can send messages');
  end if;
  if conversation_id is null or client_msg_id is null then
    raise exception 'conversation_id and client_msg_id are required' using errcode = '22023';
  end if;
  if body is null or body !~ '[^[:space:]]' then
    raise exception 'A message cannot be empty' using errcode = '22023';
  end if;
  if char_length(body) > 5000 then
    raise exception 'A message can be at most 5000 characters, got %', char_length(body) using errcode = '22023';
  end if;

  -- One sender at a time per conversation: the sequence has no gaps, and a replay racing its
  -- original finds it once the original commits.
  select * into conversation from public.conversations c where c.id = send_message.conversation_id for update;
  select * into sent from public.messages m
  where m.conversation_id = send_message.conversation_id and m.sender_id = me and m.client_msg_id = send_message.client_msg_id;
  if found then
    return sent;
  end if;
  if conversation.id is null or not exists (
    select 1 from public.conversation_members m where m.conversation_id = conversation.id and m.user_id = me
  ) then
    perform private.refuse(403, 'not_a_member', 'Only the conversation''s members can send to it');
  end if;
  if conversation.closed_at is not null then
    perform private.refuse(409, 'conversation_closed', 'This conversation is closed', jsonb_build_object('closed_at', conversation.closed_at));
  end if;

  -- The user's own row serialises their sends, so the count is exact under concurrency.
  perform from public.profiles p where p.id = me for update;
  select count(*) into recent from public.messages m
  where m.sender_id = me and m.created_at > now() - settings.chat_rate_window;
  if recent >= settings.chat_rate_limit then
    perform private.refuse(429, 'rate_limited', format('At most %s messages per %s; wait a little', settings.chat_rate_limit, settings.chat_rate_window),
      jsonb_build_object('limit', settings.chat_rate_limit, 'window_seconds', extract(epoch from settings.chat_rate_window)));
  end if;

  update public.conversations c set last_seq = c.last_seq + 1 where c.id = conversation.id
  returning c.last_seq into conversation.last_seq;
  insert into public.messages (conversation_id, seq, sender_id, client_msg_id, body)
  values (conversation.id, conversation.last_seq, me, send_message.client_msg_id, send_message.body)
  returning * into sent;
  perform realtime.send(private.message_json(sent), 'message', 'conversation:' || conversation.id, true);
  return sent;
end
$$;
comment on function private.send_message(uuid, uuid, text) is 'Stores a message from the signed-in member with the next sequence number and broadcasts it; a replayed client_msg_id returns the stored message.';
revoke execute on function private.send_message(uuid, uuid, text) from public;
grant execute on function private.send_message(uuid, uuid, text) to authenticated;

create function public.send_message(conversation_id uuid, client_msg_id uuid, body text) returns public.messages
language sql
set search_path = ''
as $$
  select * from private.send_message(conversation_id, client_msg_id, body)
$$;
comment on function public.send_message(uuid, uuid, text) is 'Sends a chat message as the signed-in member: idempotent by client_msg_id, up to 5000 characters of plain text, rate-limited per user. Reaches conversation:<id> after commit.';
revoke execute on function public.send_message(uuid, uuid, text) from public, anon;
grant execute on function public.send_message(uuid, uuid, text) to authenticated;

-- Receipts ------------------------------------------------------------------------------------

-- Moves the signed-in member's delivered (and, when reading, read) position forward, never back,
-- and tells the conversation when it moved.
create function private.mark_seen(conversation_id uuid, up_to_seq bigint, reading boolean) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  last bigint;
  closed boolean;
  member public.conversation_members;
  moved public.conversation_members;
begin
  if (select private.active_role()) is null then
    perform private.refuse(403, 'not_allowed', 'Only active accounts can mark messages');
  end if;
  if up_to_seq is null or up_to_seq < 0 then
    raise exception 'up_to_seq must be 0 or more, got %', coalesce(up_to_seq::text, 'null') using errcode = '22023';
  end if;
  select c.last_seq, c.closed_at is not null into last, closed from public.conversations c where c.id = mark_seen.conversation_id;
  select * into member from public.conversation_members m
  where m.conversation_id = mark_seen.conversation_id and m.user_id = me for update;
  if not found then
    perform private.refuse(403, 'not_a_member', 'Only the conversation''s members can mark its messages');
  end if;
  up_to_seq := least(up_to_seq, last);
  update public.conversation_members m set
    last_delivered_seq = greatest(m.last_delivered_seq, up_to_seq),
    last_read_seq = case when reading then greatest(m.last_read_seq, up_to_seq) else m.last_read_seq end
  where m.conversation_id = member.conversation_id and m.user_id = me
  returning * into moved;
  -- A closed conversation's topic stays quiet (its old rider may still hold a channel on it).
  if not closed and (moved.last_delivered_seq > member.last_delivered_seq or moved.last_read_seq > member.last_read_seq) then
    perform realtime.send(
      jsonb_build_object('conversation_id', moved.conversation_id, 'user_id', me,
        'last_delivered_seq', moved.last_delivered_seq, 'last_read_seq', moved.last_read_seq),
      'receipt', 'conversation:' || moved.conversation_id, true);
  end if;
end
$$;
comment on function private.mark_seen(uuid, bigint, boolean) is 'Moves the signed-in member''s delivered or read position forward and broadcasts the receipt.';
revoke execute on function private.mark_seen(uuid, bigint, boolean) from public;
grant execute on function private.mark_seen(uuid, bigint, boolean) to authenticated;

create function public.mark_delivered(conversation_id uuid, up_to_seq bigint) returns void
language sql
set search_path = ''
as $$
  select private.mark_seen(conversation_id, up_to_seq, false)
$$;
comment on function public.mark_delivered(uuid, bigint) is 'Records that the signed-in member''s device has the messages up to up_to_seq; the senders see a delivered receipt.';
revoke execute on function public.mark_delivered(uuid, bigint) from public, anon;
grant execute on function public.mark_delivered(uuid, bigint) to authenticated;

create function public.mark_read(conversation_id uuid, up_to_seq bigint) returns void
language sql
set search_path = ''
as $$
  select private.mark_seen(conversation_id, up_to_seq, true)
$$;
comment on function public.mark_read(uuid, bigint) is 'Records that the signed-in member has read the messages up to up_to_seq (so they are delivered too); the senders see a read receipt.';
revoke execute on function public.mark_read(uuid, bigint) from public, anon;
grant execute on function public.mark_read(uuid, bigint) to authenticated;

-- Inbox ---------------------------------------------------------------------------------------

-- The signed-in user's conversations with what an inbox shows; runs as the caller, so RLS
-- decides what is listed.
create function public.my_conversations()
returns table (
  conversation_id uuid, order_id uuid, kind public.conversation_kind, closed_at timestamptz,
  last_seq bigint, last_read_seq bigint, unread_count bigint, last_message_at timestamptz, last_message_body text
)
language sql stable
set search_path = ''
as $$
  select c.id, c.order_id, c.kind, c.closed_at, c.last_seq, m.last_read_seq,
    (select count(*) from public.messages x
     where x.conversation_id = c.id and x.seq > m.last_read_seq and x.sender_id is distinct from m.user_id),
    last.created_at, last.body
  from public.conversations c
  join public.conversation_members m on m.conversation_id = c.id and m.user_id = (select auth.uid())
  left join public.messages last on last.conversation_id = c.id and last.seq = c.last_seq
  order by coalesce(last.created_at, c.created_at) desc
$$;
comment on function public.my_conversations() is 'The signed-in user''s conversations, latest activity first, with unread counts (others'' messages after their read position) and the last message.';
revoke execute on function public.my_conversations() from public, anon;
grant execute on function public.my_conversations() to authenticated;

-- The conversation topic ----------------------------------------------------------------------

-- `conversation:<uuid>` names a conversation the signed-in user is a member of (and, for sending,
-- one that is still open). Security definer, with the topic as an argument, so the policies below
-- stay one call each.
create function private.is_my_conversation_topic(topic text, sending boolean) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select case when topic ~ '^conversation:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then exists (
      select 1 from public.conversations c
      where c.id = substr(topic, 14)::uuid and c.id in (select private.my_conversation_ids())
        and (not sending or c.closed_at is null))
    else false end
$$;
comment on function private.is_my_conversation_topic(text, boolean) is 'Whether a Realtime topic is conversation:<id> of a conversation the signed-in, active user belongs to (and, when sending, that is open).';
revoke execute on function private.is_my_conversation_topic(text, boolean) from public;
grant execute on function private.is_my_conversation_topic(text, boolean) to authenticated;

-- Messages, receipts, typing and presence.
create policy "Members receive their conversations' topics" on realtime.messages
  for select to authenticated
  using ((select private.is_my_conversation_topic((select realtime.topic()), false)));

-- Messages themselves only come from send_message; members broadcast typing and track presence.
-- Realtime authorizes by topic and extension, not by event, so the app takes messages from the
-- table (catch-up) as the record.
create policy "Members send typing and presence to open conversations" on realtime.messages
  for insert to authenticated
  with check ((select private.is_my_conversation_topic((select realtime.topic()), true)));
