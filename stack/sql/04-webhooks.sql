-- Local-only bootstrap: Database Webhooks without pg_net. On Supabase a webhook is a trigger
-- executing `supabase_functions.http_request(url, method, headers, params, timeout_ms)`, which
-- queues the request with pg_net (`net.http_post`/`net.http_get`) and a pg_net background worker
-- sends it after commit. Debian packages no pg_net for PostgreSQL 15, so here `net.http_post` and
-- `net.http_get` queue the request in `net.http_request_queue` (pg_net's table name) and NOTIFY;
-- the stack's listener (stack/lib/webhooks.ts) sends it and records the answer in
-- `net._http_response`, as pg_net does. `supabase_functions.http_request` and
-- `supabase_functions.hooks` have Supabase's names, arguments, payload and grants, so a project's
-- webhook triggers are the same on both.
-- Idempotent: the stack also runs it on databases made before it existed.

create schema if not exists net;
grant usage on schema net to postgres, service_role;

create table if not exists net.http_request_queue (
  id bigserial primary key,
  method text not null check (method in ('GET', 'POST')),
  url text not null,
  headers jsonb not null default '{}',
  body jsonb,
  timeout_milliseconds integer not null default 5000
);
comment on table net.http_request_queue is 'Local stand-in for pg_net: requests waiting for the stack''s listener, which deletes each as it sends it.';

create unlogged table if not exists net._http_response (
  id bigint primary key,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
comment on table net._http_response is 'Local stand-in for pg_net: the answer to each request, by request id; kept 6 hours, as pg_net''s default ttl.';

-- Tells the listener on commit; a request queued while it was down is sent when it starts.
create or replace function net.notify_request_queued() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('net_http_request_queue', new.id::text);
  return null;
end
$$;
comment on function net.notify_request_queued() is 'Local stand-in for pg_net: wakes the stack''s listener when a request is queued.';

drop trigger if exists http_request_queued on net.http_request_queue;
create trigger http_request_queued after insert on net.http_request_queue
  for each row execute function net.notify_request_queued();

-- pg_net percent-encodes each key and value (curl_easy_escape): every UTF-8 byte but A-Z, a-z,
-- 0-9 and "-._~".
create or replace function net.url_encode(value text) returns text
language sql immutable strict
set search_path = ''
as $$
  select coalesce(string_agg(
    case when b between 48 and 57 or b between 65 and 90 or b between 97 and 122 or b in (45, 46, 95, 126)
      then chr(b) else '%' || upper(lpad(to_hex(b), 2, '0')) end, '' order by i), '')
  from (select i, get_byte(convert_to(value, 'UTF8'), i) as b
        from generate_series(0, octet_length(convert_to(value, 'UTF8')) - 1) as i) as bytes
$$;
comment on function net.url_encode(text) is 'Local stand-in for pg_net: percent-encodes a query-string key or value as curl_easy_escape does.';

-- The one queueing step behind net.http_get and net.http_post: params become the URL's query string.
create or replace function net.queue_request(
  method text,
  url text,
  params jsonb,
  headers jsonb,
  body jsonb,
  timeout_milliseconds integer
) returns bigint
language sql
set search_path = ''
as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  select queue_request.method,
    queue_request.url || coalesce(
      (select case when position('?' in queue_request.url) > 0 then '&' else '?' end ||
              string_agg(net.url_encode(key) || '=' || net.url_encode(value), '&')
       from jsonb_each_text(coalesce(queue_request.params, '{}'::jsonb))), ''),
    coalesce(queue_request.headers, '{}'::jsonb),
    queue_request.body,
    coalesce(queue_request.timeout_milliseconds, 5000)
  returning id
$$;
comment on function net.queue_request(text, text, jsonb, jsonb, jsonb, integer) is 'Local stand-in for pg_net: queues one request (params URL-encoded into the query string) for the stack''s listener; returns its id.';

create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql security definer
set search_path = ''
as $$
  select net.queue_request('POST', url, params, headers, body, timeout_milliseconds)
$$;
comment on function net.http_post(text, jsonb, jsonb, jsonb, integer) is 'Local stand-in for pg_net''s net.http_post: queues a JSON POST sent after commit; returns the request id.';

create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql security definer
set search_path = ''
as $$
  select net.queue_request('GET', url, params, headers, null, timeout_milliseconds)
$$;
comment on function net.http_get(text, jsonb, jsonb, integer) is 'Local stand-in for pg_net''s net.http_get: queues a GET sent after commit; returns the request id.';

revoke all on function net.url_encode(text), net.queue_request(text, text, jsonb, jsonb, jsonb, integer) from public;
revoke all on function net.http_post(text, jsonb, jsonb, jsonb, integer), net.http_get(text, jsonb, jsonb, integer) from public;
grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer), net.http_get(text, jsonb, jsonb, integer) to postgres, service_role;

create schema if not exists supabase_functions;
grant usage on schema supabase_functions to postgres, anon, authenticated, service_role;

create table if not exists supabase_functions.hooks (
  id bigserial primary key,
  hook_table_id integer not null,
  hook_name text not null,
  created_at timestamptz not null default now(),
  request_id bigint
);
create index if not exists supabase_functions_hooks_request_id_idx on supabase_functions.hooks (request_id);
create index if not exists supabase_functions_hooks_h_table_id_h_name_idx on supabase_functions.hooks (hook_table_id, hook_name);
comment on table supabase_functions.hooks is 'Supabase Functions Hooks: Audit trail for triggered hooks.';

-- Arguments as the dashboard writes them: url, method, headers (JSON), params (JSON), timeout (ms).
-- A POST carries {type, table, schema, record, old_record}.
create or replace function supabase_functions.http_request() returns trigger
language plpgsql security definer
set search_path = supabase_functions
as $$
declare
  request_id bigint;
  url text := tg_argv[0];
  method text := tg_argv[1];
  headers jsonb := '{"Content-Type": "application/json"}'::jsonb;
  params jsonb := '{}'::jsonb;
  timeout_ms integer := 1000;
begin
  if url is null or url = 'null' then
    raise exception 'url argument is missing';
  end if;
  if method is null or method = 'null' then
    raise exception 'method argument is missing';
  end if;
  if tg_argv[2] is not null and tg_argv[2] <> 'null' then headers := tg_argv[2]::jsonb; end if;
  if tg_argv[3] is not null and tg_argv[3] <> 'null' then params := tg_argv[3]::jsonb; end if;
  if tg_argv[4] is not null and tg_argv[4] <> 'null' then timeout_ms := tg_argv[4]::integer; end if;

  if method = 'GET' then
    request_id := net.http_get(url, params, headers, timeout_ms);
  elsif method = 'POST' then
    request_id := net.http_post(
      url,
      jsonb_build_object(
        'old_record', case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end,
        'record', case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end,
        'type', tg_op,
        'table', tg_table_name,
        'schema', tg_table_schema
      ),
      params, headers, timeout_ms);
  else
    raise exception 'method argument % is invalid', method;
  end if;

  insert into supabase_functions.hooks (hook_table_id, hook_name, request_id) values (tg_relid, tg_name, request_id);
  return coalesce(new, old);
end
$$;
comment on function supabase_functions.http_request() is 'Database Webhook trigger (Supabase''s signature): sends the changed row to a URL after commit.';
revoke all on function supabase_functions.http_request() from public;
grant execute on function supabase_functions.http_request() to postgres, anon, authenticated, service_role;
