-- Local-only bootstrap: makes a plain PostgreSQL 15 cluster look like a Supabase database to
-- the project's migrations. Hosted Supabase and `supabase start` ship all of this in their
-- Postgres image, which is why it lives here and never in supabase/migrations/.

-- The API roles PostgREST switches to, and the login role it connects as.
do $$
declare
  r record;
begin
  for r in select * from (values
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'),
      ('authenticator', 'login noinherit'),
      ('supabase_admin', 'login superuser createdb createrole replication bypassrls'),
      ('supabase_auth_admin', 'login noinherit createrole'),
      ('supabase_storage_admin', 'login noinherit createrole'),
      ('supabase_realtime_admin', 'nologin noinherit'),
      ('supabase_replication_admin', 'login replication'),
      ('supabase_read_only_user', 'login bypassrls'),
      ('dashboard_user', 'nologin createdb createrole replication'),
      ('pgbouncer', 'login')
    ) as t(name, attrs)
  loop
    if not exists (select 1 from pg_roles where rolname = r.name) then
      execute format('create role %I %s', r.name, r.attrs);
    end if;
  end loop;
end $$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant supabase_auth_admin, supabase_storage_admin to postgres;
grant pg_read_all_data to supabase_read_only_user;

-- Schemas Supabase provides.
create schema if not exists extensions;
create schema if not exists auth authorization supabase_auth_admin;
create schema if not exists graphql_public;
grant usage on schema extensions, graphql_public to postgres, anon, authenticated, service_role;
grant usage on schema auth to postgres, anon, authenticated, service_role, dashboard_user;
grant all on schema auth to supabase_auth_admin;

-- Extensions Supabase pre-installs in `extensions`; projects add more with migrations.
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pg_stat_statements with schema extensions;

-- Everything created in public is reachable by the API roles; RLS is the boundary, as on Supabase.
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions grant all on functions to postgres, anon, authenticated, service_role;

alter database postgres set search_path = "$user", public, extensions;
alter role authenticator set statement_timeout = '8s';
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
