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
