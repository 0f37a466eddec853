-- The audit log: every insert, update and delete on the audited tables (profiles here; stores,
-- products and orders attach the same trigger in their own migrations), and every admin action,
-- with who, when, and the row before and after. Append-only for everyone, the owner included.

create table public.audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  actor_id uuid,
  actor_role text not null,
  action text not null,
  table_name text,
  record_id text,
  old_data jsonb,
  new_data jsonb,
  reason text
);
comment on table public.audit_log is 'Append-only record of changes to profiles, stores, products, orders and reviews and of admin actions. Readable by admins only; nobody can change or delete a row.';
comment on column public.audit_log.actor_id is 'The signed-in user who made the change (auth.uid()); null for database operators such as Studio. No foreign key: the log outlives accounts.';
comment on column public.audit_log.actor_role is 'The API role of the change (anon, authenticated, service_role) or, without one, the database user (postgres from Studio).';
comment on column public.audit_log.action is 'insert, update or delete for row changes; the admin function''s name (approve_store, suspend_account, ...) for admin actions.';
comment on column public.audit_log.record_id is 'The id of the changed row, as text.';
comment on column public.audit_log.reason is 'The reason an admin gave for the action.';

revoke all on table public.audit_log from anon, authenticated, service_role;
grant select on table public.audit_log to authenticated, service_role;

create index audit_log_record_idx on public.audit_log (table_name, record_id);
create index audit_log_actor_id_idx on public.audit_log (actor_id);
create index audit_log_occurred_at_idx on public.audit_log using brin (occurred_at);

create function private.refuse_audit_log_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'the audit log is append-only: % is not allowed', lower(tg_op)
    using errcode = '42501';
end
$$;
comment on function private.refuse_audit_log_change() is 'Trigger: refuses update, delete and truncate on the audit log, whoever asks.';
revoke execute on function private.refuse_audit_log_change() from public;

create trigger audit_log_is_append_only before update or delete on public.audit_log
  for each row execute function private.refuse_audit_log_change();
create trigger audit_log_is_never_truncated before truncate on public.audit_log
  for each statement execute function private.refuse_audit_log_change();

alter table public.audit_log enable row level security;

create policy "Admins read the audit log" on public.audit_log
  for select to authenticated
  using ((select private.active_role()) = 'admin');

-- Writes one audit row per changed row. Admin functions name their action and reason with the
-- transaction-local settings app.audit_action and app.audit_reason (see private.begin_admin_action).
-- Security definer: nobody has insert on the audit log, so the trigger writes it as its owner.
create function private.record_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  before_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  after_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
begin
  -- An update that changes nothing but updated_at is not worth a row.
  if tg_op = 'UPDATE' and before_row - 'updated_at' = after_row - 'updated_at' then
    return null;
  end if;
  insert into public.audit_log (actor_id, actor_role, action, table_name, record_id, old_data, new_data, reason)
  values (
    auth.uid(),
    coalesce(nullif(auth.role(), ''), session_user),
    coalesce(nullif(current_setting('app.audit_action', true), ''), lower(tg_op)),
    tg_table_name,
    coalesce(after_row, before_row) ->> 'id',
    before_row,
    after_row,
    nullif(current_setting('app.audit_reason', true), '')
  );
  return null;
end
$$;
comment on function private.record_change() is 'Trigger: appends the change (who, what, before, after, admin action and reason) to the audit log.';
revoke execute on function private.record_change() from public;

create trigger profiles_audit after insert or update or delete on public.profiles
  for each row execute function private.record_change();

-- Names the admin action and its reason for the audit rows the next changes write, until
-- private.end_admin_action() or the end of the transaction.
create function private.begin_admin_action(action text, reason text) returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('app.audit_action', action, true);
  perform set_config('app.audit_reason', coalesce(btrim(reason), ''), true);
end
$$;
comment on function private.begin_admin_action(text, text) is 'Labels the following row changes in the audit log with an admin action and its reason.';
revoke execute on function private.begin_admin_action(text, text) from public;

create function private.end_admin_action() returns void
language sql
set search_path = ''
as $$
  select set_config('app.audit_action', '', true), set_config('app.audit_reason', '', true);
$$;
comment on function private.end_admin_action() is 'Stops labelling row changes with an admin action.';
revoke execute on function private.end_admin_action() from public;
