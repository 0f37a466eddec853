-- Discovery: open stores that deliver to the customer, nearest first, and product search with
-- typo tolerance and Indian grocery synonyms, ranked by relevance and distance.

create extension if not exists pg_trgm with schema extensions;

-- Lower case, Hinglish spelling variants folded (ee → i, oo → u, doubled letters once), so
-- "Aata" and "atta", "aloo" and "alu", "bhindee" and "bhindi" compare equal. It runs for every
-- product written (the search_text column), so it is built for speed: plain replace() calls,
-- because a regex back-reference such as '([a-z])\1' is five times slower, and no SET clause,
-- so Postgres can inline it (it calls only built-ins, which resolve from pg_catalog first).
create function private.search_normalize(input text) returns text
language sql immutable parallel safe
as $$
  select
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
      replace(replace(lower(coalesce(input, '')), 'ee', 'i'), 'oo', 'u'),
    'aa', 'a'), 'bb', 'b'), 'cc', 'c'), 'dd', 'd'), 'ff', 'f'), 'gg', 'g'), 'hh', 'h'), 'ii', 'i'),
    'jj', 'j'), 'kk', 'k'), 'll', 'l'), 'mm', 'm'), 'nn', 'n'), 'pp', 'p'), 'qq', 'q'), 'rr', 'r'),
    'ss', 's'), 'tt', 't'), 'uu', 'u'), 'vv', 'v'), 'ww', 'w'), 'xx', 'x'), 'yy', 'y'), 'zz', 'z')
$$;
comment on function private.search_normalize(text) is 'Folds case and common Hinglish spelling variants (ee/i, oo/u, doubled letters) for product search.';
revoke execute on function private.search_normalize(text) from public;
grant execute on function private.search_normalize(text) to anon, authenticated, service_role;

alter table public.products
  add column search_text text generated always as (
    private.search_normalize(name || ' ' || category || ' ' || description)
  ) stored;
comment on column public.products.search_text is 'Name, category and description normalised for search (private.search_normalize); maintained by Postgres.';

create index products_search_text_trgm_idx on public.products using gin (search_text extensions.gin_trgm_ops);

create table public.search_synonyms (
  term text primary key constraint search_synonyms_term_format check (term ~ '^[a-z]+$'),
  means text not null constraint search_synonyms_means_format check (means ~ '^[a-z]+$'),
  constraint search_synonyms_not_itself check (term <> means)
);
comment on table public.search_synonyms is 'Words that mean the same in product search (aloo = potato, dahi = curd). Each term points at one canonical word; every word of a group finds the others. Edited by admins in Studio.';
comment on column public.search_synonyms.means is 'The canonical word of the group, itself not a term.';

revoke all on table public.search_synonyms from anon, authenticated;
grant select on table public.search_synonyms to anon, authenticated;
grant all on table public.search_synonyms to service_role;

create index search_synonyms_means_idx on public.search_synonyms (means);

alter table public.search_synonyms enable row level security;

create policy "Anyone reads the search synonyms" on public.search_synonyms
  for select to anon, authenticated
  using (true);

insert into public.search_synonyms (term, means) values
  ('aloo', 'potato'), ('alu', 'potato'), ('batata', 'potato'),
  ('pyaz', 'onion'), ('pyaaz', 'onion'), ('kanda', 'onion'), ('pyaj', 'onion'),
  ('tamatar', 'tomato'), ('tamater', 'tomato'),
  ('dahi', 'curd'), ('yogurt', 'curd'), ('yoghurt', 'curd'),
  ('doodh', 'milk'), ('dudh', 'milk'),
  ('atta', 'flour'), ('aata', 'flour'), ('maida', 'flour'),
  ('chawal', 'rice'), ('chaawal', 'rice'),
  ('chini', 'sugar'), ('cheeni', 'sugar'), ('shakkar', 'sugar'),
  ('namak', 'salt'),
  ('tel', 'oil'),
  ('ghee', 'butteroil'),
  ('makhan', 'butter'), ('makkhan', 'butter'),
  ('paneer', 'cottagecheese'),
  ('anda', 'egg'), ('ande', 'egg'), ('eggs', 'egg'),
  ('adrak', 'ginger'), ('lehsun', 'garlic'), ('lahsun', 'garlic'),
  ('mirch', 'chilli'), ('mirchi', 'chilli'), ('chili', 'chilli'),
  ('dhaniya', 'coriander'), ('dhania', 'coriander'), ('kothimbir', 'coriander'),
  ('pudina', 'mint'), ('palak', 'spinach'), ('gobi', 'cauliflower'), ('gobhi', 'cauliflower'),
  ('bhindi', 'okra'), ('ladyfinger', 'okra'), ('baingan', 'brinjal'), ('eggplant', 'brinjal'),
  ('kela', 'banana'), ('seb', 'apple'), ('aam', 'mango'), ('nimbu', 'lemon'), ('limbu', 'lemon'),
  ('haldi', 'turmeric'), ('jeera', 'cumin'), ('rai', 'mustard'), ('sarson', 'mustard'),
  ('dal', 'lentils'), ('daal', 'lentils'), ('chana', 'chickpeas'), ('besan', 'gramflour'),
  ('sabun', 'soap'), ('chai', 'tea'), ('biskit', 'biscuit'), ('biscuits', 'biscuit'),
  ('poha', 'flattenedrice'), ('rava', 'semolina'), ('suji', 'semolina'), ('sooji', 'semolina');

-- The alternatives for each word of a query: the word itself and every word of its synonym
-- group, all normalised. One row per (word position, alternative).
create function private.search_terms(query text) returns table (word integer, term text)
language sql stable
rows 3
set search_path = ''
as $$
  with words as (
    select w.ordinality::integer as word, w.value as raw
    from regexp_split_to_table(lower(query), '[^[:alnum:]]+') with ordinality as w (value, ordinality)
    where w.value <> ''
  ),
  canonical as (
    select words.word, words.raw, coalesce(s.means, words.raw) as means
    from words left join public.search_synonyms s on s.term = words.raw
  )
  select distinct c.word, private.search_normalize(alt.term)
  from canonical c
  cross join lateral (
    select c.raw union select c.means union select s.term from public.search_synonyms s where s.means = c.means
  ) as alt (term)
$$;
comment on function private.search_terms(text) is 'Splits a search query into words and expands each with its synonyms, normalised.';
revoke execute on function private.search_terms(text) from public;
grant execute on function private.search_terms(text) to anon, authenticated, service_role;

-- Bad input is the caller's mistake: a 400 with a message that names the argument.
create function private.check_point(lat double precision, lng double precision) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if lat is null or lat not between -90 and 90 then
    raise exception 'lat must be between -90 and 90, got %', coalesce(lat::text, 'null') using errcode = '22023';
  end if;
  if lng is null or lng not between -180 and 180 then
    raise exception 'lng must be between -180 and 180, got %', coalesce(lng::text, 'null') using errcode = '22023';
  end if;
end
$$;
comment on function private.check_point(double precision, double precision) is 'Raises a clear 22023 (HTTP 400) for a latitude or longitude out of range.';
revoke execute on function private.check_point(double precision, double precision) from public;
grant execute on function private.check_point(double precision, double precision) to anon, authenticated, service_role;

create function private.check_discovery_input(lat double precision, lng double precision, radius_m integer, max_results integer)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  perform private.check_point(lat, lng);
  if radius_m is null or radius_m not between 0 and 50000 then
    raise exception 'radius_m must be between 0 and 50000 metres, got %', coalesce(radius_m::text, 'null') using errcode = '22023';
  end if;
  if max_results is null or max_results not between 1 and 100 then
    raise exception 'max_results must be between 1 and 100, got %', coalesce(max_results::text, 'null') using errcode = '22023';
  end if;
end
$$;
comment on function private.check_discovery_input(double precision, double precision, integer, integer) is 'Raises a clear 22023 (HTTP 400) for coordinates, radius or result counts out of range.';
revoke execute on function private.check_discovery_input(double precision, double precision, integer, integer) from public;
grant execute on function private.check_discovery_input(double precision, double precision, integer, integer) to anon, authenticated, service_role;

-- Minutes from order to door: the store's preparation time plus the ride, at 18 km/h (a
-- two-wheeler in city traffic) over roads about 1.3 times the straight-line distance.
create function private.eta_minutes(preparation_minutes integer, distance_m double precision) returns integer
language sql immutable parallel safe
set search_path = ''
as $$
  select preparation_minutes + ceil(distance_m * 1.3 / 300.0)::integer
$$;
comment on function private.eta_minutes(integer, double precision) is 'Delivery ETA: preparation plus the ride at 18 km/h over roads 1.3 times the straight-line distance.';
revoke execute on function private.eta_minutes(integer, double precision) from public;
grant execute on function private.eta_minutes(integer, double precision) to anon, authenticated, service_role;

-- A row of nearby_stores. A named type rather than `returns table`, whose columns could not
-- share the name `category` with the argument.
create type public.nearby_store as (
  id uuid, name text, category public.store_category, distance_m double precision,
  eta_minutes integer, is_open boolean, rating numeric
);
comment on type public.nearby_store is 'A store found by nearby_stores: distance in metres, ETA in minutes, open now or not.';

-- The discovery queries run as security definer, from private: PostGIS and pg_trgm operators
-- are not leakproof, so under row-level security PostgreSQL applies the policies first and
-- cannot use the spatial or trigram index (every call would read every approved store). These
-- functions apply the rule the policies would (approved stores, active products) themselves;
-- suspended accounts find nothing, as the policies would have it. JIT is off:
-- PostGIS's high function costs would make PostgreSQL compile every call, costing more than
-- the query.

create function private.caller_is_suspended() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select (select auth.uid()) is not null and private.active_role() is null
$$;
comment on function private.caller_is_suspended() is 'A signed-in caller whose account is suspended (signed-out callers are not).';
revoke execute on function private.caller_is_suspended() from public;

create function private.find_nearby_stores(
  lat double precision, lng double precision, radius_m integer, max_results integer,
  category public.store_category, open_now boolean
) returns setof public.nearby_store
language plpgsql stable security definer
-- What a call returns, for the planner: a search then reads these stores' products one store
-- at a time instead of every matching product in the city.
rows 20
set search_path = ''
set jit = off
as $$
declare
  here extensions.geography;
  -- Stores nearest first, straight from the GiST index (KNN). A cursor, because PostgreSQL plans
  -- a cursor for its first rows: the scan stops once max_results stores qualify or the radius
  -- is passed, instead of testing every store in the radius (thousands in a dense city) and
  -- sorting them. Distances are on the sphere, as the index measures them, so order and
  -- distance_m agree.
  nearest cursor for
    select s.id, s.name, s.category, s.rating, s.preparation_minutes, s.delivery_radius_m,
           extensions.st_distance(s.location, here, false) as distance_m, public.is_open(s) as is_open
    from public.stores s
    where s.status = 'approved'
    -- No tie-breaker: a second sort key would stop PostgreSQL from using the index order.
    order by s.location operator(extensions.<->) here;
  found integer := 0;
begin
  perform private.check_discovery_input(lat, lng, radius_m, max_results);
  if private.caller_is_suspended() then
    return;
  end if;
  here := extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography;
  for store in nearest
  loop
    -- Every test is here rather than in the query, so that the first store beyond the radius
    -- ends the scan whatever was skipped before it (a filter in the query would make the scan
    -- run on past the radius when few stores pass it).
    exit when store.distance_m > radius_m;
    continue when store.distance_m > store.delivery_radius_m
      or (find_nearby_stores.category is not null and store.category <> find_nearby_stores.category)
      or (open_now and not store.is_open);
    return next (store.id, store.name, store.category, store.distance_m,
                 private.eta_minutes(store.preparation_minutes, store.distance_m), store.is_open, store.rating)::public.nearby_store;
    found := found + 1;
    exit when found = max_results;
  end loop;
end
$$;
comment on function private.find_nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) is
  'The query behind public.nearby_stores, as security definer so the GiST index serves it (see the comment above it in the discovery migration).';
revoke execute on function private.find_nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) from public;
grant execute on function private.find_nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) to anon, authenticated, service_role;

create function public.nearby_stores(
  lat double precision,
  lng double precision,
  radius_m integer default 3000,
  max_results integer default 20,
  category public.store_category default null,
  open_now boolean default true
) returns setof public.nearby_store
language sql stable
set search_path = ''
as $$
  select * from private.find_nearby_stores(lat, lng, radius_m, max_results, category, open_now)
$$;
comment on function public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) is
  'Approved stores within radius_m whose own delivery radius covers (lat, lng), nearest first, with distance, ETA and whether open now. open_now (default) keeps open ones only.';
revoke execute on function public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) from public;
grant execute on function public.nearby_stores(double precision, double precision, integer, integer, public.store_category, boolean) to anon, authenticated, service_role;

-- How many of the nearest open stores a search looks through: what a customer can choose
-- between for a quick delivery, and a bound on the work in a dense city.
create function private.search_store_limit() returns integer
language sql immutable parallel safe
as $$ select 50 $$;
comment on function private.search_store_limit() is 'Search looks through this many of the nearest open stores that deliver to the customer.';
revoke execute on function private.search_store_limit() from public;
grant execute on function private.search_store_limit() to anon, authenticated, service_role;

create function private.find_products(
  query text, lat double precision, lng double precision, radius_m integer, max_results integer
) returns table (
  product_id uuid, product_name text, price_paise integer, in_stock boolean,
  store_id uuid, store_name text, distance_m double precision, rank real
)
language plpgsql stable security definer
set search_path = ''
set jit = off
set pg_trgm.word_similarity_threshold = 0.4
as $$
begin
  if query is null or char_length(btrim(query)) = 0 then
    raise exception 'query must not be empty' using errcode = '22023';
  end if;
  if char_length(query) > 100 then
    raise exception 'query must be at most 100 characters, got %', char_length(query) using errcode = '22023';
  end if;
  if query !~ '[[:alnum:]]' then
    raise exception 'query must contain a letter or digit' using errcode = '22023';
  end if;
  perform private.check_discovery_input(lat, lng, radius_m, max_results);
  if private.caller_is_suspended() then
    return;
  end if;
  return query
  with stores_here as materialized (
    select n.id, n.name, n.distance_m
    from private.find_nearby_stores(lat, lng, radius_m, private.search_store_limit(), null, true) n
  ),
  terms as materialized (select * from private.search_terms(query)),
  -- Each query word's best match in each product; a product must match every word.
  matches as (
    select p.id, t.word, max(extensions.word_similarity(t.term, p.search_text)) as score
    from stores_here sh
    join public.products p on p.store_id = sh.id
    join terms t on t.term operator(extensions.<%) p.search_text
    where p.is_active and p.stock > 0
    group by p.id, t.word
  ),
  relevant as (
    select m.id, avg(m.score)::real as relevance
    from matches m
    group by m.id
    having count(*) = (select count(distinct t.word) from terms t)
  )
  select p.id, p.name, p.price_paise, p.stock > 0, sh.id, sh.name, sh.distance_m,
         -- Relevance first; among equals, nearer is better (a store at the edge loses up to 10 %).
         (r.relevance * (1 - 0.1 * sh.distance_m / greatest(radius_m, 1)))::real
  from relevant r
  join public.products p on p.id = r.id
  join stores_here sh on sh.id = p.store_id
  order by 8 desc, sh.distance_m, p.id
  limit max_results;
end
$$;
comment on function private.find_products(text, double precision, double precision, integer, integer) is
  'The query behind public.search_products, as security definer so the trigram and spatial indexes serve it.';
revoke execute on function private.find_products(text, double precision, double precision, integer, integer) from public;
grant execute on function private.find_products(text, double precision, double precision, integer, integer) to anon, authenticated, service_role;

create function public.search_products(
  query text,
  lat double precision,
  lng double precision,
  radius_m integer default 3000,
  max_results integer default 20
) returns table (
  product_id uuid, product_name text, price_paise integer, in_stock boolean,
  store_id uuid, store_name text, distance_m double precision, rank real
)
language sql stable
set search_path = ''
as $$
  select * from private.find_products(query, lat, lng, radius_m, max_results)
$$;
comment on function public.search_products(text, double precision, double precision, integer, integer) is
  'In-stock products of the 50 nearest open stores that deliver to (lat, lng) within radius_m, matching every word of the query with typo tolerance (trigram word similarity) and synonyms, best match first.';
revoke execute on function public.search_products(text, double precision, double precision, integer, integer) from public;
grant execute on function public.search_products(text, double precision, double precision, integer, integer) to anon, authenticated, service_role;
