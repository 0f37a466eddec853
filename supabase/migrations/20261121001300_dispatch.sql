-- Dispatch and handover: the merchant assigns one of the nearest available riders, or riders
-- near the store claim ready jobs (first claim wins); only the current rider moves the order
-- on; delivery needs what only the customer has: the token in their QR code (signed by the
-- platform, verified offline by the rider's phone) or the 4-digit code (online only); five
-- wrong tries lock it.

-- Riders ------------------------------------------------------------------------------------

-- A rider who can take a job now: an active rider account, on shift, with a recent position,
-- and no live delivery already.
create function private.rider_is_free(rider_id uuid) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (
    select 1
    from public.rider_profiles r
    join public.profiles p on p.id = r.rider_id
    where r.rider_id = rider_is_free.rider_id
      and p.role = 'rider' and p.status = 'active'
      and r.is_available and r.location is not null
      and r.last_seen_at > now() - (private.settings()).rider_location_timeout
  ) and not exists (
    select 1 from public.orders o
    where o.rider_id = rider_is_free.rider_id and o.status in ('accepted', 'preparing', 'ready', 'picked_up')
  )
$$;
comment on function private.rider_is_free(uuid) is 'Whether a rider can take a job now: active, on shift, seen recently, not delivering another order.';
revoke execute on function private.rider_is_free(uuid) from public;

create function private.suggest_riders(order_id uuid, max_results integer)
returns table (rider_id uuid, full_name text, vehicle public.vehicle_type, distance_m double precision, last_seen_at timestamptz)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  o public.orders;
  store_location extensions.geography;
begin
  if max_results is null or max_results not between 1 and 50 then
    raise exception 'max_results must be between 1 and 50, got %', coalesce(max_results::text, 'null') using errcode = '22023';
  end if;
  select * into o from public.orders where id = suggest_riders.order_id;
  if not found or coalesce(private.order_actor(o), '') not in ('merchant', 'admin') then
    perform private.refuse(404, 'order_not_found', 'No such order among yours.', jsonb_build_object('order_id', order_id));
  end if;
  select s.location into store_location from public.stores s where s.id = o.store_id;
  -- Nearest first over the GiST index of on-shift riders; the busy and silent are skipped.
  return query
    select r.rider_id, p.full_name, r.vehicle, extensions.st_distance(r.location, store_location, false), r.last_seen_at
    from public.rider_profiles r
    join public.profiles p on p.id = r.rider_id
    where r.is_available and private.rider_is_free(r.rider_id)
    order by r.location operator(extensions.<->) store_location
    limit max_results;
end
$$;
comment on function private.suggest_riders(uuid, integer) is 'suggest_riders for the API.';
revoke execute on function private.suggest_riders(uuid, integer) from public;
grant execute on function private.suggest_riders(uuid, integer) to authenticated, service_role;

create function public.suggest_riders(order_id uuid, max_results integer default 10)
returns table (rider_id uuid, full_name text, vehicle public.vehicle_type, distance_m double precision, last_seen_at timestamptz)
language sql stable
set search_path = ''
as $$
  select * from private.suggest_riders(order_id, max_results)
$$;
comment on function public.suggest_riders(uuid, integer) is 'For the store''s merchant (or an admin): the free riders nearest the store, with distance in metres and when each was last seen.';
revoke execute on function public.suggest_riders(uuid, integer) from public, anon;
grant execute on function public.suggest_riders(uuid, integer) to authenticated, service_role;

create function private.assign_rider(order_id uuid, rider_id uuid) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{merchant,admin}');
  assigned public.orders;
begin
  if o.status not in ('accepted', 'preparing', 'ready') then
    perform private.refuse(409, 'invalid_transition', format('A %s order cannot get a rider.', o.status),
      jsonb_build_object('order_id', o.id, 'status', o.status));
  end if;
  if o.rider_id is not distinct from assign_rider.rider_id then
    return o;
  end if;
  -- Lock the rider's profile so two stores cannot both assign the same free rider.
  perform from public.rider_profiles r where r.rider_id = assign_rider.rider_id for update;
  if not private.rider_is_free(assign_rider.rider_id) then
    perform private.refuse(409, 'rider_unavailable', 'This rider cannot take a job now.', jsonb_build_object('rider_id', rider_id));
  end if;
  update public.orders set rider_id = assign_rider.rider_id where id = o.id returning * into assigned;
  return assigned;
end
$$;
comment on function private.assign_rider(uuid, uuid) is 'assign_rider for the API.';
revoke execute on function private.assign_rider(uuid, uuid) from public;
grant execute on function private.assign_rider(uuid, uuid) to authenticated, service_role;

create function public.assign_rider(order_id uuid, rider_id uuid) returns public.orders
language sql
set search_path = ''
as $$
  select private.assign_rider(order_id, rider_id)
$$;
comment on function public.assign_rider(uuid, uuid) is 'The store''s merchant (or an admin) gives an accepted, preparing or ready order to a free rider, replacing any earlier one.';
revoke execute on function public.assign_rider(uuid, uuid) from public, anon;
grant execute on function public.assign_rider(uuid, uuid) to authenticated, service_role;

-- Jobs for riders ---------------------------------------------------------------------------

create function private.ready_jobs(max_results integer)
returns table (order_id uuid, store_id uuid, store_name text, store_address text, store_lat double precision,
               store_lng double precision, distance_to_store_m double precision, delivery_distance_m integer,
               items integer, ready_since timestamptz)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  here extensions.geography;
begin
  if max_results is null or max_results not between 1 and 50 then
    raise exception 'max_results must be between 1 and 50, got %', coalesce(max_results::text, 'null') using errcode = '22023';
  end if;
  if private.active_role() is distinct from 'rider' then
    perform private.refuse(403, 'riders_only', 'Only active riders see jobs.');
  end if;
  select r.location into here from public.rider_profiles r where r.rider_id = (select auth.uid());
  if here is null then
    return;
  end if;
  return query
    select o.id, s.id, s.name, s.address, extensions.st_y(s.location::extensions.geometry), extensions.st_x(s.location::extensions.geometry),
           extensions.st_distance(s.location, here, false), o.delivery_distance_m,
           (select count(*)::integer from public.order_items i where i.order_id = o.id and not i.unavailable), o.updated_at
    from public.orders o
    join public.stores s on s.id = o.store_id
    where o.status = 'ready' and o.rider_id is null
      and extensions.st_dwithin(s.location, here, (private.settings()).claim_radius_m, false)
    order by extensions.st_distance(s.location, here, false)
    limit max_results;
end
$$;
comment on function private.ready_jobs(integer) is 'ready_jobs for the API.';
revoke execute on function private.ready_jobs(integer) from public;
grant execute on function private.ready_jobs(integer) to authenticated, service_role;

create function public.ready_jobs(max_results integer default 20)
returns table (order_id uuid, store_id uuid, store_name text, store_address text, store_lat double precision,
               store_lng double precision, distance_to_store_m double precision, delivery_distance_m integer,
               items integer, ready_since timestamptz)
language sql stable
set search_path = ''
as $$
  select * from private.ready_jobs(max_results)
$$;
comment on function public.ready_jobs(integer) is 'For a rider: unclaimed ready orders at stores within the claim radius of the rider''s last position, nearest first.';
revoke execute on function public.ready_jobs(integer) from public, anon;
grant execute on function public.ready_jobs(integer) to authenticated, service_role;

create function private.claim_delivery(order_id uuid) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  o public.orders;
  claimed public.orders;
begin
  if private.active_role() is distinct from 'rider' then
    perform private.refuse(403, 'riders_only', 'Only active riders claim deliveries.');
  end if;
  -- Serialises this rider's claims, so one rider cannot win two jobs at once.
  perform from public.rider_profiles r where r.rider_id = me for update;
  if not private.rider_is_free(me) then
    perform private.refuse(409, 'rider_unavailable', 'Go on shift with a recent location, and finish your current delivery, to claim a job.');
  end if;
  select * into o from public.orders where id = claim_delivery.order_id for update;
  if not found or o.status <> 'ready' then
    perform private.refuse(404, 'job_not_found', 'No ready job with this id.', jsonb_build_object('order_id', order_id));
  end if;
  if o.rider_id is not null then
    perform private.refuse(409, 'already_claimed', 'Another rider took this job.', jsonb_build_object('order_id', o.id));
  end if;
  if not exists (
    select 1 from public.stores s join public.rider_profiles r on r.rider_id = me
    where s.id = o.store_id and extensions.st_dwithin(s.location, r.location, (private.settings()).claim_radius_m, false)
  ) then
    perform private.refuse(409, 'too_far', 'You are too far from the store to claim this job.',
      jsonb_build_object('order_id', o.id, 'claim_radius_m', (private.settings()).claim_radius_m));
  end if;
  update public.orders set rider_id = me where id = o.id returning * into claimed;
  return claimed;
end
$$;
comment on function private.claim_delivery(uuid) is 'claim_delivery for the API.';
revoke execute on function private.claim_delivery(uuid) from public;
grant execute on function private.claim_delivery(uuid) to authenticated, service_role;

create function public.claim_delivery(order_id uuid) returns public.orders
language sql
set search_path = ''
as $$
  select private.claim_delivery(order_id)
$$;
comment on function public.claim_delivery(uuid) is 'A free rider near the store takes a ready, unassigned job. The first claim wins; later ones get 409 already_claimed.';
revoke execute on function public.claim_delivery(uuid) from public, anon;
grant execute on function public.claim_delivery(uuid) to authenticated, service_role;

create function private.release_delivery(order_id uuid) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{rider}');
  released public.orders;
begin
  if o.status not in ('accepted', 'preparing', 'ready') then
    perform private.refuse(409, 'invalid_transition', 'A job can be given up only before pickup.',
      jsonb_build_object('order_id', o.id, 'status', o.status));
  end if;
  update public.orders set rider_id = null where id = o.id returning * into released;
  return released;
end
$$;
comment on function private.release_delivery(uuid) is 'release_delivery for the API.';
revoke execute on function private.release_delivery(uuid) from public;
grant execute on function private.release_delivery(uuid) to authenticated, service_role;

create function public.release_delivery(order_id uuid) returns public.orders
language sql
set search_path = ''
as $$
  select private.release_delivery(order_id)
$$;
comment on function public.release_delivery(uuid) is 'The current rider gives a job up before pickup; it returns to the pool of ready jobs.';
revoke execute on function public.release_delivery(uuid) from public, anon;
grant execute on function public.release_delivery(uuid) to authenticated, service_role;

-- Handover signing: ECDSA over P-256 with SHA-256, in plain SQL and PL/pgSQL --------------------
-- pgcrypto has no public-key signatures, so the curve arithmetic is written here on numeric;
-- only the base point is ever multiplied. Signing takes tens of milliseconds, once per order.

create function private.p256(name text) returns numeric
language sql immutable parallel safe
set search_path = ''
as $$
  select case name
    when 'p' then 115792089210356248762697446949407573530086143415290314195533631308867097853951
    when 'n' then 115792089210356248762697446949407573529996955224135760342422259061068512044369
    when 'gx' then 48439561293906451759052585252797914202762949526041747995844080717082404635286
    when 'gy' then 36134250956749795798585127919587881956611106672985015071877198253568414405109
  end
$$;
comment on function private.p256(text) is 'The P-256 curve''s constants: field prime p, group order n, base point gx, gy.';
revoke execute on function private.p256(text) from public;

create function private.int_of(bytes bytea) returns numeric
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  x numeric := 0;
begin
  for i in 0 .. length(bytes) - 1 loop
    x := x * 256 + get_byte(bytes, i);
  end loop;
  return x;
end
$$;
comment on function private.int_of(bytea) is 'A big-endian unsigned integer from its bytes.';
revoke execute on function private.int_of(bytea) from public;

create function private.bytes_of(x numeric, size integer) returns bytea
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  out bytea := ''::bytea;
begin
  for i in 1 .. size loop
    out := set_byte('\x00'::bytea, 0, mod(x, 256)::integer) || out;
    x := div(x, 256);
  end loop;
  return out;
end
$$;
comment on function private.bytes_of(numeric, integer) is 'A non-negative integer as exactly size big-endian bytes.';
revoke execute on function private.bytes_of(numeric, integer) from public;

create function private.mod_inverse(a numeric, m numeric) returns numeric
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  r0 numeric := m;
  r1 numeric := mod(mod(a, m) + m, m);
  t0 numeric := 0;
  t1 numeric := 1;
  q numeric;
  tmp numeric;
begin
  while r1 <> 0 loop
    q := div(r0, r1);
    tmp := r0 - q * r1; r0 := r1; r1 := tmp;
    tmp := t0 - q * t1; t0 := t1; t1 := tmp;
  end loop;
  return mod(t0 + m, m);
end
$$;
comment on function private.mod_inverse(numeric, numeric) is 'The inverse of a modulo the prime m (extended Euclid).';
revoke execute on function private.mod_inverse(numeric, numeric) from public;

-- Points in Jacobian coordinates (X, Y, Z) on P-256 (a = -3); Z = 0 is the point at infinity.
create function private.p256_double(inout x numeric, inout y numeric, inout z numeric)
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  p constant numeric := private.p256('p');
  delta numeric; gamma numeric; beta numeric; alpha numeric;
begin
  if z = 0 then
    return;
  end if;
  -- dbl-2001-b
  delta := mod(z * z, p);
  gamma := mod(y * y, p);
  beta := mod(x * gamma, p);
  alpha := mod(3 * (x - delta) * (x + delta), p);
  z := mod(mod((y + z) * (y + z) - gamma - delta, p) + p, p);
  x := mod(mod(alpha * alpha - 8 * beta, p) + p, p);
  y := mod(mod(alpha * (4 * beta - x) - 8 * gamma * gamma, p) + p, p);
end
$$;
comment on function private.p256_double(numeric, numeric, numeric) is 'Doubles a P-256 point in Jacobian coordinates.';
revoke execute on function private.p256_double(numeric, numeric, numeric) from public;

create function private.p256_add_base(inout x numeric, inout y numeric, inout z numeric)
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  p constant numeric := private.p256('p');
  gx constant numeric := private.p256('gx');
  gy constant numeric := private.p256('gy');
  z2 numeric; h numeric; r numeric; hh numeric; hhh numeric; v numeric;
begin
  if z = 0 then
    x := gx; y := gy; z := 1;
    return;
  end if;
  z2 := mod(z * z, p);
  h := mod(mod(gx * z2, p) - x + p, p);
  r := mod(mod(gy * z * z2, p) - y + p, p);
  if h = 0 then
    if r = 0 then
      select d.x, d.y, d.z into x, y, z from private.p256_double(x, y, z) d;
    else
      x := 1; y := 1; z := 0;
    end if;
    return;
  end if;
  hh := mod(h * h, p);
  hhh := mod(h * hh, p);
  v := mod(x * hh, p);
  z := mod(z * h, p);
  y := mod(-y * hhh, p);
  x := mod(mod(r * r - hhh - 2 * v, p) + 3 * p, p);
  y := mod(mod(r * (v - x) + y, p) + p, p);
end
$$;
comment on function private.p256_add_base(numeric, numeric, numeric) is 'Adds the P-256 base point to a point in Jacobian coordinates.';
revoke execute on function private.p256_add_base(numeric, numeric, numeric) from public;

-- Every bit costs a doubling and an addition, used or not, over a fixed 257 bits, so the time
-- says little about k.
create function private.p256_base_multiply(k numeric, out x numeric, out y numeric)
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  p constant numeric := private.p256('p');
  n constant numeric := private.p256('n');
  bits text := '';
  rx numeric := 1; ry numeric := 1; rz numeric := 0;
  sx numeric; sy numeric; sz numeric;
  zi numeric;
begin
  k := mod(k, n);
  if k = 0 then
    raise exception 'the scalar must not be a multiple of the group order' using errcode = '22023';
  end if;
  -- k + n or k + 2n: the same point, always 257 bits long.
  k := case when k + n >= 2 ^ 256::numeric then k + n else k + 2 * n end;
  while k > 0 loop
    bits := mod(k, 2)::text || bits;
    k := div(k, 2);
  end loop;
  for i in 1 .. length(bits) loop
    select d.x, d.y, d.z into rx, ry, rz from private.p256_double(rx, ry, rz) d;
    select a.x, a.y, a.z into sx, sy, sz from private.p256_add_base(rx, ry, rz) a;
    if substr(bits, i, 1) = '1' then
      rx := sx; ry := sy; rz := sz;
    end if;
  end loop;
  zi := private.mod_inverse(rz, p);
  x := mod(rx * zi * zi, p);
  y := mod(ry * zi * zi * zi, p);
end
$$;
comment on function private.p256_base_multiply(numeric) is 'k times the P-256 base point, as affine x and y.';
revoke execute on function private.p256_base_multiply(numeric) from public;

-- A scalar in [1, n - 1] from 512 bits of hash over fresh randomness (and, for signatures, the
-- key and the digest too, so a weak random source alone does not give the key away).
create function private.p256_scalar(extra bytea) returns numeric
language sql volatile
set search_path = ''
as $$
  select mod(private.int_of(sha512(
    uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()) ||
    uuid_send(gen_random_uuid()) || coalesce(extra, ''::bytea))), private.p256('n') - 1) + 1
$$;
comment on function private.p256_scalar(bytea) is 'A fresh random P-256 scalar in [1, n - 1].';
revoke execute on function private.p256_scalar(bytea) from public;

-- ECDSA P-256 / SHA-256 as WebCrypto verifies it: r and s, 32 bytes each.
create function private.p256_sign(message bytea, private_key numeric) returns bytea
language plpgsql volatile strict
set search_path = ''
as $$
declare
  n constant numeric := private.p256('n');
  e numeric := private.int_of(sha256(message));
  k numeric;
  r numeric;
  s numeric;
begin
  loop
    k := private.p256_scalar(private.bytes_of(private_key, 32) || sha256(message));
    r := mod((private.p256_base_multiply(k)).x, n);
    s := mod(private.mod_inverse(k, n) * (e + r * private_key), n);
    exit when r <> 0 and s <> 0;
  end loop;
  return private.bytes_of(r, 32) || private.bytes_of(s, 32);
end
$$;
comment on function private.p256_sign(bytea, numeric) is 'An ECDSA P-256 SHA-256 signature of message (r || s, 64 bytes).';
revoke execute on function private.p256_sign(bytea, numeric) from public;

create function private.base64url(bytes bytea) returns text
language sql immutable strict parallel safe
set search_path = ''
as $$
  select translate(encode(bytes, 'base64'), E'+/=\n', '-_')
$$;
comment on function private.base64url(bytea) is 'Bytes as unpadded base64url text.';
revoke execute on function private.base64url(bytea) from public;

-- Handover codes and tokens ------------------------------------------------------------------

-- The platform's signing key for handover tokens, made inside the database when this migration
-- runs; no API role can read it (only the security-definer functions below use it).
create table private.handover_signing_key (
  id boolean primary key default true constraint handover_signing_key_single check (id),
  private_key numeric not null constraint handover_signing_key_range check (private_key between 1 and private.p256('n') - 1),
  public_key bytea not null constraint handover_signing_key_point check (length(public_key) = 65 and get_byte(public_key, 0) = 4),
  created_at timestamptz not null default now()
);
comment on table private.handover_signing_key is 'The ECDSA P-256 key that signs handover tokens: the private half never leaves the database, the public half (uncompressed point) goes to riders'' phones.';

alter table private.handover_signing_key enable row level security;
revoke all on private.handover_signing_key from public, anon, authenticated, service_role;

insert into private.handover_signing_key (private_key, public_key)
select k.d, '\x04'::bytea || private.bytes_of(q.x, 32) || private.bytes_of(q.y, 32)
from (select private.p256_scalar(null) as d) k, private.p256_base_multiply(k.d) q;

create table private.handover_codes (
  order_id uuid primary key references public.orders (id) on delete cascade,
  code text not null constraint handover_codes_code_format check (code ~ '^[0-9]{4}$'),
  nonce text not null constraint handover_codes_nonce_format check (nonce ~ '^[A-Za-z0-9_-]{22}$'),
  token text,
  failed_attempts integer not null default 0,
  locked_at timestamptz
);
comment on table private.handover_codes is 'Each order''s handover secrets, shown only to its customer: the 4-digit code (checked online, attempts counted) and the signed token the rider''s phone verifies offline.';
comment on column private.handover_codes.nonce is '128 random bits (base64url) in the token: nothing the rider can read reveals it.';
comment on column private.handover_codes.token is 'order id, nonce and the platform''s ECDSA P-256 signature of both (see private.handover_token); signed the first time the customer asks.';
comment on column private.handover_codes.locked_at is 'Set after admin.settings.handover_max_attempts wrong codes or tokens; the store or an admin unlocks.';

alter table private.handover_codes enable row level security;
revoke all on private.handover_codes from public, anon, authenticated, service_role;

create function private.create_handover_code() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Uniform over 0000-9999: 32 random bits mod 10,000 (the bias is under 1 in 400,000).
  code text := lpad((('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))::bit(32)::bigint % 10000)::text, 4, '0');
  nonce text := private.base64url(substr(sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())), 1, 16));
begin
  insert into private.handover_codes (order_id, code, nonce) values (new.id, code, nonce);
  return null;
end
$$;
comment on function private.create_handover_code() is 'Trigger on orders: gives every new order its random handover code and token nonce.';
revoke execute on function private.create_handover_code() from public;

create trigger orders_create_handover_code after insert on public.orders
  for each row execute function private.create_handover_code();

create function private.handover_code(order_id uuid) returns text
language plpgsql stable security definer
set search_path = ''
as $$
declare
  o public.orders;
begin
  select * into o from public.orders where id = handover_code.order_id;
  if not found or private.order_actor(o) is distinct from 'customer' then
    perform private.refuse(404, 'order_not_found', 'No such order among yours.', jsonb_build_object('order_id', order_id));
  end if;
  return (select h.code from private.handover_codes h where h.order_id = o.id);
end
$$;
comment on function private.handover_code(uuid) is 'handover_code for the API.';
revoke execute on function private.handover_code(uuid) from public;
grant execute on function private.handover_code(uuid) to authenticated, service_role;

create function public.handover_code(order_id uuid) returns text
language sql stable
set search_path = ''
as $$
  select private.handover_code(order_id)
$$;
comment on function public.handover_code(uuid) is 'The order''s 4-digit handover code, for its customer only: they tell it to the rider at the door (checked online only, by deliver_order).';
revoke execute on function public.handover_code(uuid) from public, anon;
grant execute on function public.handover_code(uuid) to authenticated, service_role;

-- The signed text: what a rider's phone rebuilds from the token to verify it.
create function private.handover_message(order_id uuid, nonce text) returns bytea
language sql immutable
set search_path = ''
as $$
  select convert_to('kirana-handover:' || order_id || ':' || nonce, 'UTF8')
$$;
comment on function private.handover_message(uuid, text) is 'The bytes a handover token''s signature covers: "kirana-handover:<order id>:<nonce>".';
revoke execute on function private.handover_message(uuid, text) from public;

create function private.handover_token(order_id uuid) returns text
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders;
  h private.handover_codes;
begin
  select * into o from public.orders where id = handover_token.order_id;
  if not found or private.order_actor(o) is distinct from 'customer' then
    perform private.refuse(404, 'order_not_found', 'No such order among yours.', jsonb_build_object('order_id', order_id));
  end if;
  select * into h from private.handover_codes c where c.order_id = o.id for update;
  if h.token is null then
    update private.handover_codes c
    set token = o.id || '.' || h.nonce || '.' || private.base64url(private.p256_sign(private.handover_message(o.id, h.nonce),
      (select k.private_key from private.handover_signing_key k)))
    where c.order_id = o.id
    returning * into h;
  end if;
  return h.token;
end
$$;
comment on function private.handover_token(uuid) is 'handover_token for the API.';
revoke execute on function private.handover_token(uuid) from public;
grant execute on function private.handover_token(uuid) to authenticated, service_role;

create function public.handover_token(order_id uuid) returns text
language sql
set search_path = ''
as $$
  select private.handover_token(order_id)
$$;
comment on function public.handover_token(uuid) is 'For the order''s customer only: the handover token "<order id>.<nonce>.<signature>" to show as a QR code. The signature (ECDSA P-256 SHA-256, base64url r || s) covers "kirana-handover:<order id>:<nonce>"; the rider''s phone verifies it offline with the key from handover_check.';
revoke execute on function public.handover_token(uuid) from public, anon;
grant execute on function public.handover_token(uuid) to authenticated, service_role;

create function private.handover_check(order_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  o public.orders;
  h private.handover_codes;
begin
  select * into o from public.orders where id = handover_check.order_id;
  if not found or private.order_actor(o) is distinct from 'rider' then
    perform private.refuse(404, 'order_not_found', 'No such order among yours.', jsonb_build_object('order_id', order_id));
  end if;
  select * into h from private.handover_codes c where c.order_id = o.id;
  return jsonb_build_object(
    'order_id', o.id,
    'public_key', (select private.base64url(k.public_key) from private.handover_signing_key k),
    'algorithm', 'ECDSA P-256 SHA-256',
    'attempts_left', greatest((private.settings()).handover_max_attempts - h.failed_attempts, 0),
    'locked', h.locked_at is not null
  );
end
$$;
comment on function private.handover_check(uuid) is 'handover_check for the API.';
revoke execute on function private.handover_check(uuid) from public;
grant execute on function private.handover_check(uuid) to authenticated, service_role;

create function public.handover_check(order_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select private.handover_check(order_id)
$$;
comment on function public.handover_check(uuid) is 'For the order''s current rider: the platform''s public key (base64url uncompressed P-256 point) to verify the customer''s handover token offline, attempts left and whether it is locked. Nothing in it depends on the code or the token.';
revoke execute on function public.handover_check(uuid) from public, anon;
grant execute on function public.handover_check(uuid) to authenticated, service_role;

-- A wrong code or token is an answer, not an error: its attempt must be counted and committed.
-- The token is compared with the one issued for the order, so a replayed offline delivery is
-- checked again in full; a right token delivers even after the lock (it proves the customer
-- was there), a code never does.
create function private.deliver_order(order_id uuid, handover_code text, handover_token text) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{rider}');
  h private.handover_codes;
  max_attempts integer := (private.settings()).handover_max_attempts;
begin
  if (handover_code is null) = (handover_token is null) then
    raise exception 'give either handover_code (the customer''s 4 digits) or handover_token (from the customer''s QR code)' using errcode = '22023';
  end if;
  if handover_code !~ '^[0-9]{4}$' then
    raise exception 'handover_code must be the 4 digits the customer has' using errcode = '22023';
  end if;
  if length(handover_token) > 500 then
    raise exception 'handover_token is too long' using errcode = '22023';
  end if;
  if o.status <> 'picked_up' then
    perform private.refuse(409, 'invalid_transition', format('A %s order cannot be delivered; pick it up first.', o.status),
      jsonb_build_object('order_id', o.id, 'status', o.status, 'requested', 'delivered'));
  end if;
  select * into h from private.handover_codes c where c.order_id = o.id for update;
  if h.locked_at is not null and (handover_token is null or handover_token is distinct from h.token) then
    perform private.refuse(423, 'handover_locked', 'Too many wrong codes: the store or an admin must unlock this delivery.',
      jsonb_build_object('order_id', o.id));
  end if;
  if coalesce(h.code = handover_code, h.token = handover_token, false) is false then
    update private.handover_codes c set
      failed_attempts = c.failed_attempts + 1,
      locked_at = case when c.failed_attempts + 1 >= max_attempts then now() end
    where c.order_id = o.id
    returning * into h;
    return jsonb_build_object('delivered', false,
      'code', case when handover_code is null then 'wrong_handover_token' else 'wrong_handover_code' end,
      'attempts_left', greatest(max_attempts - h.failed_attempts, 0), 'locked', h.locked_at is not null, 'order', null);
  end if;
  o := private.move_order(o, 'delivered', 'rider', null);
  return jsonb_build_object('delivered', true, 'code', null, 'attempts_left', greatest(max_attempts - h.failed_attempts, 0),
    'locked', false, 'order', private.order_json(o.id));
end
$$;
comment on function private.deliver_order(uuid, text, text) is 'deliver_order for the API.';
revoke execute on function private.deliver_order(uuid, text, text) from public;
grant execute on function private.deliver_order(uuid, text, text) to authenticated, service_role;

create function public.deliver_order(order_id uuid, handover_code text default null, handover_token text default null) returns jsonb
language sql
set search_path = ''
as $$
  select private.deliver_order(order_id, handover_code, handover_token)
$$;
comment on function public.deliver_order(uuid, text, text) is 'The current rider marks a picked-up order delivered with the customer''s code (online) or the token from the customer''s QR code (verified offline, checked again here). Returns {delivered, code, attempts_left, locked, order}: a wrong code or token is counted, and the last allowed wrong one locks the order (423 handover_locked afterwards, except for the right token).';
revoke execute on function public.deliver_order(uuid, text, text) from public, anon;
grant execute on function public.deliver_order(uuid, text, text) to authenticated, service_role;

create function private.unlock_handover(order_id uuid, note text) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{merchant,admin}');
begin
  if nullif(btrim(note), '') is null then
    raise exception 'a note saying how the handover was resolved is required' using errcode = '22023';
  end if;
  update private.handover_codes c set failed_attempts = 0, locked_at = null where c.order_id = o.id;
  insert into public.order_events (order_id, status, previous_status, actor_id, note)
  values (o.id, o.status, o.status, (select auth.uid()), left('Handover unlocked: ' || btrim(note), 500));
  return o;
end
$$;
comment on function private.unlock_handover(uuid, text) is 'unlock_handover for the API.';
revoke execute on function private.unlock_handover(uuid, text) from public;
grant execute on function private.unlock_handover(uuid, text) to authenticated, service_role;

create function public.unlock_handover(order_id uuid, note text) returns public.orders
language sql
set search_path = ''
as $$
  select private.unlock_handover(order_id, note)
$$;
comment on function public.unlock_handover(uuid, text) is 'The store''s merchant or an admin resolves a delivery locked by wrong handover codes: the attempts start again, and the note goes on the order''s timeline.';
revoke execute on function public.unlock_handover(uuid, text) from public, anon;
grant execute on function public.unlock_handover(uuid, text) to authenticated, service_role;
