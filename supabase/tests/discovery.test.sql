-- Discovery: public.nearby_stores against a brute-force search over a deterministic random set
-- of stores, public.search_products (typos, synonyms, exclusions, ranking), input validation,
-- and the helpers private.search_normalize / private.search_terms. Uses the helpers from
-- 000_test_helpers.sql. Nothing depends on the wall clock: open stores have all-day hours,
-- closed ones have no hours or a temporary closure without (or with a far-future) reopening.
begin;

select plan(249);

-- Who is who.
select tests.add_persona('discovery', name, role, status) from (values
  ('customer',   'customer', 'active'),
  ('merchant',   'merchant', 'active'),
  ('bulk',       'merchant', 'active'),
  ('suspended',  'customer', 'suspended')
) as p(name, role, status);

-- Every day 00:00 to 24:00: open whatever the wall clock says.
create temp table all_day (hours jsonb not null);
insert into all_day values (
  '{"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]],
    "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]],
    "sun": [["00:00", "24:00"]]}'
);

-- ---------------------------------------------------------------------------------------------
-- Fixture: ~300 random stores around (18.52, 73.85), deterministic through setseed
-- ---------------------------------------------------------------------------------------------
select setseed(0.42);

create temp table random_draws as
select i,
       random() as r_angle, random() as r_dist, random() as r_radius, random() as r_category,
       random() as r_status, random() as r_hours, random() as r_prep, random() as r_rating
from generate_series(1, 300) as i
order by i;

insert into public.stores (owner_id, name, category, address, location, delivery_radius_m,
                           opening_hours, temporarily_closed, reopens_at, preparation_minutes,
                           status, approved_at, rating)
select (select id from personas where name = 'bulk'),
       'Random Store ' || d.i,
       (enum_range(null::public.store_category))[1 + floor(d.r_category * 8)::integer],
       'Plot ' || d.i || ', Pune',
       extensions.st_project(
         tests.point(73.85, 18.52),
         6000 * sqrt(d.r_dist), 2 * pi() * d.r_angle
       ),
       500 + floor(d.r_radius * 4501)::integer,
       case when d.r_hours < 0.70 or d.r_hours >= 0.85 then (select hours from all_day) else '{}'::jsonb end,
       d.r_hours >= 0.85,
       case when d.r_hours >= 0.90 and d.r_hours < 0.95 then timestamptz '2999-01-01 00:00+05:30'
            when d.r_hours >= 0.95 then timestamptz '2000-01-01 00:00+05:30' end,
       5 + floor(d.r_prep * 26)::integer,
       case when d.r_status < 0.80 then 'approved' when d.r_status < 0.90 then 'pending' else 'suspended' end::public.store_status,
       case when d.r_status < 0.80 or d.r_status >= 0.90 then now() - interval '30 days' end,
       case when d.r_rating < 0.3 then null else round((3 + 2 * d.r_rating)::numeric, 1) end
from random_draws d
order by d.i;

-- ---------------------------------------------------------------------------------------------
-- Fixture: search stores around (18.60, 73.74), about 14 km from the random ones
-- ---------------------------------------------------------------------------------------------
create temp table fixture_stores (key text primary key, id uuid not null);
grant select on fixture_stores to anon, authenticated;

with v (key, persona, status, hours_open, temporarily_closed, reopens_at, metres, delivery_radius_m) as (
  values
    ('near', 'bulk', 'approved', true, false, null::timestamptz, 300, 3000),
    ('far', 'bulk', 'approved', true, false, null, 1500, 3000),
    ('no_hours', 'bulk', 'approved', false, false, null, 200, 3000),
    ('closed_until_reopened', 'bulk', 'approved', true, true, null, 250, 3000),
    ('closed_until_later', 'bulk', 'approved', true, true, timestamptz '2999-01-01 00:00+05:30', 260, 3000),
    ('reopened', 'bulk', 'approved', true, true, timestamptz '2000-01-01 00:00+05:30', 1200, 3000),
    ('pending', 'merchant', 'pending', true, false, null, 220, 3000),
    ('suspended', 'bulk', 'suspended', true, false, null, 230, 3000),
    ('short_reach', 'bulk', 'approved', true, false, null, 1400, 1000)
),
ins as (
  insert into public.stores (owner_id, name, address, location, delivery_radius_m, opening_hours,
                             temporarily_closed, reopens_at, status, approved_at, preparation_minutes)
  select p.id, 'Search Store ' || v.key, 'Search Store ' || v.key || ', Hinjewadi, Pune',
         extensions.st_project(
           tests.point(73.74, 18.60),
           v.metres, 0
         ),
         v.delivery_radius_m,
         case when v.hours_open then (select hours from all_day) else '{}'::jsonb end,
         v.temporarily_closed, v.reopens_at, v.status::public.store_status,
         case when v.status <> 'pending' then now() - interval '30 days' end,
         12
  from v join personas p on p.name = v.persona
  returning id, name
)
insert into fixture_stores (key, id) select v.key, ins.id from ins join v on ins.name = 'Search Store ' || v.key;

create temp table fixture_products (key text primary key, id uuid not null);
grant select on fixture_products to anon, authenticated;

with v (key, store, sku, name, category, stock, is_active, description) as (
  values
    ('tomatillo', 'near', 'TMTL', 'Tomatillo', 'Vegetables', 10, true, ''),
    ('atta', 'near', 'ATTA', 'Aashirvaad Atta', 'Staples', 10, true, ''),
    ('potato', 'near', 'POTA', 'Potato', 'Vegetables', 10, true, ''),
    ('onion', 'near', 'ONIO', 'Onion', 'Vegetables', 10, true, ''),
    ('curd', 'near', 'CURD', 'Curd', 'Milk', 10, true, ''),
    ('amul_dahi', 'near', 'ADAH', 'Amul Dahi', 'Milk', 10, true, ''),
    ('amul_butter', 'near', 'ABUT', 'Amul Butter', 'Milk', 10, true, ''),
    ('aloo_bhujia', 'near', 'ALBH', 'Aloo Bhujia', 'Namkeen', 10, true, ''),
    ('kanda_masala', 'near', 'KLMS', 'Kanda Lasun Masala', 'Spices', 10, true, ''),
    ('bhel', 'near', 'BHEL', 'Bhel Mix', 'Namkeen', 10, true, 'Puffed rice and sev, add onion and chutney.'),
    ('batata_chivda', 'near', 'BTCH', 'Upvas Batata Chivda', 'Namkeen', 10, true, ''),
    ('buttermilk', 'near', 'ABML', 'Amul Masti Buttermilk', 'Milk', 10, true, ''),
    ('paneer', 'near', 'PNER', 'Fresh Paneer', 'Milk', 10, true, ''),
    ('saffron_near', 'near', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_out_of_stock', 'near', 'SAF2', 'Saffron Strands', 'Spices', 0, true, ''),
    ('saffron_inactive', 'near', 'SAF3', 'Saffron Strands', 'Spices', 5, false, ''),
    ('tomato', 'far', 'TMTO', 'Tomato', 'Vegetables', 10, true, ''),
    ('saffron_far', 'far', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_no_hours', 'no_hours', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_closed_until_reopened', 'closed_until_reopened', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_closed_until_later', 'closed_until_later', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_reopened', 'reopened', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_pending', 'pending', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_suspended', 'suspended', 'SAF1', 'Saffron Strands', 'Spices', 5, true, ''),
    ('saffron_short_reach', 'short_reach', 'SAF1', 'Saffron Strands', 'Spices', 5, true, '')
),
ins as (
  insert into public.products (store_id, sku, name, category, unit, price_paise, stock, is_active, description)
  select s.id, v.sku, v.name, v.category, '1 pack', 4900, v.stock, v.is_active, v.description
  from v join fixture_stores s on s.key = v.store
  returning id, store_id, sku
)
insert into fixture_products (key, id)
select v.key, ins.id from ins join fixture_stores s on s.id = ins.store_id join v on v.store = s.key and v.sku = ins.sku;

-- The brute-force reference: every approved store the customer is within radius_m and within
-- the store's own delivery radius of, optionally of one category and open now, nearest first.
create function pg_temp.brute_nearby(
  lat double precision, lng double precision, radius_m integer, max_results integer,
  category public.store_category, open_now boolean
) returns setof uuid
language sql stable
as $$
  select s.id
  from public.stores s
  cross join lateral (
    -- On the sphere, as nearby_stores measures (its GiST index orders by sphere distance).
    select extensions.st_distance(s.location, tests.point(lng, lat), false) as d
  ) x
  where s.status = 'approved'
    and x.d <= radius_m
    and x.d <= s.delivery_radius_m
    and (brute_nearby.category is null or s.category = brute_nearby.category)
    and (not open_now or public.is_open(s))
  order by x.d, s.id
  limit max_results
$$;

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select has_function('public', 'nearby_stores',
  array['double precision', 'double precision', 'integer', 'integer', 'store_category', 'boolean'],
  'public.nearby_stores(lat, lng, radius_m, max_results, category, open_now) exists');
select is(
  pg_get_function_arguments('public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean)'::regprocedure),
  'lat double precision, lng double precision, radius_m integer DEFAULT 3000, max_results integer DEFAULT 20, category store_category DEFAULT NULL::store_category, open_now boolean DEFAULT true',
  'nearby_stores takes lat and lng, then radius_m 3000, max_results 20, category null and open_now true by default'
);
select is(
  pg_get_function_result('public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean)'::regprocedure),
  'SETOF nearby_store',
  'nearby_stores returns a set of public.nearby_store rows'
);
select has_function('public', 'search_products',
  array['text', 'double precision', 'double precision', 'integer', 'integer'],
  'public.search_products(query, lat, lng, radius_m, max_results) exists');
select is(
  pg_get_function_arguments('public.search_products(text, double precision, double precision, integer, integer)'::regprocedure),
  'query text, lat double precision, lng double precision, radius_m integer DEFAULT 3000, max_results integer DEFAULT 20',
  'search_products takes query, lat and lng, then radius_m 3000 and max_results 20 by default'
);
select ok(
  has_function_privilege('anon', 'public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean)', 'execute')
    and has_function_privilege('authenticated', 'public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean)', 'execute'),
  'anon and authenticated may execute nearby_stores'
);
select ok(
  has_function_privilege('anon', 'public.search_products(text, double precision, double precision, integer, integer)', 'execute')
    and has_function_privilege('authenticated', 'public.search_products(text, double precision, double precision, integer, integer)', 'execute'),
  'anon and authenticated may execute search_products'
);
select ok(
  not exists (
    select 1 from pg_proc p, aclexplode(p.proacl) a
    where p.oid in ('public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean)'::regprocedure,
                    'public.search_products(text, double precision, double precision, integer, integer)'::regprocedure)
      and a.grantee = 0
  ),
  'PUBLIC has no execute grant on the discovery functions'
);
select is(
  (select relrowsecurity from pg_class where oid = 'public.search_synonyms'::regclass),
  true,
  'RLS is enabled on public.search_synonyms'
);
select policies_are('public', 'search_synonyms', array['Anyone reads the search synonyms'],
  'public.search_synonyms has exactly the policy "Anyone reads the search synonyms"');
select policy_cmd_is('public', 'search_synonyms', 'Anyone reads the search synonyms', 'select',
  'the synonyms policy is for select');
select policy_roles_are('public', 'search_synonyms', 'Anyone reads the search synonyms', array['anon', 'authenticated'],
  'the synonyms policy applies to anon and authenticated');
select ok(
  not has_table_privilege('anon', 'public.search_synonyms', 'INSERT')
    and not has_table_privilege('authenticated', 'public.search_synonyms', 'UPDATE')
    and not has_table_privilege('authenticated', 'public.search_synonyms', 'DELETE'),
  'the API roles cannot change the search synonyms'
);
select matches(
  pg_get_indexdef('public.stores_open_location_idx'::regclass),
  'USING gist \(location, private\.opening_daily\(opening_week\)\) WHERE \(status = ''approved''',
  'approved stores are indexed by place and by the minutes of the day they open'
);
select index_is_type('public', 'stores', 'stores_open_location_idx', 'gist',
  'the stores.location index is a GiST index');
select is(
  (select relrowsecurity from pg_class where oid = 'private.search_vocabulary'::regclass),
  true,
  'RLS is enabled on private.search_vocabulary'
);
select ok(
  not has_table_privilege('anon', 'private.search_vocabulary', 'SELECT')
    and not has_table_privilege('authenticated', 'private.search_vocabulary', 'SELECT')
    and not has_table_privilege('authenticated', 'private.search_vocabulary', 'INSERT'),
  'the API roles can neither read nor write the search vocabulary'
);
select has_index('public', 'products', 'products_sku_unique_per_store', array['store_id', 'sku'],
  'products are found by store first (search reads one store''s products at a time)');

-- ---------------------------------------------------------------------------------------------
-- The fixture is meaningful
-- ---------------------------------------------------------------------------------------------
select is((select count(*) from public.stores where name like 'Random Store %'), 300::bigint,
  'the random fixture has 300 stores');
select ok(
  (select count(*) filter (where status = 'pending') > 0 and count(*) filter (where status = 'suspended') > 0
     and count(*) filter (where status = 'approved' and not public.is_open(s)) > 0
     and count(*) filter (where status = 'approved' and temporarily_closed and reopens_at < now()) > 0
   from public.stores s where name like 'Random Store %'),
  'the random fixture has pending, suspended, closed and reopened stores'
);
select ok(
  (select count(*) from pg_temp.brute_nearby(18.52, 73.85, 8000, 100, null, false)) > 20,
  'more than 20 stores deliver to the centre within 8 km, so the default limit is exercised'
);

-- ---------------------------------------------------------------------------------------------
-- nearby_stores against the brute force (as the owner)
-- ---------------------------------------------------------------------------------------------
create temp table nearby_cases as
select row_number() over (order by p.n, r.radius_m, v.n) as n,
       p.lat, p.lng, r.radius_m, v.max_results, v.category, v.open_now
from (values (1, 18.52::double precision, 73.85::double precision), (2, 18.535, 73.872),
             (3, 18.49, 73.83), (4, 18.565, 73.90)) as p (n, lat, lng)
cross join (values (1000), (3000), (8000)) as r (radius_m)
cross join (values (1, 20, null::public.store_category, true), (2, 100, null, false),
                   (3, 20, 'grocery', true), (4, 100, 'fruits_vegetables', false),
                   (5, 5, null, true), (6, 100, 'dairy', true)) as v (n, max_results, category, open_now);

select results_eq(
  format('select id from public.nearby_stores(%s, %s, %s, %s, %L, %L)',
         c.lat, c.lng, c.radius_m, c.max_results, c.category, c.open_now),
  format('select * from pg_temp.brute_nearby(%s, %s, %s, %s, %L, %L)',
         c.lat, c.lng, c.radius_m, c.max_results, c.category, c.open_now),
  format('nearby_stores at (%s, %s) within %s m, %s, %s, at most %s, returns the brute-force stores in order',
         c.lat, c.lng, c.radius_m, coalesce('category ' || c.category, 'any category'),
         case when c.open_now then 'open only' else 'open or closed' end, c.max_results)
)
from nearby_cases c
order by c.n;

select results_eq(
  'select id from public.nearby_stores(18.52, 73.85)',
  'select * from pg_temp.brute_nearby(18.52, 73.85, 3000, 20, null, true)',
  'nearby_stores with only lat and lng searches 3000 m, open stores of any category, at most 20'
);

create temp table centre_all as
select *
from public.nearby_stores(18.52, 73.85, 8000, 100, null, false) with ordinality as n;
grant select on centre_all to anon, authenticated;

select is_empty(
  $$select 1 from centre_all n join public.stores s on s.id = n.id
    where n.distance_m <> extensions.st_distance(s.location, tests.point(73.85, 18.52), false)$$,
  'distance_m is the sphere st_distance from the customer to the store'
);
select is_empty(
  $$select 1 from centre_all n join public.stores s on s.id = n.id
    where n.eta_minutes <> s.preparation_minutes + ceil(n.distance_m * 1.3 / 300)::integer$$,
  'eta_minutes is the preparation time plus the ride at 300 m a minute over 1.3 times the distance'
);
select is_empty(
  $$select 1 from centre_all n join public.stores s on s.id = n.id
    where n.is_open is distinct from public.is_open(s) or n.name <> s.name or n.category <> s.category
       or n.rating is distinct from s.rating$$,
  'is_open, name, category and rating agree with the store'
);
select is(
  (select count(*) from centre_all where ordinality > 1
     and distance_m < (select c2.distance_m from centre_all c2 where c2.ordinality = centre_all.ordinality - 1)),
  0::bigint,
  'nearby_stores rows come nearest first by their own distance_m'
);
select is_empty(
  $$select 1 from nearby_cases c
    cross join lateral public.nearby_stores(c.lat, c.lng, c.radius_m, c.max_results, c.category, c.open_now) n
    join public.stores s on s.id = n.id
    where s.status <> 'approved'$$,
  'pending and suspended stores never appear in nearby_stores'
);
select is_empty(
  $$select 1 from nearby_cases c
    cross join lateral public.nearby_stores(c.lat, c.lng, c.radius_m, c.max_results, c.category, c.open_now) n
    join public.stores s on s.id = n.id
    where c.open_now and not public.is_open(s)$$,
  'closed stores never appear when open_now is true'
);
select ok(
  exists (select 1 from centre_all n join public.stores s on s.id = n.id
          where not n.is_open and s.opening_hours = '{}'::jsonb)
    and exists (select 1 from centre_all n join public.stores s on s.id = n.id
                where not n.is_open and s.temporarily_closed and s.reopens_at is null)
    and exists (select 1 from centre_all n join public.stores s on s.id = n.id
                where not n.is_open and s.temporarily_closed and s.reopens_at > now()),
  'with open_now false, stores without hours or temporarily closed appear, flagged is_open false'
);
select ok(
  exists (select 1 from centre_all n join public.stores s on s.id = n.id
          where n.is_open and s.temporarily_closed and s.reopens_at < now()),
  'a store whose temporary closure has ended appears as open'
);
select is((select count(*) from public.nearby_stores(18.52, 73.85, 8000, 5, null, false)), 5::bigint,
  'max_results 5 returns five stores');
select is((select count(*) from public.nearby_stores(18.52, 73.85, 8000, 1, null, false)), 1::bigint,
  'max_results 1 returns one store');
select is((select count(*) from public.nearby_stores(18.52, 73.85, 8000)), 20::bigint,
  'the default max_results returns twenty stores when more qualify');
select is((select count(*) from public.nearby_stores(18.52, 73.85, 0, 100, null, false)), 0::bigint,
  'radius_m 0 finds no store (none is exactly at the customer)');

-- At the search fixture: the closed, pending, suspended and short-reach stores by name.
select results_eq(
  $$select id from public.nearby_stores(18.60, 73.74, 3000, 100, null, true)$$,
  $$select id from fixture_stores where key in ('near', 'reopened', 'far') order by array_position(array['near', 'reopened', 'far'], key)$$,
  'at Hinjewadi only the open, approved stores that reach the customer are listed, nearest first'
);
select results_eq(
  $$select id, is_open from public.nearby_stores(18.60, 73.74, 3000, 100, null, false)$$,
  $$select f.id, f.key in ('near', 'reopened', 'far') from fixture_stores f
    where f.key in ('no_hours', 'closed_until_reopened', 'closed_until_later', 'near', 'reopened', 'far')
    order by array_position(array['no_hours', 'closed_until_reopened', 'closed_until_later', 'near', 'reopened', 'far'], f.key)$$,
  'with open_now false the closed Hinjewadi stores appear too, flagged closed, and pending, suspended and short-reach ones still do not'
);
select results_eq(
  $$select id from public.nearby_stores(18.60, 73.74, 1000, 100, null, true)$$,
  $$select id from fixture_stores where key = 'near'$$,
  'radius_m 1000 leaves out stores farther than 1000 m'
);

-- ---------------------------------------------------------------------------------------------
-- Same rows whoever asks
-- ---------------------------------------------------------------------------------------------
create temp table hinjewadi_all as
select * from public.nearby_stores(18.60, 73.74, 3000, 100, null, false) with ordinality as n;
grant select on hinjewadi_all to anon, authenticated;
create temp table saffron_owner as
select * from public.search_products('saffron', 18.60, 73.74) with ordinality as s;
grant select on saffron_owner to anon, authenticated;

select tests.sign_in('anonymous');
select results_eq(
  'select id, name, category, distance_m, eta_minutes, is_open, rating from public.nearby_stores(18.52, 73.85, 8000, 100, null, false)',
  'select id, name, category, distance_m, eta_minutes, is_open, rating from centre_all order by ordinality',
  'a visitor gets the same nearby stores as the owner'
);
select results_eq(
  'select id, is_open from public.nearby_stores(18.60, 73.74, 3000, 100, null, false)',
  'select id, is_open from hinjewadi_all order by ordinality',
  'a visitor gets the same Hinjewadi stores as the owner'
);
select results_eq(
  $$select product_id, store_id, distance_m, rank from public.search_products('saffron', 18.60, 73.74)$$,
  'select product_id, store_id, distance_m, rank from saffron_owner order by ordinality',
  'a visitor gets the same search results as the owner'
);

select tests.sign_in('customer');
select results_eq(
  'select id, name, category, distance_m, eta_minutes, is_open, rating from public.nearby_stores(18.52, 73.85, 8000, 100, null, false)',
  'select id, name, category, distance_m, eta_minutes, is_open, rating from centre_all order by ordinality',
  'a signed-in customer gets the same nearby stores as the owner'
);
select results_eq(
  $$select product_id, store_id, distance_m, rank from public.search_products('saffron', 18.60, 73.74)$$,
  'select product_id, store_id, distance_m, rank from saffron_owner order by ordinality',
  'a signed-in customer gets the same search results as the owner'
);

select tests.sign_in('merchant');
select isnt_empty(
  $$select 1 from public.stores where id = (select id from fixture_stores where key = 'pending')$$,
  'the merchant can read their own pending store'
);
select results_eq(
  'select id, is_open from public.nearby_stores(18.60, 73.74, 3000, 100, null, false)',
  'select id, is_open from hinjewadi_all order by ordinality',
  'the merchant gets the same Hinjewadi stores, without their own pending store'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.60, 73.74, 3000, 100)
    where store_id = (select id from fixture_stores where key = 'pending')$$,
  'the merchant does not find products of their own pending store'
);

-- A suspended account reads no stores, so discovery finds it nothing, yet bad input is still a 400.
select tests.sign_in('suspended');
select is_empty('select 1 from public.nearby_stores(18.60, 73.74, 3000, 100, null, false)',
  'a suspended customer finds no stores');
select is_empty($$select 1 from public.search_products('saffron', 18.60, 73.74)$$,
  'a suspended customer finds no products');
select throws_ok('select * from public.nearby_stores(91, 73.74)', '22023', null,
  'a suspended customer''s bad input is still refused');
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- search_products: typos and synonyms
-- ---------------------------------------------------------------------------------------------
select ok(
  exists (select 1 from public.search_products('tomatos', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'tomato')),
  'the typo "tomatos" finds Tomato'
);
select ok(
  exists (select 1 from public.search_products('tometo', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'tomato')),
  'the typo "tometo" finds Tomato'
);
select ok(
  exists (select 1 from public.search_products('atta', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'atta')),
  '"atta" finds Aashirvaad Atta'
);
select ok(
  exists (select 1 from public.search_products('aata', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'atta')),
  '"aata" finds Aashirvaad Atta'
);
select ok(
  exists (select 1 from public.search_products('aloo', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'potato')),
  'the synonym "aloo" finds Potato'
);
select ok(
  exists (select 1 from public.search_products('potato', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'aloo_bhujia')),
  'the synonym works the other way: "potato" finds Aloo Bhujia'
);
select ok(
  exists (select 1 from public.search_products('pyaz', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'onion')),
  'the synonym "pyaz" finds Onion'
);
select ok(
  exists (select 1 from public.search_products('dahi', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'curd')),
  'the synonym "dahi" finds Curd'
);
select ok(
  exists (select 1 from public.search_products('curd', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'amul_dahi')),
  'the synonym works the other way: "curd" finds Amul Dahi'
);
select results_eq(
  $$select product_id from public.search_products('amul dahi', 18.60, 73.74)$$,
  $$select id from fixture_products where key = 'amul_dahi'$$,
  'a two-word query finds only products matching both words (Amul Dahi, not Amul Butter or Curd)'
);
select results_eq(
  $$select product_id from public.search_products('amul curd', 18.60, 73.74)$$,
  $$select id from fixture_products where key = 'amul_dahi'$$,
  'each word of a query may match through a synonym: "amul curd" finds Amul Dahi only'
);
select is_empty(
  $$select 1 from public.search_products('saffron potato', 18.60, 73.74)$$,
  'no product matches both "saffron" and "potato", so nothing is found'
);

-- ---------------------------------------------------------------------------------------------
-- search_products: what is excluded
-- ---------------------------------------------------------------------------------------------
select set_eq(
  $$select product_id from public.search_products('saffron', 18.60, 73.74, 3000, 100)$$,
  $$select id from fixture_products where key in ('saffron_near', 'saffron_reopened', 'saffron_far')$$,
  'saffron is found only in stock, active, in open approved stores that reach the customer'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.60, 73.74, 3000, 100)
    where product_id = (select id from fixture_products where key = 'saffron_out_of_stock')$$,
  'an out-of-stock product is not found'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.60, 73.74, 3000, 100)
    where product_id = (select id from fixture_products where key = 'saffron_inactive')$$,
  'an inactive product is not found'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.60, 73.74, 3000, 100)
    where store_id in (select id from fixture_stores where key in ('no_hours', 'closed_until_reopened', 'closed_until_later'))$$,
  'products of closed stores are not found'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.60, 73.74, 3000, 100)
    where store_id in (select id from fixture_stores where key in ('pending', 'suspended'))$$,
  'products of pending and suspended stores are not found'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.60, 73.74, 3000, 100)
    where store_id = (select id from fixture_stores where key = 'short_reach')$$,
  'products of a store whose delivery radius does not reach the customer are not found'
);
select results_eq(
  $$select product_id from public.search_products('saffron', 18.60, 73.74, 1000, 100)$$,
  $$select id from fixture_products where key = 'saffron_near'$$,
  'radius_m 1000 leaves out products of stores farther than 1000 m'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.52, 73.85, 3000, 100)$$,
  'far from Hinjewadi, no saffron is found'
);

-- ---------------------------------------------------------------------------------------------
-- search_products: ranking and limits
-- ---------------------------------------------------------------------------------------------
select results_eq(
  $$select product_id from public.search_products('tomato', 18.60, 73.74)$$,
  $$select id from fixture_products where key = 'tomato'$$,
  '"tomato" finds Tomato (1500 m) and not Tomatillo (300 m), another fruit'
);
select results_eq(
  $$select product_id from public.search_products('saffron', 18.60, 73.74)$$,
  $$select id from fixture_products where key in ('saffron_near', 'saffron_reopened', 'saffron_far')
    order by array_position(array['saffron_near', 'saffron_reopened', 'saffron_far'], key)$$,
  'equally relevant products rank nearest store first'
);
select ok(
  (select bool_and(rank > 0 and rank <= 1) from public.search_products('saffron', 18.60, 73.74)),
  'ranks are between 0 and 1'
);
select is_empty(
  $$select 1 from public.search_products('saffron', 18.60, 73.74) r join public.stores s on s.id = r.store_id
    where r.distance_m <> extensions.st_distance(s.location, tests.point(73.74, 18.60), false)
       or r.store_name <> s.name or not r.in_stock$$,
  'search results report the store''s name, its sphere st_distance and in_stock true'
);
select results_eq(
  $$select product_id from public.search_products('saffron', 18.60, 73.74, 3000, 1)$$,
  $$select id from fixture_products where key = 'saffron_near'$$,
  'max_results 1 returns only the best result'
);
select is((select count(*) from public.search_products('saffron', 18.60, 73.74, 3000, 2)), 2::bigint,
  'max_results 2 returns two results');

-- ---------------------------------------------------------------------------------------------
-- search_products: ranking order basics (name before synonym before misspelling before
-- description; the product's type before products that merely name it)
-- ---------------------------------------------------------------------------------------------
select results_eq(
  $$select product_id from public.search_products('onion', 18.60, 73.74)$$,
  $$select id from fixture_products where key in ('onion', 'kanda_masala', 'bhel')
    order by array_position(array['onion', 'kanda_masala', 'bhel'], key)$$,
  '"onion": Onion by name, then Kanda Lasun Masala by the synonym kanda, then Bhel Mix by its description'
);
select results_eq(
  $$select product_id from public.search_products('kanda', 18.60, 73.74) limit 1$$,
  $$select id from fixture_products where key = 'onion'$$,
  '"kanda": Onion (an onion) before Kanda Lasun Masala (a masala)'
);
select results_eq(
  $$select product_id from public.search_products('potato', 18.60, 73.74) limit 1$$,
  $$select id from fixture_products where key = 'potato'$$,
  '"potato": Potato before Upvas Batata Chivda and Aloo Bhujia'
);
select results_eq(
  $$select product_id from public.search_products('amul butter', 18.60, 73.74)$$,
  $$select id from fixture_products where key = 'amul_butter'$$,
  '"amul butter" is Amul Butter, not Amul Masti Buttermilk: a word products use is taken as spelt'
);
select results_eq(
  $$select product_id from public.search_products('amul butt', 18.60, 73.74)$$,
  $$select id from fixture_products where key in ('amul_butter', 'buttermilk') order by key = 'buttermilk'$$,
  '"amul butt", a word being typed: Amul Butter, then Amul Masti Buttermilk (both begin with it; the query names more of Amul Butter)'
);
select results_eq(
  $$select product_id from public.search_products('panner', 18.60, 73.74) limit 1$$,
  $$select id from fixture_products where key = 'paneer'$$,
  'the misspelling "panner" finds Fresh Paneer first'
);
select results_eq(
  $$select product_id from public.search_products('tomati', 18.60, 73.74)$$,
  $$select id from fixture_products where key in ('tomatillo', 'tomato') order by key = 'tomato'$$,
  '"tomati": Tomatillo, which it begins, ranks above Tomato, one letter away'
);
select ok(
  (select rank from public.search_products('paneer', 18.60, 73.74) limit 1)
    > (select rank from public.search_products('panner', 18.60, 73.74) limit 1),
  'a misspelling ranks below the word spelt right'
);
select ok(
  (select min(rank) from public.search_products('onion', 18.60, 73.74) where product_id in (select id from fixture_products where key in ('onion', 'kanda_masala')))
    > (select rank from public.search_products('onion', 18.60, 73.74) where product_id = (select id from fixture_products where key = 'bhel')),
  'a description match ranks below every name match'
);
-- ---------------------------------------------------------------------------------------------
-- Bad input: 22023 naming the argument
-- ---------------------------------------------------------------------------------------------
select throws_ok('select * from public.nearby_stores(91, 73.85)', '22023',
  'lat must be between -90 and 90, got 91', 'nearby_stores refuses lat 91');
select throws_ok('select * from public.nearby_stores(-91, 73.85)', '22023',
  'lat must be between -90 and 90, got -91', 'nearby_stores refuses lat -91');
select throws_ok('select * from public.nearby_stores(null, 73.85)', '22023',
  'lat must be between -90 and 90, got null', 'nearby_stores refuses a null lat');
select throws_ok('select * from public.nearby_stores(18.52, 181)', '22023',
  'lng must be between -180 and 180, got 181', 'nearby_stores refuses lng 181');
select throws_ok('select * from public.nearby_stores(18.52, -181)', '22023',
  'lng must be between -180 and 180, got -181', 'nearby_stores refuses lng -181');
select throws_ok('select * from public.nearby_stores(18.52, 73.85, -1)', '22023',
  'radius_m must be between 0 and 50000 metres, got -1', 'nearby_stores refuses radius_m -1');
select throws_ok('select * from public.nearby_stores(18.52, 73.85, 50001)', '22023',
  'radius_m must be between 0 and 50000 metres, got 50001', 'nearby_stores refuses radius_m 50001');
select throws_ok('select * from public.nearby_stores(18.52, 73.85, 3000, 0)', '22023',
  'max_results must be between 1 and 100, got 0', 'nearby_stores refuses max_results 0');
select throws_ok('select * from public.nearby_stores(18.52, 73.85, 3000, 101)', '22023',
  'max_results must be between 1 and 100, got 101', 'nearby_stores refuses max_results 101');

select throws_ok($$select * from public.search_products('atta', 91, 73.74)$$, '22023',
  'lat must be between -90 and 90, got 91', 'search_products refuses lat 91');
select throws_ok($$select * from public.search_products('atta', -91, 73.74)$$, '22023',
  'lat must be between -90 and 90, got -91', 'search_products refuses lat -91');
select throws_ok($$select * from public.search_products('atta', null, 73.74)$$, '22023',
  'lat must be between -90 and 90, got null', 'search_products refuses a null lat');
select throws_ok($$select * from public.search_products('atta', 18.60, 181)$$, '22023',
  'lng must be between -180 and 180, got 181', 'search_products refuses lng 181');
select throws_ok($$select * from public.search_products('atta', 18.60, -181)$$, '22023',
  'lng must be between -180 and 180, got -181', 'search_products refuses lng -181');
select throws_ok($$select * from public.search_products('atta', 18.60, 73.74, -1)$$, '22023',
  'radius_m must be between 0 and 50000 metres, got -1', 'search_products refuses radius_m -1');
select throws_ok($$select * from public.search_products('atta', 18.60, 73.74, 50001)$$, '22023',
  'radius_m must be between 0 and 50000 metres, got 50001', 'search_products refuses radius_m 50001');
select throws_ok($$select * from public.search_products('atta', 18.60, 73.74, 3000, 0)$$, '22023',
  'max_results must be between 1 and 100, got 0', 'search_products refuses max_results 0');
select throws_ok($$select * from public.search_products('atta', 18.60, 73.74, 3000, 101)$$, '22023',
  'max_results must be between 1 and 100, got 101', 'search_products refuses max_results 101');
select throws_ok($$select * from public.search_products('', 18.60, 73.74)$$, '22023',
  'query must not be empty', 'search_products refuses an empty query');
select throws_ok($$select * from public.search_products('   ', 18.60, 73.74)$$, '22023',
  'query must not be empty', 'search_products refuses a blank query');
select throws_ok($$select * from public.search_products(null, 18.60, 73.74)$$, '22023',
  'query must not be empty', 'search_products refuses a null query');
select throws_ok(format('select * from public.search_products(%L, 18.60, 73.74)', repeat('a', 200)), '22023',
  'query must be at most 100 characters, got 200', 'search_products refuses a 200-character query');
select throws_ok($$select * from public.search_products('!!!', 18.60, 73.74)$$, '22023',
  'query must contain a letter or digit', 'search_products refuses a query of only punctuation');

select lives_ok('select * from public.nearby_stores(90, 73.85)', 'nearby_stores accepts lat 90');
select lives_ok('select * from public.nearby_stores(-90, 73.85)', 'nearby_stores accepts lat -90');
select lives_ok('select * from public.nearby_stores(18.52, -180)', 'nearby_stores accepts lng -180');
select lives_ok('select * from public.nearby_stores(18.52, 180)', 'nearby_stores accepts lng 180');
select lives_ok('select * from public.nearby_stores(18.52, 73.85, 0)', 'nearby_stores accepts radius_m 0');
select lives_ok('select * from public.nearby_stores(18.52, 73.85, 50000)', 'nearby_stores accepts radius_m 50000');
select lives_ok('select * from public.nearby_stores(18.52, 73.85, 3000, 1)', 'nearby_stores accepts max_results 1');
select lives_ok('select * from public.nearby_stores(18.52, 73.85, 3000, 100)', 'nearby_stores accepts max_results 100');
select lives_ok($$select * from public.search_products('atta', 90, 73.74)$$, 'search_products accepts lat 90');
select lives_ok($$select * from public.search_products('atta', 18.60, -180)$$, 'search_products accepts lng -180');
select lives_ok($$select * from public.search_products('atta', 18.60, 73.74, 0)$$, 'search_products accepts radius_m 0');
select lives_ok($$select * from public.search_products('atta', 18.60, 73.74, 50000)$$, 'search_products accepts radius_m 50000');
select lives_ok($$select * from public.search_products('atta', 18.60, 73.74, 3000, 1)$$, 'search_products accepts max_results 1');
select lives_ok($$select * from public.search_products('atta', 18.60, 73.74, 3000, 100)$$, 'search_products accepts max_results 100');
select lives_ok(format('select * from public.search_products(%L, 18.60, 73.74)', repeat('a', 100)),
  'search_products accepts a 100-character query');

-- ---------------------------------------------------------------------------------------------
-- private.search_normalize, search_key, search_lexemes, search_core_words, search_terms and
-- the vocabulary
-- ---------------------------------------------------------------------------------------------
select is(private.search_normalize('Aata'), 'ata', 'search_normalize folds "Aata" to "ata"');
select is(private.search_normalize('atta'), 'ata', 'search_normalize folds "atta" to "ata" as well');
select is(private.search_normalize('aloo'), 'alu', 'search_normalize folds "aloo" to "alu"');
select is(private.search_normalize('Bhindee'), 'bhindi', 'search_normalize folds "Bhindee" to "bhindi"');
select is(private.search_normalize(null), '', 'search_normalize turns null into an empty string');
select is(private.search_normalize('Tomatto PYAAZ Moong Dall'), 'tomato pyaz mung dal',
  'search_normalize collapses doubled consonants and vowels in every word');
select is(private.search_key('Tomatoes'), 'tomato', 'search_key stems an English plural');
select is(private.search_key('Paneer'), private.search_key('panir'), 'search_key folds paneer and panir together');
select is(private.search_key('aam'), 'am', 'search_key folds after stemming, so "aam" (mango) is not the stop word "am"');
select is(private.search_key('and'), null, 'search_key gives null for a stop word');
select is(private.search_lexemes('Onion (Pyaz / Kanda) 2 kg'), array['2', 'kanda', 'kg', 'onion', 'pyaz'],
  'search_lexemes lists the words of a name once each');
select ok(private.search_lexemes('Parle-G Biscuits') @> array['parle-g', 'parl', 'g', 'biscuit'],
  'search_lexemes keeps a hyphenated word whole and in parts, and stems "Biscuits"');
select is(private.search_core_words('Onion (Pyaz / Kanda) 2 kg'), array['onion'],
  'search_core_words keeps the name before the bracket, without the pack size');
select is(private.search_core_words('Fresh Curd (Dahi) Loose 250 g'), array['fresh', 'curd'],
  'search_core_words ends with the product''s type');
select is(private.search_core_words('Kanda Lasun Masala 200 g'), array['kanda', 'lasun', 'masala'],
  'search_core_words of a name without brackets: its words in order, without the pack size');
select ok(
  array(select term from private.search_terms('aloo') where word = 1) @> array['alu', 'potato', 'batata'],
  'search_terms expands "aloo" to include alu, potato and batata'
);
select ok(
  array(select term from private.search_terms('potato') where word = 1) @> array['alu', 'potato', 'batata'],
  'search_terms expands "potato" to its synonyms alu and batata'
);
select is(
  (select weight from private.search_terms('kanda') where term = 'onion'),
  0.95::real,
  'a synonym weighs 0.95'
);
select is(
  (select weight from private.search_terms('tomati') where term = 'tomatilo'),
  0.85::real,
  'a longer word the query begins weighs 0.85'
);
select is(
  (select weight from private.search_terms('tometo') where term = 'tomato'),
  0.7::real,
  'a word one letter from a word no product uses weighs 0.7'
);
select is_empty(
  $$select 1 from private.search_terms('tomato') where weight < 0.85$$,
  'a word products use is taken as spelt (no misspellings looked for)'
);
select is(
  (select count(distinct word) from private.search_terms('Tomato, chawal!')),
  2::bigint,
  'search_terms splits "Tomato, chawal!" into two words'
);
select ok(
  array(select term from private.search_terms('Tomato, chawal!') where word = 2) @> array['rice', 'chawal'],
  'search_terms expands the second word "chawal" to rice'
);
select set_eq(
  $$select term from private.search_terms('kiwi')$$,
  array['kiwi'],
  'a word without synonyms, longer words or near spellings expands to itself only'
);
select is_empty(
  $$select 1 from private.search_terms('!!!')$$,
  'a query of punctuation has no words'
);
select ok(
  exists (select 1 from private.search_vocabulary where word = 'tomatilo')
    and exists (select 1 from private.search_vocabulary where word = 'safron'),
  'the vocabulary learns the words of products as they are inserted'
);
update public.products set name = 'Tomatillo Verde' where id = (select id from fixture_products where key = 'tomatillo');
select ok(exists (select 1 from private.search_vocabulary where word = 'verd'),
  'the vocabulary learns the words of a renamed product');
select ok(
  not exists (select 1 from private.search_vocabulary where word ~ '[0-9]' or length(word) < 3),
  'the vocabulary holds no words with digits and none under three letters'
);

-- ---------------------------------------------------------------------------------------------
-- Devanagari: folding, words, synonyms, local names (as the owner, a visitor and a customer)
-- ---------------------------------------------------------------------------------------------
select is(private.search_normalize('प्याज़'), private.search_normalize('प्याज'),
  'search_normalize leaves the nukta out: प्याज़ = प्याज');
select is(private.search_normalize(U&'\095B\0921\093C'), U&'\091C\0921',
  'search_normalize folds the precomposed nukta letters (ज़) and a combining nukta alike');
select is(private.search_normalize('गेहूँ'), private.search_normalize('गेहूं'),
  'search_normalize reads chandrabindu as anusvara: गेहूँ = गेहूं');
select is(private.search_normalize('हिन्दी सन्तरा'), private.search_normalize('हिंदी संतरा'),
  'search_normalize reads a nasal consonant before another as anusvara: हिन्दी = हिंदी');
select is(private.search_normalize('नींबू दूध'), 'निंबु दुध',
  'search_normalize folds long i and u to short, as ee = i and oo = u');
select is(private.search_normalize(U&'\0915\094D\200D\0937'), U&'\0915\094D\0937',
  'search_normalize leaves the invisible joiners out');
select is(private.search_lexemes('Potato (आलू / बटाटा)'), array['potato', 'आलु', 'बटाटा'],
  'search_lexemes keeps the Devanagari words of a name, folded');
select ok(
  array(select term from private.search_terms('आलू') where word = 1) @> array['आलु', 'बटाटा', 'alu', 'potato', 'batata'],
  'search_terms puts "आलू" in the potato group: its Devanagari and Latin words'
);
select is_empty(
  $$select 1 from private.search_terms('aloo') where term ~ '[\u0900-\u097F]'$$,
  'a word typed in Latin letters expands to the Latin words of its group only'
);
select ok(
  array(select term from private.search_terms('बटाटा') where word = 1) @> array['potato', 'आलु'],
  'search_terms expands the Marathi "बटाटा" to potato and the Hindi "आलू"'
);
select is(
  (select count(distinct word) from private.search_terms('प्याज़ / कांदा')),
  2::bigint,
  'search_terms splits "प्याज़ / कांदा" into two words, nukta and vowel signs inside them'
);
select set_eq(
  $$select distinct word from private.search_terms('कांदा।')$$,
  array[1],
  'a danda ends a word: "कांदा।" is one word'
);
select throws_ok(
  $$insert into public.search_synonyms (term, means) values ('aलू', 'potato')$$,
  '23514', null,
  'a synonym is written in one script, Latin or Devanagari'
);
select throws_ok(
  $$select * from public.search_products('।।', 18.60, 73.74)$$,
  '22023', 'query must contain a letter or digit',
  'a query of dandas only is refused as having no letter'
);

update public.products p set local_name = v.local_name
from (values ('potato', 'आलू / बटाटा'), ('onion', 'प्याज़ / कांदा'), ('aloo_bhujia', 'आलू भुजिया'),
             ('kanda_masala', 'कांदा लसूण मसाला'), ('batata_chivda', 'उपवास बटाटा चिवडा'), ('curd', 'दही'))
  as v (key, local_name)
join fixture_products f on f.key = v.key
where p.id = f.id;
select ok(exists (select 1 from private.search_vocabulary where word = 'भुजिया'),
  'the vocabulary learns the words of a local name');
select results_eq(
  $$select product_id from public.search_products('आलू', 18.60, 73.74) limit 1$$,
  $$select id from fixture_products where key = 'potato'$$,
  '"आलू": Potato (a potato) before Aloo Bhujia and Upvas Batata Chivda'
);
select results_eq(
  $$select product_id from public.search_products('बटाटा', 18.60, 73.74) limit 1$$,
  $$select id from fixture_products where key = 'potato'$$,
  '"बटाटा": Potato before Upvas Batata Chivda, whose local name says बटाटा too'
);
select results_eq(
  $$select product_id from public.search_products('कान्दा', 18.60, 73.74) limit 1$$,
  $$select id from fixture_products where key = 'onion'$$,
  '"कान्दा" (a nasal consonant for the anusvara): Onion before Kanda Lasun Masala'
);
select set_eq(
  $$select product_id from public.search_products('दही', 18.60, 73.74)$$,
  $$select id from fixture_products where key in ('curd', 'amul_dahi')$$,
  '"दही" finds Curd by its local name and Amul Dahi through the synonym'
);
select is_empty(
  $$select 1 from public.search_products('आलू टमाटर', 18.60, 73.74)$$,
  'every word must match, in Devanagari too: nothing is both आलू and टमाटर'
);
select is(
  (select product_local_name from public.search_products('आलू', 18.60, 73.74) limit 1),
  'आलू / बटाटा',
  'a hit carries the product''s local name'
);
select ok(
  (select product_local_name from public.search_products('tomato', 18.60, 73.74) limit 1) is null,
  'a product without a local name has none in its hits'
);
select results_eq(
  $$select product_id from public.search_products('भुजिया', 18.60, 73.74)$$,
  $$select id from fixture_products where key = 'aloo_bhujia'$$,
  'a word only the local name has finds the product'
);
select results_eq(
  $$select product_id from public.search_products('भुजि', 18.60, 73.74)$$,
  $$select id from fixture_products where key = 'aloo_bhujia'$$,
  'a Devanagari word being typed finds the longer words it begins'
);
select is(
  (select weight from private.search_terms('भुजया') where term = 'भुजिया'),
  0.7::real,
  'a Devanagari word one sign from a word products use weighs 0.7, as a misspelling'
);
create temp table aloo_owner as
select * from public.search_products('आलू', 18.60, 73.74) with ordinality as s;
grant select on aloo_owner to anon, authenticated;
select tests.authenticate_as_anon();
select results_eq(
  $$select product_id, store_id, rank, product_local_name from public.search_products('आलू', 18.60, 73.74)$$,
  'select product_id, store_id, rank, product_local_name from aloo_owner order by ordinality',
  'a visitor searching in Devanagari gets the same results as the owner'
);
select tests.authenticate_as((select id from personas where name = 'customer'));
select results_eq(
  $$select product_id, store_id, rank, product_local_name from public.search_products('आलू', 18.60, 73.74)$$,
  'select product_id, store_id, rank, product_local_name from aloo_owner order by ordinality',
  'a signed-in customer searching in Devanagari gets the same results as the owner'
);
select tests.authenticate_as((select id from personas where name = 'suspended'));
select is_empty($$select 1 from public.search_products('आलू', 18.60, 73.74)$$,
  'a suspended customer finds nothing in Devanagari either');
select tests.clear_authentication();

select * from finish();
rollback;
