-- Riders: one rider profile per rider account, with vehicle, availability and the last known
-- position, made when the account becomes a rider.

create type public.vehicle_type as enum ('bicycle', 'scooter', 'motorcycle', 'electric_scooter');
comment on type public.vehicle_type is 'What a rider delivers on.';

create table public.rider_profiles (
  rider_id uuid primary key references public.profiles (id) on delete cascade,
  vehicle public.vehicle_type not null default 'scooter',
  vehicle_number text constraint rider_profiles_vehicle_number_format
    check (vehicle_number ~ '^[A-Z]{2}[ -]?[0-9]{1,2}[ -]?[A-Z]{0,3}[ -]?[0-9]{1,4}$'),
  is_available boolean not null default false,
  location extensions.geography(point, 4326),
  last_seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.rider_profiles is 'Delivery partners: vehicle, whether they take jobs now, and where they were last seen.';
comment on column public.rider_profiles.vehicle_number is 'Registration plate as issued, e.g. MH 12 AB 1234; null for bicycles.';
comment on column public.rider_profiles.is_available is 'The rider is on shift and takes new jobs.';
comment on column public.rider_profiles.location is 'Last known position (WGS 84 point), reported while on shift.';
comment on column public.rider_profiles.last_seen_at is 'When the rider''s device last reported in.';

revoke all on table public.rider_profiles from anon, authenticated;
grant select on table public.rider_profiles to authenticated;
-- last_seen_at is the database's to write (below): a phone's clock could keep a silent rider "seen".
grant update (vehicle, vehicle_number, is_available, location)
  on table public.rider_profiles to authenticated;
grant all on table public.rider_profiles to service_role;

create index rider_profiles_location_idx on public.rider_profiles using gist (location) where is_available;

create trigger rider_profiles_touch_updated_at before update on public.rider_profiles
  for each row execute function private.touch_updated_at();

-- A rider's own report of position or availability is stamped with the server's clock. Updates by
-- the database's own functions (report_location) and by its owner (seeds) set the time themselves.
create function private.stamp_rider_seen() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user = 'authenticated' then
    new.last_seen_at := now();
  end if;
  return new;
end
$$;
comment on function private.stamp_rider_seen() is 'Trigger on rider_profiles: a rider''s own update of position or availability sets last_seen_at to now().';
revoke execute on function private.stamp_rider_seen() from public;

create trigger rider_profiles_stamp_seen before update of location, is_available on public.rider_profiles
  for each row execute function private.stamp_rider_seen();

alter table public.rider_profiles enable row level security;

create policy "Riders read their own rider profile" on public.rider_profiles
  for select to authenticated
  using (rider_id = (select auth.uid()) and (select private.active_role()) = 'rider');

create policy "Riders update their own availability, vehicle and position" on public.rider_profiles
  for update to authenticated
  using (rider_id = (select auth.uid()) and (select private.active_role()) = 'rider')
  with check (rider_id = (select auth.uid()));

create policy "Admins read every rider profile" on public.rider_profiles
  for select to authenticated
  using ((select private.active_role()) = 'admin');

-- Every rider account has a rider profile; an account that stops being a rider goes off shift,
-- so dispatch never offers it a job.
create function private.sync_rider_profile() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.role = 'rider' then
    insert into public.rider_profiles (rider_id) values (new.id) on conflict (rider_id) do nothing;
  else
    update public.rider_profiles r set is_available = false where r.rider_id = new.id and r.is_available;
  end if;
  return null;
end
$$;
comment on function private.sync_rider_profile() is 'Trigger on profiles: gives every rider account its rider profile and takes former riders off shift.';
revoke execute on function private.sync_rider_profile() from public;

create trigger profiles_sync_rider_profile after insert or update of role on public.profiles
  for each row execute function private.sync_rider_profile();
