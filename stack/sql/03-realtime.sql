-- Local-only bootstrap: the part of the `realtime` schema that Supabase Realtime creates in every
-- project database and that projects build on: `realtime.messages` (channel authorization by RLS,
-- and broadcasts written from SQL), `realtime.topic()`, `realtime.send()` and
-- `realtime.broadcast_changes()`, with Supabase's names, signatures and grants. Projects write
-- policies on realtime.messages in their migrations; none is created here.
-- Idempotent: the stack also runs it on databases made before it existed.

create schema if not exists realtime;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
grant all on schema realtime to supabase_realtime_admin;

-- Supabase partitions this table by day (inserted_at) and drops partitions older than 72 hours;
-- here it is one table and the local Realtime server deletes rows older than that.
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone not null default now(),
  inserted_at timestamp without time zone not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;

alter table realtime.messages enable row level security;
alter table realtime.messages owner to supabase_realtime_admin;
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;

-- The topic being authorized, for policies on realtime.messages.
create or replace function realtime.topic() returns text
language sql stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;

-- Broadcasts a message to a topic from SQL. Security invoker, as on Supabase: the insert runs under
-- the caller's RLS on realtime.messages, and any failure is a warning, never an error.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
set search_path = ''
as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;

    execute format('set local realtime.topic to %L', topic);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

-- For row triggers: broadcasts the change of a row as {operation, table, schema, record, old_record}.
create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'
)
returns void
language plpgsql
set search_path = ''
as $$
declare
  row_data jsonb := '{}'::jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
    row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation, 'table', table_name, 'schema', table_schema);
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception
  when others then
    raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

-- Local delivery. Supabase Realtime reads committed rows of realtime.messages from the WAL and
-- broadcasts every one that has an event, a private flag and a payload. Locally a NOTIFY in the
-- inserting transaction does that job: Postgres delivers it only on commit, in commit order, and
-- never for a rolled-back transaction. Small messages travel whole; larger ones by id, which the
-- server reads back. (Authorization probes carry no event and are never sent.)
create or replace function realtime.local_notify_message() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  note text;
begin
  if new.event is null or new.payload is null or new.private is null then
    return null;
  end if;
  note := json_build_object('id', new.id, 'inserted_at', new.inserted_at, 'topic', new.topic, 'event', new.event, 'private', new.private, 'payload', new.payload)::text;
  if octet_length(note) > 7000 then
    note := json_build_object('id', new.id, 'inserted_at', new.inserted_at)::text;
  end if;
  perform pg_notify('realtime:local_messages', note);
  return null;
end;
$$;
comment on function realtime.local_notify_message() is
  'Local stack only: hands committed broadcasts to the local Realtime server (Supabase reads the WAL instead).';

drop trigger if exists local_notify_message on realtime.messages;
create trigger local_notify_message after insert on realtime.messages
  for each row execute function realtime.local_notify_message();

alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text) owner to supabase_realtime_admin;
alter function realtime.local_notify_message() owner to supabase_realtime_admin;
grant execute on all functions in schema realtime to postgres, anon, authenticated, service_role;
