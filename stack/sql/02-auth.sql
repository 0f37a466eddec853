-- Local-only, run after @supabase/lite has created its GoTrue-shaped `auth` tables.

-- Supabase's own definitions: they read the single claim PostgREST sets and fall back to the
-- full claims object, which is what pgTAP tests set with `request.jwt.claims`.
create or replace function auth.uid() returns uuid
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to public;

-- @supabase/lite 0.10 writes user and app metadata as a JSON string inside jsonb, where GoTrue
-- writes an object, so `raw_user_meta_data ->> 'role'` would be null in triggers. Unwrap it
-- before any other trigger sees the row.
create or replace function auth.local_unwrap_metadata() returns trigger
language plpgsql as $$
begin
  if jsonb_typeof(new.raw_user_meta_data) = 'string' then
    new.raw_user_meta_data := (new.raw_user_meta_data #>> '{}')::jsonb;
  end if;
  if jsonb_typeof(new.raw_app_meta_data) = 'string' then
    new.raw_app_meta_data := (new.raw_app_meta_data #>> '{}')::jsonb;
  end if;
  return new;
end $$;

drop trigger if exists "0_local_unwrap_metadata" on auth.users;
create trigger "0_local_unwrap_metadata" before insert or update on auth.users
  for each row execute function auth.local_unwrap_metadata();

grant all on all tables in schema auth to supabase_auth_admin, dashboard_user;
grant select on all tables in schema auth to postgres with grant option;
