-- Security invariants for every exposed schema, checked over the whole catalog so a new table
-- or function cannot slip past them: RLS on and at least one policy on every table, no
-- security-definer function without a fixed search_path, nothing executable that the API
-- roles should not reach.
begin;
select plan(4);

select is(
  array(
    select format('%I.%I', n.nspname, c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'graphql_public') and c.relkind in ('r', 'p') and not c.relrowsecurity
    order by 1
  ),
  '{}'::text[],
  'every table in an exposed schema has row-level security enabled'
);

select is(
  array(
    select format('%I.%I', n.nspname, c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'graphql_public') and c.relkind in ('r', 'p')
      and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
    order by 1
  ),
  '{}'::text[],
  'every table in an exposed schema has at least one policy'
);

select is(
  array(
    select format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where p.prosecdef
      and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'extensions', 'cron', 'realtime', 'storage', 'graphql', 'vault', 'pgbouncer')
      and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) cfg where cfg like 'search_path=%')
    order by 1
  ),
  '{}'::text[],
  'every security-definer function of the project sets a fixed search_path'
);

select is(
  array(
    select format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where p.prosecdef and n.nspname in ('public', 'graphql_public')
    order by 1
  ),
  '{}'::text[],
  'no security-definer function lives in an exposed schema (they belong in private)'
);

select * from finish();
rollback;
