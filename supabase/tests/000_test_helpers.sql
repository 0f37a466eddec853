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
comment on schema tests is 'pgTAP helpers: create auth users and act as them. Test databases only; never part of a migration.';

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

grant usage on schema tests to anon, authenticated;
grant execute on all functions in schema tests to anon, authenticated;

select ok(true, 'test helpers installed');

select * from finish();

commit;
