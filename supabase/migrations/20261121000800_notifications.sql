-- In-app notifications: written by the platform (order updates, approvals), read and marked
-- read by their recipient.

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null constraint notifications_kind_format check (kind ~ '^[a-z][a-z_]{0,39}$'),
  title text not null constraint notifications_title_length check (char_length(btrim(title)) between 1 and 120),
  body text not null default '' constraint notifications_body_length check (char_length(body) <= 1000),
  data jsonb not null default '{}' constraint notifications_data_is_object check (jsonb_typeof(data) = 'object'),
  read_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.notifications is 'Messages from the platform to one user (order updates, store approval, ...); the recipient marks them read.';
comment on column public.notifications.kind is 'What happened, snake_case: order_accepted, store_approved, ...';
comment on column public.notifications.data is 'Ids a client needs to open the subject, e.g. {"order_id": "..."}.';
comment on column public.notifications.read_at is 'When the recipient read it; null while unread.';

revoke all on table public.notifications from anon, authenticated;
grant select on table public.notifications to authenticated;
grant update (read_at) on table public.notifications to authenticated;
grant all on table public.notifications to service_role;

create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at desc);

alter table public.notifications enable row level security;

create policy "Users read their own notifications" on public.notifications
  for select to authenticated
  using (user_id = (select auth.uid()) and (select private.active_role()) is not null);

create policy "Users mark their own notifications read" on public.notifications
  for update to authenticated
  using (user_id = (select auth.uid()) and (select private.active_role()) is not null)
  with check (user_id = (select auth.uid()));

create policy "Admins read every notification" on public.notifications
  for select to authenticated
  using ((select private.active_role()) = 'admin');
