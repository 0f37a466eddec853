-- Shared helpers for the pgTAP suites. pg_prove runs files in alphabetical order, so this one
-- runs first and installs a `tests` schema that later files use. Unlike the suites it is not
-- rolled back: everything here is idempotent (`if not exists` / `create or replace`), so
-- re-running against the same database is safe.
--
-- pgTAP itself: `supabase test db` enables it before running the files; the local stack does
-- not, so install it here (a no-op where it already exists).
set client_min_messages = warning;
create extension if not exists pgtap with schema extensions;

begin;

select plan(1);

create schema if not exists tests;
comment on schema tests is 'pgTAP helpers: create auth users, act as them, report outcomes and probe Realtime topics. Test databases only; never part of a migration.';

-- A sign-up as Supabase Auth would write it. The on_auth_user_created trigger then makes the
-- profile, so a refused role raises here just as a real sign-up would fail.
create or replace function tests.create_user(email text, role text default 'customer')
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  user_id uuid := gen_random_uuid();
begin
  -- Only columns that both GoTrue's auth.users and the local stack's copy have.
  insert into auth.users (id, email, raw_user_meta_data, raw_app_meta_data, aud, role, created_at, updated_at)
  values (
    user_id,
    create_user.email,
    jsonb_build_object('role', create_user.role),
    jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')),
    'authenticated',
    'authenticated',
    now(),
    now()
  );
  return user_id;
end
$$;
comment on function tests.create_user(text, text) is
  'Inserts an auth user whose sign-up metadata asks for the given role (null: no role); returns its id. Call as the database owner.';

-- Security invoker on purpose: `role` set inside a security definer function would be undone
-- on return. Both settings are transaction-local, so they end with the test's rollback.
create or replace function tests.authenticate_as(user_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'authenticated', true);
  perform set_config(
    'request.jwt.claims',
    jsonb_build_object('sub', user_id, 'role', 'authenticated', 'aud', 'authenticated')::text,
    true
  );
end
$$;
comment on function tests.authenticate_as(uuid) is
  'Acts as the given signed-in user until the transaction ends: role authenticated, JWT claims with sub = user_id.';

create or replace function tests.authenticate_as_anon()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', jsonb_build_object('role', 'anon')::text, true);
end
$$;
comment on function tests.authenticate_as_anon() is
  'Acts as a signed-out API caller until the transaction ends: role anon, no sub claim.';

create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'postgres', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;
comment on function tests.clear_authentication() is
  'Back to the database owner (role postgres) with no JWT claims.';

-- A point for fixtures, as the geography columns store it.
create or replace function tests.point(lng double precision, lat double precision)
returns extensions.geography
language sql immutable
set search_path = ''
as $$
  select extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography
$$;
comment on function tests.point(double precision, double precision) is
  'The WGS 84 point at (lng, lat) as a geography, for fixture locations.';

-- Row-level security refuses updates and deletes silently (0 rows, no error): this counts them.
create or replace function tests.rows_affected(statement text)
returns bigint
language plpgsql
as $$
declare
  n bigint;
begin
  execute statement;
  get diagnostics n = row_count;
  return n;
end
$$;
comment on function tests.rows_affected(text) is
  'Runs the statement as the current role and returns how many rows it changed.';

-- The personas of a suite live in its own temporary table `personas (name, id)` (gone at the
-- suite's rollback), so SQL strings handed to pgTAP can look ids up by name. This makes one: a
-- sign-up as <name>@<suite>.test (underscores as hyphens) asking for the role; 'admin', which no
-- sign-up may ask for, signs up as a customer and is then promoted, as in Studio.
create or replace function tests.add_persona(suite text, name text, role text, status text default 'active')
returns void
language plpgsql
set search_path = ''
as $$
declare
  user_id uuid;
begin
  if to_regclass('pg_temp.personas') is null then
    create temp table personas (name text primary key, id uuid not null);
    grant select on pg_temp.personas to anon, authenticated, service_role;
  end if;
  user_id := tests.create_user(
    replace(add_persona.name, '_', '-') || '@' || add_persona.suite || '.test',
    case when add_persona.role = 'admin' then 'customer' else add_persona.role end
  );
  if add_persona.role = 'admin' then
    update public.profiles p set role = 'admin' where p.id = user_id;
  end if;
  if add_persona.status <> 'active' then
    update public.profiles p set status = add_persona.status::public.account_status where p.id = user_id;
  end if;
  insert into pg_temp.personas (name, id) values (add_persona.name, user_id);
end
$$;
comment on function tests.add_persona(text, text, text, text) is
  'Signs up the persona <name>@<suite>.test with the role (admin: promoted after sign-up) and status, and adds it to the suite''s temporary personas table.';

-- These act as the personas by name ('anonymous' is a signed-out caller) and report how a
-- statement ended.
create or replace function tests.sign_in(persona text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  user_id uuid;
begin
  if persona = 'anonymous' then
    perform tests.authenticate_as_anon();
    return;
  end if;
  execute 'select id from pg_temp.personas where name = $1' into user_id using persona;
  if user_id is null then
    raise exception 'no persona %', persona;
  end if;
  perform tests.authenticate_as(user_id);
end
$$;
comment on function tests.sign_in(text) is
  'Acts as the persona of that name in the suite''s temporary personas table (or anonymous) until the transaction ends.';

-- An error as the API reports it: '<HTTP status> <code>' for a refusal (SQLSTATE PGRST, see
-- private.refuse), or the SQLSTATE of any other error (22023: bad input, 42501: no privilege).
create or replace function tests.error_text(state text, message text, detail text)
returns text
language sql immutable
set search_path = ''
as $$
  select case when state = 'PGRST' then (detail::jsonb ->> 'status') || ' ' || (message::jsonb ->> 'code') else state end
$$;
comment on function tests.error_text(text, text, text) is
  'An error as the API reports it: ''<status> <code>'' for a PGRST refusal, else the SQLSTATE.';

-- No search_path of its own: the statement runs as the suite wrote it.
create or replace function tests.outcome(statement text)
returns text
language plpgsql
as $$
declare
  state text;
  message text;
  detail text;
begin
  execute statement;
  return 'ok';
exception when others then
  get stacked diagnostics state = returned_sqlstate, message = message_text, detail = pg_exception_detail;
  return tests.error_text(state, message, detail);
end
$$;
comment on function tests.outcome(text) is
  'Runs the statement as the current role: ''ok'', or the error as tests.error_text gives it (the statement rolled back, as the API would).';

create or replace function tests.outcome_as(persona text, statement text)
returns text
language plpgsql
as $$
declare
  result text;
begin
  perform tests.sign_in(persona);
  result := tests.outcome(statement);
  perform tests.clear_authentication();
  return result;
end
$$;
comment on function tests.outcome_as(text, text) is
  'tests.outcome signed in as the persona; back to the database owner afterwards either way.';

-- Realtime's read check for a private channel, as the local server and Supabase Realtime make
-- it: a probe row for the topic, inserted by the
-- database owner, read back as the persona with realtime.topic set. Everything is undone. Null
-- when the policy raised (Realtime denies then, but a test expecting false must see it).
create or replace function tests.can_receive(persona text, topic text) returns boolean
language plpgsql
as $$
declare
  probe uuid := gen_random_uuid();
  seen boolean;
begin
  begin
    insert into realtime.messages (id, topic, extension) values (probe, topic, 'broadcast');
    perform tests.sign_in(persona);
    perform set_config('realtime.topic', topic, true);
    seen := exists (select 1 from realtime.messages m where m.id = probe);
    raise sqlstate 'TSTUN';
  exception
    when sqlstate 'TSTUN' then null;
    when others then seen := null;
  end;
  return seen;
end
$$;
comment on function tests.can_receive(text, text) is
  'Whether the persona may receive the Realtime topic (its SELECT policies on realtime.messages); null when a policy raised.';

-- Realtime's write check (client broadcast or presence): an insert for the topic as the
-- persona with realtime.topic set; an RLS refusal (42501) is false, any other error null.
create or replace function tests.can_send(persona text, topic text, extension text) returns boolean
language plpgsql
as $$
declare
  allowed boolean;
begin
  begin
    perform tests.sign_in(persona);
    perform set_config('realtime.topic', topic, true);
    begin
      insert into realtime.messages (topic, extension) values (topic, extension);
      allowed := true;
    exception when insufficient_privilege then
      allowed := false;
    end;
    raise sqlstate 'TSTUN';
  exception
    when sqlstate 'TSTUN' then null;
    when others then allowed := null;
  end;
  return allowed;
end
$$;
comment on function tests.can_send(text, text, text) is
  'Whether the persona may broadcast or track presence on the Realtime topic (its INSERT policies); null on any error but a refusal.';

grant usage on schema tests to anon, authenticated;
grant execute on all functions in schema tests to anon, authenticated;

select ok(true, 'test helpers installed');

select * from finish();

commit;
