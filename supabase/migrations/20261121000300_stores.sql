-- Stores: a merchant applies with a store, which stays pending (and invisible to customers)
-- until an admin approves it. Opening hours are per weekday in Asia/Kolkata; a manual switch
-- closes the store for a while.

create extension if not exists postgis with schema extensions;

create type public.store_status as enum ('pending', 'approved', 'suspended');
comment on type public.store_status is 'pending until an admin approves; suspended by an admin, with a reason.';

create type public.store_category as enum (
  'grocery', 'fruits_vegetables', 'dairy', 'bakery', 'meat_fish', 'pharmacy', 'sweets_snacks', 'general'
);
comment on type public.store_category is 'What a store mainly sells; discovery filters on it.';

-- Opening hours look like {"mon": [["07:00", "13:00"], ["16:00", "22:00"]], "sun": []}: per
-- weekday, a list of [opens, closes] local times. A missing or empty day is closed; a slot that
-- closes at or before it opens runs past midnight into the next day.
create function private.opening_hours_are_valid(hours jsonb) returns boolean
language sql immutable
set search_path = ''
as $$
  select jsonb_typeof(hours) = 'object'
    and not exists (
      select 1 from jsonb_each(hours) as day (name, slots)
      where day.name not in ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
         or jsonb_typeof(day.slots) <> 'array'
         or (case when jsonb_typeof(day.slots) = 'array' then exists (
               select 1 from jsonb_array_elements(day.slots) as slot
               where jsonb_typeof(slot) <> 'array'
                  or jsonb_array_length(slot) <> 2
                  or coalesce(slot ->> 0, '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
                  or coalesce(slot ->> 1, '') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
                  or slot ->> 0 = slot ->> 1)
             else false end)
    )
$$;
comment on function private.opening_hours_are_valid(jsonb) is 'Check for stores.opening_hours: weekday keys mon..sun, each a list of ["HH:MM", "HH:MM"] slots.';
revoke execute on function private.opening_hours_are_valid(jsonb) from public;
grant execute on function private.opening_hours_are_valid(jsonb) to authenticated, service_role;

-- Opening hours as one value: the minutes of the week (0 = Monday 00:00 in Asia/Kolkata, 10080
-- in a week) they cover. An overnight slot runs to midnight, then on into the next day (Sunday's
-- into Monday's). Stores keep it in a generated column, so whether a store is open is one
-- containment test instead of reading its hours: discovery asks that of every store it walks
-- past. It calls only pg_catalog built-ins, as a generated column needs.
create function private.opening_week(hours jsonb) returns int4multirange
language sql immutable parallel safe
as $$
  select coalesce(range_agg(span.minutes), '{}'::int4multirange)
  from jsonb_each(case when jsonb_typeof(hours) = 'object' then hours else '{}' end) as day (name, slots)
  cross join lateral jsonb_array_elements(case when jsonb_typeof(day.slots) = 'array' then day.slots else '[]' end) as slot
  cross join lateral (
    select (array_position(array['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], day.name) - 1) * 1440 as day_start,
           split_part(slot ->> 0, ':', 1)::integer * 60 + split_part(slot ->> 0, ':', 2)::integer as opens,
           split_part(slot ->> 1, ':', 1)::integer * 60 + split_part(slot ->> 1, ':', 2)::integer as closes
  ) m
  cross join lateral (
    select int4range(m.day_start + m.opens, m.day_start + m.closes) where m.closes > m.opens
    union all
    select int4range(m.day_start + m.opens, m.day_start + 1440) where m.closes <= m.opens
    union all
    select int4range((m.day_start + 1440) % 10080, (m.day_start + 1440) % 10080 + m.closes)
    where m.closes <= m.opens and m.closes > 0
  ) as span (minutes)
  where day.name in ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
$$;
comment on function private.opening_week(jsonb) is 'The minutes of the week (0 = Monday 00:00 in Asia/Kolkata) that opening hours (see stores.opening_hours) cover.';
revoke execute on function private.opening_week(jsonb) from public;
grant execute on function private.opening_week(jsonb) to anon, authenticated, service_role;

-- The minute of the week of a moment in Asia/Kolkata, as opening_week counts them, to the minute
-- as the hours are written (seconds dropped). 1970-01-01, where epochs start, was a Thursday.
-- No SET clause, so that it inlines.
create function private.week_minute(at timestamptz) returns integer
language sql immutable parallel safe
as $$
  select ((floor(date_part('epoch', at at time zone 'Asia/Kolkata') / 60)::bigint + 3 * 1440) % 10080 + 10080)::integer % 10080
$$;
comment on function private.week_minute(timestamptz) is 'Minutes since Monday 00:00 of the week of a moment, in Asia/Kolkata (see private.opening_week).';
revoke execute on function private.week_minute(timestamptz) from public;
grant execute on function private.week_minute(timestamptz) to anon, authenticated, service_role;

-- The minutes of the day (0 to 1440) in which the store opens on some day of the week: a range
-- that holds the minute of the day whenever opening_week holds the minute of the week (a span
-- that runs past midnight counts as the whole day; never open is the empty range). A range,
-- unlike a multirange, is indexed exactly: discovery's spatial index carries it, so that a scan
-- for the nearest open stores passes over the closed ones (at night, nearly all) in the index
-- instead of reading each. No SET clause, so that it inlines (it calls only built-ins).
create function private.opening_daily(week int4multirange) returns int4range
language sql immutable parallel safe
as $$
  select coalesce(int4range(min(d.opens), max(d.closes)), 'empty')
  from unnest(week) as r (minutes)
  cross join lateral (select lower(r.minutes) / 1440 * 1440 as day_start) s
  cross join lateral (
    select case when upper(r.minutes) - s.day_start > 1440 then 0 else lower(r.minutes) - s.day_start end as opens,
           case when upper(r.minutes) - s.day_start > 1440 then 1440 else upper(r.minutes) - s.day_start end as closes
  ) d
$$;
comment on function private.opening_daily(int4multirange) is 'The minutes of the day (0 to 1440) in which opening_week has opening on some day: contains week_minute % 1440 whenever opening_week contains week_minute.';
revoke execute on function private.opening_daily(int4multirange) from public;
grant execute on function private.opening_daily(int4multirange) to anon, authenticated, service_role;

-- Whether opening hours cover a moment, read in Asia/Kolkata: a slot of today, or the part
-- after midnight of yesterday's overnight slot.
create function private.hours_cover(hours jsonb, at timestamptz) returns boolean
language sql stable
as $$
  select private.opening_week(hours) @> private.week_minute(at)
$$;
comment on function private.hours_cover(jsonb, timestamptz) is 'Whether opening hours (see stores.opening_hours) include the given moment in Asia/Kolkata.';
revoke execute on function private.hours_cover(jsonb, timestamptz) from public;
grant execute on function private.hours_cover(jsonb, timestamptz) to anon, authenticated, service_role;

create table public.stores (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references public.profiles (id),
  name text not null constraint stores_name_length check (char_length(btrim(name)) between 2 and 120),
  category public.store_category not null default 'grocery',
  description text not null default '' constraint stores_description_length check (char_length(description) <= 1000),
  phone text constraint stores_phone_format check (phone ~ '^\+?[0-9]{7,15}$'),
  address text not null constraint stores_address_length check (char_length(btrim(address)) between 5 and 300),
  location extensions.geography(point, 4326) not null,
  delivery_radius_m integer not null default 3000
    constraint stores_delivery_radius_range check (delivery_radius_m between 200 and 15000),
  opening_hours jsonb not null default '{"mon": [["07:00", "22:00"]], "tue": [["07:00", "22:00"]], "wed": [["07:00", "22:00"]], "thu": [["07:00", "22:00"]], "fri": [["07:00", "22:00"]], "sat": [["07:00", "22:00"]], "sun": [["08:00", "21:00"]]}'
    constraint stores_opening_hours_valid check (private.opening_hours_are_valid(opening_hours)),
  opening_week int4multirange generated always as (private.opening_week(opening_hours)) stored,
  temporarily_closed boolean not null default false,
  reopens_at timestamptz,
  preparation_minutes integer not null default 10
    constraint stores_preparation_minutes_range check (preparation_minutes between 1 and 120),
  minimum_order_paise integer not null default 0
    constraint stores_minimum_order_range check (minimum_order_paise between 0 and 1000000),
  status public.store_status not null default 'pending',
  status_reason text constraint stores_status_reason_length check (char_length(status_reason) <= 500),
  approved_at timestamptz,
  rating numeric(2, 1) constraint stores_rating_range check (rating between 1 and 5),
  rating_count integer not null default 0 constraint stores_rating_count_not_negative check (rating_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.stores is 'Neighbourhood stores. A merchant''s new store is pending and invisible to customers until an admin approves it.';
comment on column public.stores.location is 'Where the store is (WGS 84 point); the delivery radius is measured from here.';
comment on column public.stores.delivery_radius_m is 'How far, in metres, the store delivers.';
comment on column public.stores.opening_hours is 'Per weekday (mon..sun) a list of ["HH:MM", "HH:MM"] slots in Asia/Kolkata; a slot closing at or before it opens runs past midnight. A missing or empty day is closed.';
comment on column public.stores.opening_week is 'The opening hours as minutes of the week (private.opening_week), for a quick is_open; maintained by Postgres.';
comment on column public.stores.temporarily_closed is 'The merchant''s manual switch: closed regardless of opening hours, until reopens_at if set.';
comment on column public.stores.reopens_at is 'When a temporary closure ends by itself; null means until the merchant reopens.';
comment on column public.stores.preparation_minutes is 'Typical minutes from acceptance to ready; part of the delivery ETA.';
comment on column public.stores.minimum_order_paise is 'Smallest subtotal delivered without a small-order fee; 0 for none.';
comment on column public.stores.status_reason is 'Why an admin approved, suspended or reinstated the store.';
comment on column public.stores.rating is 'Average customer rating, 1.0 to 5.0; null until rated.';

revoke all on table public.stores from anon, authenticated;
grant select on table public.stores to anon, authenticated;
grant insert (owner_id, name, category, description, phone, address, location, delivery_radius_m,
              opening_hours, temporarily_closed, reopens_at, preparation_minutes, minimum_order_paise)
  on table public.stores to authenticated;
grant update (name, category, description, phone, address, location, delivery_radius_m,
              opening_hours, temporarily_closed, reopens_at, preparation_minutes, minimum_order_paise)
  on table public.stores to authenticated;
grant delete on table public.stores to authenticated;
grant all on table public.stores to service_role;

create index stores_owner_id_idx on public.stores (owner_id);
create index stores_status_idx on public.stores (status);
-- Discovery's spatial index: approved stores by place and by the minutes of the day they open
-- (private.opening_daily), so that the walk to the nearest open stores leaves the closed ones
-- in the index. At night 98 % of the city is closed: without it a search in the centre read
-- about 2,700 stores to find 50 open ones. The only spatial index on stores, so that the
-- planner cannot pick a plain one instead.
create index stores_open_location_idx on public.stores
  using gist (location, private.opening_daily(opening_week))
  where status = 'approved';

create trigger stores_touch_updated_at before update on public.stores
  for each row execute function private.touch_updated_at();
create trigger stores_audit after insert or update or delete on public.stores
  for each row execute function private.record_change();

alter table public.stores enable row level security;

-- The ids of the signed-in merchant's stores, whatever their status; empty for anyone else.
-- Policies use `store_id in (select private.my_store_ids())`, which runs once per statement.
create function private.my_store_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select s.id from public.stores s
  where s.owner_id = (select auth.uid()) and (select private.active_role()) = 'merchant'
$$;
comment on function private.my_store_ids() is 'Ids of the stores the signed-in, active merchant owns.';
revoke execute on function private.my_store_ids() from public;
grant execute on function private.my_store_ids() to authenticated, service_role;

create policy "Visitors see approved stores" on public.stores
  for select to anon
  using (status = 'approved');

create policy "Active users see approved stores" on public.stores
  for select to authenticated
  using (status = 'approved' and (select private.active_role()) is not null);

create policy "Merchants see their own stores" on public.stores
  for select to authenticated
  using (owner_id = (select auth.uid()) and (select private.active_role()) = 'merchant');

create policy "Admins see every store" on public.stores
  for select to authenticated
  using ((select private.active_role()) = 'admin');

create policy "Merchants apply with new stores" on public.stores
  for insert to authenticated
  with check (
    owner_id = (select auth.uid())
    and (select private.active_role()) = 'merchant'
    and status = 'pending'
  );

create policy "Merchants edit their own stores" on public.stores
  for update to authenticated
  using (owner_id = (select auth.uid()) and (select private.active_role()) = 'merchant')
  with check (owner_id = (select auth.uid()));

create policy "Merchants withdraw their own pending applications" on public.stores
  for delete to authenticated
  using (
    owner_id = (select auth.uid())
    and (select private.active_role()) = 'merchant'
    and status = 'pending'
  );

-- Whether the store takes orders now: approved, not switched off, and within opening hours.
-- A PostgREST computed field: `select=*,is_open` on /rest/v1/stores. No SET clause, so that it
-- inlines into discovery queries. A row built in place rather than read from the table has no
-- opening_week yet: its hours are read then.
create function public.is_open(store public.stores) returns boolean
language sql stable
as $$
  select store.status = 'approved'
    and not (store.temporarily_closed and (store.reopens_at is null or store.reopens_at > now()))
    and coalesce(store.opening_week, private.opening_week(store.opening_hours)) @> private.week_minute(now())
$$;
comment on function public.is_open(public.stores) is 'Whether the store takes orders now: approved, not temporarily closed, within its opening hours (Asia/Kolkata).';
revoke execute on function public.is_open(public.stores) from public;
grant execute on function public.is_open(public.stores) to anon, authenticated, service_role;
