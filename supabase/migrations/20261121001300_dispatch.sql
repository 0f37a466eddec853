-- Dispatch and handover: the merchant assigns one of the nearest available riders, or riders
-- near the store claim ready jobs (first claim wins); only the current rider moves the order
-- on; delivery needs the 4-digit code only the customer sees, and five wrong codes lock it.

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

-- Handover codes ----------------------------------------------------------------------------

create table private.handover_codes (
  order_id uuid primary key references public.orders (id) on delete cascade,
  code text not null constraint handover_codes_code_format check (code ~ '^[0-9]{4}$'),
  salt text not null,
  code_hash text not null,
  failed_attempts integer not null default 0,
  locked_at timestamptz
);
comment on table private.handover_codes is 'Each order''s 4-digit handover code (shown only to its customer), the salted hash the rider''s device checks offline, and wrong attempts.';
comment on column private.handover_codes.code_hash is 'hex(sha256(salt || code)): lets the rider''s app check a code offline. Four digits are guessable from it, so the server check and the attempt limit are what count.';
comment on column private.handover_codes.locked_at is 'Set after admin.settings.handover_max_attempts wrong codes; the store or an admin unlocks.';

alter table private.handover_codes enable row level security;

create function private.create_handover_code() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- gen_random_uuid is from a cryptographic source; 32 of its random bits make the code.
  code text := lpad((('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))::bit(32)::bigint % 10000)::text, 4, '0');
  salt text := replace(gen_random_uuid()::text, '-', '');
begin
  insert into private.handover_codes (order_id, code, salt, code_hash)
  values (new.id, code, salt, encode(sha256(convert_to(salt || code, 'UTF8')), 'hex'));
  return null;
end
$$;
comment on function private.create_handover_code() is 'Trigger on orders: gives every new order its random handover code.';
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
comment on function public.handover_code(uuid) is 'The order''s 4-digit handover code, for its customer only: they tell it to the rider at the door.';
revoke execute on function public.handover_code(uuid) from public, anon;
grant execute on function public.handover_code(uuid) to authenticated, service_role;

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
    'salt', h.salt,
    'code_hash', h.code_hash,
    'algorithm', 'sha256 of salt followed by the code, hex',
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
comment on function public.handover_check(uuid) is 'For the order''s current rider: the salt and hash to check the handover code offline (hex sha256 of salt || code), attempts left and whether it is locked.';
revoke execute on function public.handover_check(uuid) from public, anon;
grant execute on function public.handover_check(uuid) to authenticated, service_role;

-- A wrong code is an answer, not an error: its attempt must be counted and committed.
create function private.deliver_order(order_id uuid, handover_code text) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{rider}');
  h private.handover_codes;
  max_attempts integer := (private.settings()).handover_max_attempts;
begin
  if handover_code is null or handover_code !~ '^[0-9]{4}$' then
    raise exception 'handover_code must be the 4 digits the customer has' using errcode = '22023';
  end if;
  if o.status <> 'picked_up' then
    perform private.refuse(409, 'invalid_transition', format('A %s order cannot be delivered; pick it up first.', o.status),
      jsonb_build_object('order_id', o.id, 'status', o.status, 'requested', 'delivered'));
  end if;
  select * into h from private.handover_codes c where c.order_id = o.id for update;
  if h.locked_at is not null then
    perform private.refuse(423, 'handover_locked', 'Too many wrong codes: the store or an admin must unlock this delivery.',
      jsonb_build_object('order_id', o.id));
  end if;
  if h.code <> handover_code then
    update private.handover_codes c set
      failed_attempts = c.failed_attempts + 1,
      locked_at = case when c.failed_attempts + 1 >= max_attempts then now() end
    where c.order_id = o.id
    returning * into h;
    return jsonb_build_object('delivered', false, 'code', 'wrong_handover_code',
      'attempts_left', greatest(max_attempts - h.failed_attempts, 0), 'locked', h.locked_at is not null, 'order', null);
  end if;
  o := private.move_order(o, 'delivered', 'rider', null);
  return jsonb_build_object('delivered', true, 'code', null, 'attempts_left', max_attempts - h.failed_attempts,
    'locked', false, 'order', private.order_json(o.id));
end
$$;
comment on function private.deliver_order(uuid, text) is 'deliver_order for the API.';
revoke execute on function private.deliver_order(uuid, text) from public;
grant execute on function private.deliver_order(uuid, text) to authenticated, service_role;

create function public.deliver_order(order_id uuid, handover_code text) returns jsonb
language sql
set search_path = ''
as $$
  select private.deliver_order(order_id, handover_code)
$$;
comment on function public.deliver_order(uuid, text) is 'The current rider marks a picked-up order delivered with the customer''s code. Returns {delivered, code, attempts_left, locked, order}: a wrong code is counted, and the last allowed wrong code locks the order (423 handover_locked afterwards).';
revoke execute on function public.deliver_order(uuid, text) from public, anon;
grant execute on function public.deliver_order(uuid, text) to authenticated, service_role;

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
