-- Security invariants for every exposed schema, checked over the whole catalog so a new table
-- or function cannot slip past them: RLS on and at least one policy on every table, no
-- security-definer function without a fixed search_path, nothing executable that the API
-- roles should not reach; and the schema conventions policies and queries rely on: per-statement
-- auth calls in policies, an index behind every foreign key, a comment on everything.
begin;
select plan(9);

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

select is(
  array(
    select format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('private', 'admin') and has_function_privilege('public', p.oid, 'execute')
    order by 1
  ),
  '{}'::text[],
  'PUBLIC may execute no function in the private and admin schemas (each grants its callers explicitly)'
);

select is(
  array(
    select format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private' and p.prosecdef and has_function_privilege('anon', p.oid, 'execute')
    order by 1
  ),
  -- Only the discovery queries, which bypass RLS so their indexes work and apply the same rules
  -- themselves (see the discovery migration), and the price of a basket before signing in,
  -- which reads stock counts of approved stores only (see the checkout migration).
  array[
    'private.find_nearby_stores(lat double precision, lng double precision, radius_m integer, max_results integer, category store_category, open_now boolean)',
    'private.find_products(query text, lat double precision, lng double precision, radius_m integer, max_results integer)',
    'private.quote_order(store_id uuid, items jsonb, lat double precision, lng double precision)'
  ],
  'anon may execute no security-definer function but the two discovery queries and quote_order'
);

select is(
  array(
    select format('%I.%I: %s', schemaname, tablename, policyname)
    from pg_policies
    where schemaname in ('public', 'graphql_public')
      and regexp_replace(
            coalesce(qual, '') || ' ' || coalesce(with_check, ''),
            '\( SELECT (auth\.(uid|jwt|role)|private\.active_role)\(\) AS \w+\)', '', 'g'
          ) ~ '(auth\.(uid|jwt|role)|private\.active_role)\(\)'
    order by 1
  ),
  '{}'::text[],
  'every policy calls auth.uid(), auth.jwt(), auth.role() and private.active_role() as (select ...), once per statement'
);

select is(
  array(
    select format('%s.%s', c.conrelid::regclass, c.conname)
    from pg_constraint c
    where c.contype = 'f' and c.connamespace in ('public'::regnamespace)
      and not exists (
        select 1 from pg_index i
        where i.indrelid = c.conrelid
          and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
          and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey
      )
    order by 1
  ),
  '{}'::text[],
  'every foreign key in public has an index that starts with its columns'
);

select is(
  array(
    select format('%s %I.%I', case c.relkind when 'v' then 'view' else 'table' end, n.nspname, c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'admin') and c.relkind in ('r', 'p', 'v', 'm')
      and obj_description(c.oid, 'pg_class') is null
    union all
    select format('function %I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private', 'admin')
      and obj_description(p.oid, 'pg_proc') is null
      and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
    order by 1
  ),
  '{}'::text[],
  'every table, view and function of the project has a comment'
);

select * from finish();
rollback;
