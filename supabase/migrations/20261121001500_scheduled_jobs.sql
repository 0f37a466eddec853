-- Scheduled work with pg_cron (visible in Studio under cron.job). Each job is one SQL function
-- that is safe to run twice, or at the same time as itself, and returns how many rows it changed.

create function private.expire_pending_orders() returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders;
  expired integer := 0;
begin
  -- skip locked: an order a merchant is accepting right now is theirs to decide.
  for o in
    select * from public.orders
    where status = 'pending' and created_at < now() - (private.settings()).pending_order_timeout
    order by created_at
    for update skip locked
  loop
    perform private.move_order(o, 'expired', 'system', 'The store did not answer in time.');
    expired := expired + 1;
  end loop;
  return expired;
end
$$;
comment on function private.expire_pending_orders() is 'Job: expires pending orders older than admin.settings.pending_order_timeout and releases their stock.';
revoke execute on function private.expire_pending_orders() from public;

create function private.take_silent_riders_off_shift() returns integer
language sql security definer
set search_path = ''
as $$
  with silent as (
    update public.rider_profiles r set is_available = false
    where r.is_available
      and (r.last_seen_at is null or r.last_seen_at < now() - (private.settings()).rider_location_timeout)
    returning 1
  )
  select count(*)::integer from silent
$$;
comment on function private.take_silent_riders_off_shift() is 'Job: takes riders off shift whose device has not reported a location within admin.settings.rider_location_timeout.';
revoke execute on function private.take_silent_riders_off_shift() from public;

create function private.purge_idempotency_keys() returns integer
language sql security definer
set search_path = ''
as $$
  with purged as (
    delete from private.idempotency_keys k where k.created_at < now() - (private.settings()).idempotency_key_ttl returning 1
  )
  select count(*)::integer from purged
$$;
comment on function private.purge_idempotency_keys() is 'Job: deletes checkout idempotency keys older than admin.settings.idempotency_key_ttl.';
revoke execute on function private.purge_idempotency_keys() from public;

create function private.prune_location_history() returns integer
language sql security definer
set search_path = ''
as $$
  with pruned as (
    delete from public.rider_locations l where l.recorded_at < now() - (private.settings()).location_history_ttl returning 1
  )
  select count(*)::integer from pruned
$$;
comment on function private.prune_location_history() is 'Job: deletes rider positions older than admin.settings.location_history_ttl.';
revoke execute on function private.prune_location_history() from public;

create table admin.stuck_order_reports (
  order_id uuid not null references public.orders (id) on delete cascade,
  status public.order_status not null,
  status_since timestamptz not null,
  first_reported_at timestamptz not null default now(),
  last_reported_at timestamptz not null default now(),
  resolved_at timestamptz,
  primary key (order_id, status)
);
comment on table admin.stuck_order_reports is 'Orders found stuck in one status longer than expected (admin.stuck_orders), recorded by a job; resolved_at is set once the order moves on.';

create index stuck_order_reports_open_idx on admin.stuck_order_reports (first_reported_at) where resolved_at is null;

revoke all on table admin.stuck_order_reports from public, anon, authenticated;
grant select, update on table admin.stuck_order_reports to service_role;

create function private.record_stuck_orders() returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  reported integer;
  resolved integer;
begin
  -- Still stuck: the open report is refreshed, which is no news, so it is not counted.
  update admin.stuck_order_reports r set last_reported_at = now()
  from admin.stuck_orders s
  where r.resolved_at is null and r.order_id = s.order_id and r.status = s.status;
  insert into admin.stuck_order_reports (order_id, status, status_since)
  select s.order_id, s.status, s.status_since from admin.stuck_orders s
  on conflict (order_id, status) do nothing;
  get diagnostics reported = row_count;
  update admin.stuck_order_reports r set resolved_at = now()
  from public.orders o
  where r.resolved_at is null and o.id = r.order_id and o.status <> r.status;
  get diagnostics resolved = row_count;
  return reported + resolved;
end
$$;
comment on function private.record_stuck_orders() is 'Job: records the orders admin.stuck_orders shows in admin.stuck_order_reports and marks earlier reports resolved once their order has moved on; returns how many reports it opened or resolved.';
revoke execute on function private.record_stuck_orders() from public;

-- cron.schedule replaces a job of the same name, so running this again changes nothing.
select cron.schedule('expire-pending-orders', '* * * * *', 'select private.expire_pending_orders()');
select cron.schedule('take-silent-riders-off-shift', '* * * * *', 'select private.take_silent_riders_off_shift()');
select cron.schedule('record-stuck-orders', '*/5 * * * *', 'select private.record_stuck_orders()');
select cron.schedule('purge-idempotency-keys', '17 * * * *', 'select private.purge_idempotency_keys()');
select cron.schedule('prune-location-history', '43 3 * * *', 'select private.prune_location_history()');
