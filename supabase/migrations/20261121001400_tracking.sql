-- Tracking: the positions riders report during deliveries, kept (at most one every 30 seconds
-- per rider) for the order's history and for a customer who opens the order page later.

create table public.rider_locations (
  id bigint generated always as identity primary key,
  rider_id uuid not null references public.profiles (id) on delete cascade,
  order_id uuid references public.orders (id) on delete cascade,
  location extensions.geography(point, 4326) not null,
  recorded_at timestamptz not null default now()
);
comment on table public.rider_locations is 'Rider positions reported during deliveries, for the order''s history; pruned after admin.settings.location_history_ttl.';
comment on column public.rider_locations.order_id is 'The delivery the rider was on when the position was reported.';

revoke all on table public.rider_locations from anon, authenticated;
grant select on table public.rider_locations to authenticated;
grant all on table public.rider_locations to service_role;

create index rider_locations_order_id_recorded_at_idx on public.rider_locations (order_id, recorded_at desc);
create index rider_locations_rider_id_recorded_at_idx on public.rider_locations (rider_id, recorded_at desc);
create index rider_locations_recorded_at_idx on public.rider_locations (recorded_at);

alter table public.rider_locations enable row level security;

create policy "Riders read their own positions" on public.rider_locations
  for select to authenticated
  using (rider_id = (select auth.uid()) and (select private.active_role()) = 'rider');

-- The subquery runs under the orders policies: the order's customer and store see its track.
create policy "Whoever reads an order reads its rider's track" on public.rider_locations
  for select to authenticated
  using (order_id is not null and exists (select 1 from public.orders o where o.id = rider_locations.order_id));

alter table admin.settings
  add column location_history_interval interval not null default '30 seconds' check (location_history_interval >= interval '0');
comment on column admin.settings.location_history_interval is 'A rider''s reported position is stored for the order''s history at most once per this interval (every report is broadcast).';

-- Where a delivery stands ---------------------------------------------------------------------

-- Minutes until the door: what is left of the preparation (from acceptance), then the ride from
-- where the rider is (through the store until picked up) at the discovery ETA's city speed.
-- Null once the order is finished.
create function private.delivery_eta_minutes(o public.orders, rider_location extensions.geography) returns integer
language sql stable
set search_path = ''
as $$
  select case
    when o.status not in ('pending', 'accepted', 'preparing', 'ready', 'picked_up') then null
    else private.eta_minutes(
      case when o.status in ('pending', 'accepted', 'preparing') then greatest(0, s.preparation_minutes - coalesce(
        (select floor(extract(epoch from now() - e.created_at) / 60)::integer from public.order_events e
         where e.order_id = o.id and e.status = 'accepted' order by e.created_at desc limit 1), 0)) else 0 end,
      case
        when o.status = 'picked_up' and rider_location is not null then extensions.st_distance(rider_location, o.delivery_location, false)
        when rider_location is not null then extensions.st_distance(rider_location, s.location, false) + extensions.st_distance(s.location, o.delivery_location, false)
        else extensions.st_distance(s.location, o.delivery_location, false)
      end)
  end
  from public.stores s where s.id = o.store_id
$$;
comment on function private.delivery_eta_minutes(public.orders, extensions.geography) is 'Minutes until delivery: preparation left plus the ride from the rider (via the store before pickup) to the door; null once finished.';
revoke execute on function private.delivery_eta_minutes(public.orders, extensions.geography) from public;
grant execute on function private.delivery_eta_minutes(public.orders, extensions.geography) to authenticated;

-- What the order page shows on opening: the status, the rider's last known position and its
-- age, and the ETA. Runs as the caller, so only those who may read the order get it.
create function public.order_tracking(order_id uuid) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  o public.orders;
  store public.stores;
  last_seen record;
begin
  select * into o from public.orders x where x.id = order_tracking.order_id;
  if not found then
    perform private.refuse(404, 'order_not_found', 'No such order, or not yours');
  end if;
  select * into store from public.stores s where s.id = o.store_id;
  -- The freshest of the stored track and the rider's own last report while on this order.
  select p.location, p.seen_at into last_seen from (
    select l.location, l.recorded_at as seen_at from public.rider_locations l
    where l.order_id = o.id and l.rider_id = o.rider_id
    union all
    select r.location, r.last_seen_at from public.rider_profiles r
    where r.rider_id = o.rider_id and r.location is not null
      and o.status in ('accepted', 'preparing', 'ready', 'picked_up')
  ) p order by p.seen_at desc nulls last limit 1;
  return jsonb_build_object(
    'order_id', o.id,
    'status', o.status,
    'status_reason', o.status_reason,
    'rider_id', o.rider_id,
    'updated_at', o.updated_at,
    'store', jsonb_build_object('lat', extensions.st_y(store.location::extensions.geometry), 'lng', extensions.st_x(store.location::extensions.geometry)),
    'destination', jsonb_build_object('lat', extensions.st_y(o.delivery_location::extensions.geometry), 'lng', extensions.st_x(o.delivery_location::extensions.geometry)),
    'rider', case when last_seen.location is null then null else jsonb_build_object(
      'lat', extensions.st_y(last_seen.location::extensions.geometry),
      'lng', extensions.st_x(last_seen.location::extensions.geometry),
      'recorded_at', last_seen.seen_at,
      'age_seconds', floor(extract(epoch from now() - last_seen.seen_at))::integer) end,
    'eta_minutes', private.delivery_eta_minutes(o, last_seen.location));
end
$$;
comment on function public.order_tracking(uuid) is 'An order''s live state for its page: status, store and destination, the rider''s last position with its age in seconds, and the ETA in minutes.';
revoke execute on function public.order_tracking(uuid) from public, anon;
grant execute on function public.order_tracking(uuid) to authenticated;

-- Reporting a position ------------------------------------------------------------------------

-- The assigned rider's device reports about every 10 seconds: the position goes to order:<id> at
-- once, and into the order's history at most once per location_history_interval.
create function private.report_location(order_id uuid, lat double precision, lng double precision) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  o public.orders;
  here extensions.geography := null;
  stored boolean := false;
  reported_at timestamptz := now();
begin
  perform private.check_point(lat, lng);
  if (select private.active_role()) is distinct from 'rider' then
    perform private.refuse(403, 'riders_only', 'Only active riders report delivery positions');
  end if;
  select * into o from public.orders x where x.id = report_location.order_id;
  if not found or o.rider_id is distinct from me then
    perform private.refuse(403, 'not_your_delivery', 'Only the rider assigned to this order reports its position');
  end if;
  if o.status not in ('accepted', 'preparing', 'ready', 'picked_up') then
    perform private.refuse(409, 'delivery_over', format('The order is %s; positions are taken only during a delivery', o.status), jsonb_build_object('status', o.status));
  end if;
  here := extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography;
  -- The rider's row also serialises their reports, so two at once store one position.
  update public.rider_profiles r set location = here, last_seen_at = reported_at where r.rider_id = me;
  if not exists (
    select 1 from public.rider_locations l
    where l.order_id = o.id and l.rider_id = me and l.recorded_at > reported_at - (private.settings()).location_history_interval
  ) then
    insert into public.rider_locations (rider_id, order_id, location, recorded_at) values (me, o.id, here, reported_at);
    stored := true;
  end if;
  perform realtime.send(
    jsonb_build_object('order_id', o.id, 'rider_id', me, 'lat', lat, 'lng', lng, 'recorded_at', reported_at,
      'eta_minutes', private.delivery_eta_minutes(o, here)),
    'rider_location', 'order:' || o.id, true);
  return jsonb_build_object('stored', stored, 'recorded_at', reported_at);
end
$$;
comment on function private.report_location(uuid, double precision, double precision) is 'The assigned rider''s position during a delivery: broadcast to order:<id>, stored at most once per location_history_interval.';
revoke execute on function private.report_location(uuid, double precision, double precision) from public;
grant execute on function private.report_location(uuid, double precision, double precision) to authenticated;

create function public.report_location(order_id uuid, lat double precision, lng double precision) returns jsonb
language sql
set search_path = ''
as $$
  select private.report_location(order_id, lat, lng)
$$;
comment on function public.report_location(uuid, double precision, double precision) is 'Called by the assigned rider''s device about every 10 seconds during a delivery; returns {stored, recorded_at}.';
revoke execute on function public.report_location(uuid, double precision, double precision) from public, anon;
grant execute on function public.report_location(uuid, double precision, double precision) to authenticated;

-- Live feeds ----------------------------------------------------------------------------------

-- Riders hear of jobs by area: the city is cut into cells of 0.05° of latitude by 0.06° of
-- longitude (about 5.6 × 6.3 km in Pune; at least 5 km wide anywhere in India, so never narrower
-- than the default claim radius), each a private topic jobs:<row>:<col>. A ready job goes to its
-- store's cell only; a rider follows their own cell and the eight around it, so every store within
-- a cell's width of them is heard, and nothing from across the city.
create function private.job_cell(location extensions.geography) returns integer[]
language sql immutable
set search_path = ''
as $$
  select array[floor(extensions.st_y(location::extensions.geometry) / 0.05)::integer,
               floor(extensions.st_x(location::extensions.geometry) / 0.06)::integer]
$$;
comment on function private.job_cell(extensions.geography) is 'The jobs cell {row, col} a point lies in: 0.05° of latitude by 0.06° of longitude.';
revoke execute on function private.job_cell(extensions.geography) from public;

create function private.job_topic(location extensions.geography) returns text
language sql immutable
set search_path = ''
as $$
  select format('jobs:%s:%s', c[1], c[2]) from (select private.job_cell(location) as c) x
$$;
comment on function private.job_topic(extensions.geography) is 'The Realtime topic jobs:<row>:<col> of the cell a point (a store) lies in.';
revoke execute on function private.job_topic(extensions.geography) from public;

-- The topics a rider follows: the cell of their last reported position and its eight neighbours.
create function private.job_topics() returns text[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  here extensions.geography;
  cell integer[];
begin
  if (select private.active_role()) is distinct from 'rider' then
    perform private.refuse(403, 'riders_only', 'Only active riders follow jobs.');
  end if;
  select r.location into here from public.rider_profiles r where r.rider_id = (select auth.uid());
  if here is null then
    return '{}';
  end if;
  cell := private.job_cell(here);
  return array(
    select format('jobs:%s:%s', cell[1] + dr, cell[2] + dc)
    from generate_series(-1, 1) dr, generate_series(-1, 1) dc
    order by dr, dc);
end
$$;
comment on function private.job_topics() is 'job_topics for the API.';
revoke execute on function private.job_topics() from public;
grant execute on function private.job_topics() to authenticated;

create function public.job_topics() returns text[]
language sql stable
set search_path = ''
as $$
  select private.job_topics()
$$;
comment on function public.job_topics() is 'For a rider: the nine jobs:<row>:<col> topics around their last reported position (empty without one); join them again when it changes.';
revoke execute on function public.job_topics() from public, anon;
grant execute on function public.job_topics() to authenticated;

-- A job as the jobs topics show it: where to pick up, how far to deliver, what it pays.
create function private.job_json(o public.orders) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('order_id', o.id, 'store_id', s.id, 'store_name', s.name,
    'store_lat', extensions.st_y(s.location::extensions.geometry), 'store_lng', extensions.st_x(s.location::extensions.geometry),
    'delivery_distance_m', o.delivery_distance_m, 'delivery_fee_paise', o.delivery_fee_paise)
  from public.stores s where s.id = o.store_id
$$;
comment on function private.job_json(public.orders) is 'A ready job as its store''s jobs:<row>:<col> topic carries it.';
revoke execute on function private.job_json(public.orders) from public;

-- A new order reaches its store once the transaction that placed it commits with its items
-- (a deferred trigger, so the items are there).
create function private.announce_new_order() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform realtime.send(private.order_json(new.id), 'new_order', 'store:' || new.store_id, true);
  return null;
end
$$;
comment on function private.announce_new_order() is 'Trigger: sends a placed order, with its items, to store:<store_id>.';
revoke execute on function private.announce_new_order() from public;

create constraint trigger orders_announce_new_order after insert on public.orders
  deferrable initially deferred
  for each row execute function private.announce_new_order();

-- Every status change reaches the order's and the store's topics; a ready order without a rider
-- reaches the riders around its store, and so does its leaving that state (claimed, assigned or
-- cancelled).
create function private.announce_order_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  change jsonb := jsonb_build_object('order_id', new.id, 'status', new.status, 'previous_status', old.status,
    'status_reason', new.status_reason, 'rider_id', new.rider_id, 'updated_at', new.updated_at);
  was_open boolean := old.status = 'ready' and old.rider_id is null;
  is_open boolean := new.status = 'ready' and new.rider_id is null;
  jobs_topic text;
begin
  if new.status is distinct from old.status or new.rider_id is distinct from old.rider_id then
    perform realtime.send(change, 'order_changed', 'order:' || new.id, true);
    perform realtime.send(change, 'order_changed', 'store:' || new.store_id, true);
  end if;
  if is_open <> was_open then
    select private.job_topic(s.location) into jobs_topic from public.stores s where s.id = new.store_id;
  end if;
  if is_open and not was_open then
    perform realtime.send(private.job_json(new), 'job_ready', jobs_topic, true);
  elsif was_open and not is_open then
    perform realtime.send(jsonb_build_object('order_id', new.id), 'job_taken', jobs_topic, true);
  end if;
  return null;
end
$$;
comment on function private.announce_order_change() is 'Trigger: sends status and rider changes to order:<id> and store:<id>, and ready jobs coming and going to the store''s jobs cell.';
revoke execute on function private.announce_order_change() from public;

create trigger orders_announce_order_change after update of status, rider_id on public.orders
  for each row execute function private.announce_order_change();

-- A request to cancel and the store's answer reach the order's and the store's topics.
create function private.announce_cancellation_request() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  request jsonb := to_jsonb(new);
begin
  perform realtime.send(request, 'cancellation_request', 'order:' || new.order_id, true);
  perform realtime.send(request, 'cancellation_request', 'store:' || (select o.store_id from public.orders o where o.id = new.order_id), true);
  return null;
end
$$;
comment on function private.announce_cancellation_request() is 'Trigger: sends a cancellation request, asked or answered, to order:<id> and store:<id>.';
revoke execute on function private.announce_cancellation_request() from public;

create trigger cancellation_requests_announce after insert or update on public.cancellation_requests
  for each row execute function private.announce_cancellation_request();

-- Who receives the order, store and rider topics ------------------------------------------------

-- order:<id> for the order's customer, its store's merchant, its assigned rider and admins;
-- store:<id> for the store's merchant and admins; jobs:<row>:<col> for riders whose last reported
-- position is in that cell or next to it. Only active accounts; only the database sends on these
-- topics.
create function private.is_my_order_topic(topic text) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  my_role public.app_role := (select private.active_role());
  target uuid;
  cell integer[];
begin
  if my_role is null then
    return false;
  elsif topic ~ '^jobs:-?[0-9]{1,5}:-?[0-9]{1,5}$' then
    if my_role <> 'rider' then
      return false;
    end if;
    select private.job_cell(r.location) into cell from public.rider_profiles r where r.rider_id = me and r.location is not null;
    return cell is not null
      and abs(split_part(topic, ':', 2)::integer - cell[1]) <= 1
      and abs(split_part(topic, ':', 3)::integer - cell[2]) <= 1;
  elsif topic !~ '^(order|store):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return false;
  end if;
  target := split_part(topic, ':', 2)::uuid;
  if split_part(topic, ':', 1) = 'store' then
    return exists (select 1 from public.stores s where s.id = target and (my_role = 'admin' or (my_role = 'merchant' and s.owner_id = me)));
  end if;
  return exists (
    select 1 from public.orders o join public.stores s on s.id = o.store_id
    where o.id = target and (my_role = 'admin' or o.customer_id = me or (my_role = 'merchant' and s.owner_id = me) or o.rider_id = me)
  );
end
$$;
comment on function private.is_my_order_topic(text) is 'Whether the signed-in, active user may receive a Realtime topic order:<id>, store:<id> or jobs:<row>:<col> (riders in or next to the cell).';
revoke execute on function private.is_my_order_topic(text) from public;
grant execute on function private.is_my_order_topic(text) to authenticated;

create policy "Order parties, store owners and riders receive their live feeds" on realtime.messages
  for select to authenticated
  using ((select private.is_my_order_topic((select realtime.topic()))));
