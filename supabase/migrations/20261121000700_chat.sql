-- Chat per order: up to three conversations (customer–store, customer–rider, store–rider),
-- their members with read and delivery positions, and messages ordered by a server-assigned
-- per-conversation sequence. Writes go through send_message and mark_read; members read.

create type public.conversation_kind as enum ('customer_store', 'customer_rider', 'store_rider');
comment on type public.conversation_kind is 'Which two parties of an order a conversation is between.';

create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references public.orders (id) on delete cascade,
  kind public.conversation_kind not null,
  last_seq bigint not null default 0 constraint conversations_last_seq_not_negative check (last_seq >= 0),
  created_at timestamptz not null default now(),
  constraint conversations_one_per_kind_per_order unique (order_id, kind)
);
comment on table public.conversations is 'A chat about one order between two of its parties.';
comment on column public.conversations.last_seq is 'The sequence number of the latest message; the next message gets last_seq + 1.';

revoke all on table public.conversations from anon, authenticated;
grant select on table public.conversations to authenticated;
grant all on table public.conversations to service_role;

-- The unique (order_id, kind) index serves the order_id foreign key.

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

-- The conversations the signed-in, active user is a member of; the policies of all three chat
-- tables use it, and being security definer it reads members without recursing into them.
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

create table public.messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  seq bigint not null constraint messages_seq_positive check (seq > 0),
  sender_id uuid references public.profiles (id) on delete set null,
  client_msg_id uuid not null,
  body text not null constraint messages_body_length check (char_length(btrim(body)) between 1 and 5000),
  created_at timestamptz not null default now(),
  constraint messages_seq_unique_per_conversation unique (conversation_id, seq),
  constraint messages_sent_once unique (conversation_id, sender_id, client_msg_id)
);
comment on table public.messages is 'Chat messages, in the order of their per-conversation sequence number.';
comment on column public.messages.seq is 'Server-assigned position in the conversation: 1, 2, 3, ...';
comment on column public.messages.client_msg_id is 'The sender device''s id for the message; a replay with the same id returns the stored message.';

revoke all on table public.messages from anon, authenticated;
grant select on table public.messages to authenticated;
grant all on table public.messages to service_role;

create index messages_sender_id_idx on public.messages (sender_id);

alter table public.messages enable row level security;

create policy "Members read the messages of their conversations" on public.messages
  for select to authenticated
  using (conversation_id in (select private.my_conversation_ids()));

create policy "Admins read every message" on public.messages
  for select to authenticated
  using ((select private.active_role()) = 'admin');
