-- Saved delivery addresses: a customer's Home, Work and other places, each a pin on the map with
-- the words a rider needs (house or flat, street, landmark) and a phone to call on arrival; at most
-- one is the default, which the app uses as the customer's location for discovery. Checkout sends
-- the chosen address's text, point and phone, and the order keeps that snapshot (orders.delivery_*),
-- so editing or removing an address never changes an order already placed.
-- Places: the city's gazetteer (localities and well-known landmarks) behind one function,
-- search_places, that a real geocoder can replace without the app changing.

-- Addresses -----------------------------------------------------------------------------------

create type public.address_label as enum ('home', 'work', 'other');
comment on type public.address_label is 'What a customer calls a saved address: Home, Work or another place.';

create table public.addresses (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  label public.address_label not null default 'home',
  house text not null constraint addresses_house_length check (char_length(btrim(house)) between 1 and 100),
  street text not null constraint addresses_street_length check (char_length(btrim(street)) between 3 and 150),
  landmark text constraint addresses_landmark_length check (char_length(btrim(landmark)) between 1 and 100),
  location extensions.geography(point, 4326) not null,
  phone text not null constraint addresses_phone_format check (phone ~ '^\+?[0-9]{10,15}$'),
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.addresses is 'A customer''s saved delivery addresses (owner only): label, house or flat, street, landmark, the pin, the phone a rider calls; at most one default.';
comment on column public.addresses.house is 'House or flat number and building, as the rider looks for it.';
comment on column public.addresses.landmark is 'Something near that a rider can ask for, e.g. "Opposite Kothrud Depot".';
comment on column public.addresses.location is 'The pin the customer placed (WGS 84 point); delivery fees and radius are measured to it.';
comment on column public.addresses.phone is 'Who the rider calls at this address: digits with an optional leading +.';
comment on column public.addresses.is_default is 'The address checkout starts with and discovery is centred on; at most one per customer.';

-- At most one default each; saving a new default clears the old one (trigger below).
create unique index addresses_one_default_idx on public.addresses (customer_id) where is_default;
create index addresses_customer_id_idx on public.addresses (customer_id);

revoke all on table public.addresses from anon, authenticated;
grant select, delete on table public.addresses to authenticated;
grant insert (label, house, street, landmark, location, phone, is_default) on table public.addresses to authenticated;
grant update (label, house, street, landmark, location, phone, is_default) on table public.addresses to authenticated;
grant all on table public.addresses to service_role;

-- Keeps one default per customer: the address saved as default takes the flag from the others,
-- and the first address saved becomes the default. Runs as the caller: only their rows change.
create function private.addresses_keep_one_default() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  if tg_op = 'INSERT' and not exists (select from public.addresses a where a.customer_id = new.customer_id) then
    new.is_default := true;
  end if;
  if new.is_default then
    update public.addresses a set is_default = false
    where a.customer_id = new.customer_id and a.is_default and a.id <> new.id;
  end if;
  return new;
end
$$;
comment on function private.addresses_keep_one_default() is 'Before an address is saved: stamps updated_at, makes a customer''s first address the default, and clears the flag on the others when this one is the default.';
revoke execute on function private.addresses_keep_one_default() from public;

create trigger addresses_keep_one_default before insert or update on public.addresses
  for each row execute function private.addresses_keep_one_default();

alter table public.addresses enable row level security;

create policy "Customers see their own addresses" on public.addresses
  for select to authenticated
  using (customer_id = (select auth.uid()) and (select private.active_role()) = 'customer');

create policy "Customers save addresses for themselves" on public.addresses
  for insert to authenticated
  with check (customer_id = (select auth.uid()) and (select private.active_role()) = 'customer');

create policy "Customers edit their own addresses" on public.addresses
  for update to authenticated
  using (customer_id = (select auth.uid()) and (select private.active_role()) = 'customer')
  with check (customer_id = (select auth.uid()));

create policy "Customers remove their own addresses" on public.addresses
  for delete to authenticated
  using (customer_id = (select auth.uid()) and (select private.active_role()) = 'customer');

-- A saved address as clients use it: the pin as lat/lng, and the line checkout sends.
create view public.my_addresses with (security_invoker = true) as
  select a.id, a.label, a.house, a.street, a.landmark, a.phone, a.is_default,
         extensions.st_y(a.location::extensions.geometry) as lat,
         extensions.st_x(a.location::extensions.geometry) as lng,
         concat_ws(', ', btrim(a.house), btrim(a.street), 'near ' || nullif(btrim(a.landmark), '')) as line,
         a.created_at, a.updated_at
  from public.addresses a;
comment on view public.my_addresses is 'The caller''s saved addresses (the table''s policies apply), the pin as lat/lng and `line` the text an order keeps; the default first is up to the reader (order by is_default desc).';
revoke all on public.my_addresses from anon, authenticated;
grant select on public.my_addresses to authenticated, service_role;

-- Places --------------------------------------------------------------------------------------

create table public.places (
  id bigint generated always as identity primary key,
  name text not null constraint places_name_unique unique,
  kind text not null constraint places_kind check (kind in ('locality', 'landmark')),
  pin_code text constraint places_pin_code_format check (pin_code ~ '^[1-9][0-9]{5}$'),
  location extensions.geography(point, 4326) not null
);
comment on table public.places is 'The city''s gazetteer: localities and well-known landmarks with their points, read through search_places. Reference data, the same for everyone.';

revoke all on table public.places from anon, authenticated;
grant select on table public.places to anon, authenticated;
grant all on table public.places to service_role;

create index places_name_trgm_idx on public.places using gin (lower(name) extensions.gin_trgm_ops);

alter table public.places enable row level security;

create policy "Anyone reads the gazetteer" on public.places
  for select to anon, authenticated
  using (true);

insert into public.places (name, kind, pin_code, location)
select name, kind, pin, extensions.st_setsrid(extensions.st_makepoint(lng, lat), 4326)::extensions.geography
from (values
  ('Sadashiv Peth', 'locality', '411030', 18.5107, 73.8493),
  ('Kasba Peth', 'locality', '411011', 18.5196, 73.8591),
  ('Shivajinagar', 'locality', '411005', 18.5308, 73.8475),
  ('Deccan Gymkhana', 'locality', '411004', 18.5158, 73.8418),
  ('Erandwane', 'locality', '411004', 18.5095, 73.833),
  ('Model Colony', 'locality', '411016', 18.528, 73.838),
  ('Swargate', 'locality', '411042', 18.5018, 73.8636),
  ('Market Yard', 'locality', '411037', 18.487, 73.868),
  ('Camp', 'locality', '411001', 18.5158, 73.8793),
  ('Koregaon Park', 'locality', '411001', 18.5362, 73.894),
  ('Kalyani Nagar', 'locality', '411006', 18.5463, 73.9033),
  ('Yerawada', 'locality', '411006', 18.5515, 73.88),
  ('Viman Nagar', 'locality', '411014', 18.5679, 73.9143),
  ('Kharadi', 'locality', '411014', 18.5515, 73.9348),
  ('Wagholi', 'locality', '412207', 18.5808, 73.9787),
  ('Vishrantwadi', 'locality', '411015', 18.5726, 73.8782),
  ('Dhanori', 'locality', '411015', 18.5917, 73.8987),
  ('Lohegaon', 'locality', '411047', 18.596, 73.926),
  ('Mundhwa', 'locality', '411036', 18.533, 73.9296),
  ('Hadapsar', 'locality', '411028', 18.5089, 73.926),
  ('Magarpatta', 'locality', '411013', 18.5147, 73.9299),
  ('Wanowrie', 'locality', '411040', 18.4902, 73.9003),
  ('Kondhwa', 'locality', '411048', 18.4663, 73.8974),
  ('Undri', 'locality', '411060', 18.4517, 73.9146),
  ('Bibwewadi', 'locality', '411037', 18.4706, 73.8656),
  ('Katraj', 'locality', '411046', 18.4484, 73.8585),
  ('Dhankawadi', 'locality', '411043', 18.4602, 73.8535),
  ('Vadgaon Budruk', 'locality', '411041', 18.468, 73.82),
  ('Karve Nagar', 'locality', '411052', 18.4894, 73.819),
  ('Warje', 'locality', '411058', 18.4847, 73.801),
  ('Kothrud', 'locality', '411038', 18.5074, 73.8077),
  ('Bavdhan', 'locality', '411021', 18.5158, 73.7806),
  ('Pashan', 'locality', '411021', 18.5383, 73.792),
  ('Sus', 'locality', '411021', 18.547, 73.758),
  ('Baner', 'locality', '411045', 18.559, 73.7868),
  ('Balewadi', 'locality', '411045', 18.576, 73.7791),
  ('Aundh', 'locality', '411007', 18.558, 73.8075),
  ('Khadki', 'locality', '411003', 18.5635, 73.852),
  ('Wakad', 'locality', '411057', 18.5989, 73.76),
  ('Hinjewadi', 'locality', '411057', 18.5913, 73.7389),
  ('Pimple Saudagar', 'locality', '411027', 18.598, 73.801),
  ('Pimpri', 'locality', '411018', 18.6279, 73.8009),
  ('Chinchwad', 'locality', '411033', 18.6436, 73.792),
  ('Nigdi', 'locality', '411044', 18.6513, 73.7707),
  ('Ravet', 'locality', '412101', 18.649, 73.743),
  ('Bhosari', 'locality', '411026', 18.6288, 73.847),
  ('Shaniwar Wada', 'landmark', '411030', 18.5195, 73.8553),
  ('Dagdusheth Halwai Ganpati Temple', 'landmark', '411002', 18.5164, 73.8560),
  ('Pune Railway Station', 'landmark', '411001', 18.5289, 73.8744),
  ('Swargate Bus Stand', 'landmark', '411042', 18.5018, 73.8636),
  ('Sarasbaug', 'landmark', '411030', 18.5003, 73.8518),
  ('Parvati Hill', 'landmark', '411009', 18.4973, 73.8466),
  ('Fergusson College', 'landmark', '411004', 18.5236, 73.8397),
  ('Balgandharva Rangmandir', 'landmark', '411004', 18.5225, 73.8478),
  ('Savitribai Phule Pune University', 'landmark', '411007', 18.5523, 73.8253),
  ('Chatushrungi Temple', 'landmark', '411016', 18.5392, 73.8297),
  ('Aga Khan Palace', 'landmark', '411006', 18.5524, 73.9015),
  ('Ruby Hall Clinic', 'landmark', '411001', 18.5326, 73.8773),
  ('Pune Airport', 'landmark', '411032', 18.5793, 73.9089),
  ('Phoenix Marketcity', 'landmark', '411014', 18.5622, 73.9167),
  ('Kothrud Depot', 'landmark', '411038', 18.5045, 73.8020),
  ('Rajiv Gandhi Zoological Park', 'landmark', '411046', 18.4523, 73.8636)
) as p (name, kind, pin, lat, lng);

create function public.search_places(q text, max_results integer default 8)
returns table (name text, kind text, pin_code text, lat double precision, lng double precision)
language sql stable
set search_path = ''
as $$
  select p.name, p.kind, p.pin_code,
         extensions.st_y(p.location::extensions.geometry), extensions.st_x(p.location::extensions.geometry)
  from public.places p
  where char_length(btrim(q)) between 2 and 100
    and (lower(p.name) like '%' || lower(btrim(q)) || '%'
         or extensions.word_similarity(lower(btrim(q)), lower(p.name)) >= 0.5)
  order by lower(p.name) like lower(btrim(q)) || '%' desc,
           extensions.word_similarity(lower(btrim(q)), lower(p.name)) desc,
           p.name
  limit least(greatest(coalesce(max_results, 8), 1), 20)
$$;
comment on function public.search_places(text, integer) is 'Localities and landmarks whose names match q (2 to 100 characters; by substring, or typo-tolerant by trigram word similarity), names starting with q first: name, kind, PIN code, lat, lng. The one place a geocoding service would plug in.';
revoke execute on function public.search_places(text, integer) from public;
grant execute on function public.search_places(text, integer) to anon, authenticated, service_role;
