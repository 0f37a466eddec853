-- The admin surface: views and functions in the `admin` schema for Supabase Studio's table and
-- SQL editors (see docs/admin.md). The schema is not exposed through the API; Studio and other
-- database operators (postgres, service_role) use it. Every admin function is audited, with
-- its name and reason on the audit rows of the changes it makes.

create extension if not exists pg_cron;

create schema if not exists admin;
comment on schema admin is 'Views and functions for admins working in Supabase Studio; not exposed through the API.';
revoke all on schema admin from public;
grant usage on schema admin to service_role;

-- Views -----------------------------------------------------------------------------------------

create view admin.store_applications as
select
  s.id as store_id,
  s.name,
  s.category,
  s.address,
  extensions.st_y(s.location::extensions.geometry) as lat,
  extensions.st_x(s.location::extensions.geometry) as lng,
  s.delivery_radius_m,
  s.owner_id,
  p.full_name as owner_name,
  u.email as owner_email,
  p.phone as owner_phone,
  p.status as owner_status,
  (select count(*) from public.products pr where pr.store_id = s.id) as products,
  s.created_at as applied_at,
  date_trunc('second', now() - s.created_at) as waiting_for
from public.stores s
join public.profiles p on p.id = s.owner_id
left join auth.users u on u.id = s.owner_id
where s.status = 'pending'
order by s.created_at;
comment on view admin.store_applications is 'Stores waiting for approval, oldest first. Approve with admin.approve_store(store_id).';

create view admin.stores as
select
  s.id as store_id,
  s.name,
  s.category,
  s.status,
  s.status_reason,
  public.is_open(s) as is_open,
  s.temporarily_closed,
  s.address,
  s.owner_id,
  p.full_name as owner_name,
  u.email as owner_email,
  p.status as owner_status,
  s.rating,
  s.rating_count,
  (select count(*) from public.products pr where pr.store_id = s.id and pr.is_active) as active_products,
  (select count(*) from public.orders o
    where o.store_id = s.id and o.created_at > now() - interval '24 hours') as orders_last_24h,
  s.approved_at,
  s.created_at
from public.stores s
join public.profiles p on p.id = s.owner_id
left join auth.users u on u.id = s.owner_id
order by s.created_at desc;
comment on view admin.stores is 'Every store with its status, owner and recent activity. Suspend or reinstate with admin.suspend_store / admin.reinstate_store.';

create view admin.accounts as
select
  p.id as user_id,
  u.email,
  p.full_name,
  p.phone,
  p.role,
  p.status,
  p.status_reason,
  p.status_changed_at,
  p.created_at as signed_up_at,
  u.last_sign_in_at,
  (select count(*) from public.stores s where s.owner_id = p.id) as stores,
  (select count(*) from public.orders o where o.customer_id = p.id) as orders_placed,
  (select count(*) from public.orders o where o.rider_id = p.id and o.status = 'delivered') as deliveries
from public.profiles p
left join auth.users u on u.id = p.id
order by p.created_at desc;
comment on view admin.accounts is 'Every account with role and status. Suspend or reinstate with admin.suspend_account / admin.reinstate_account.';

create view admin.orders as
select
  o.id as order_id,
  o.status,
  o.status in ('pending', 'accepted', 'preparing', 'ready', 'picked_up') as is_live,
  o.created_at as placed_at,
  date_trunc('second', now() - o.created_at) as age,
  since.status_since,
  date_trunc('second', now() - since.status_since) as in_status_for,
  o.store_id,
  s.name as store_name,
  o.customer_id,
  cp.full_name as customer_name,
  cu.email as customer_email,
  o.rider_id,
  rp.full_name as rider_name,
  (select count(*) from public.order_items i where i.order_id = o.id) as items,
  o.total_paise,
  round(o.total_paise / 100.0, 2) as total_inr,
  o.payment_method,
  o.status_reason
from public.orders o
join public.stores s on s.id = o.store_id
join public.profiles cp on cp.id = o.customer_id
left join auth.users cu on cu.id = o.customer_id
left join public.profiles rp on rp.id = o.rider_id
cross join lateral (
  select coalesce(max(e.created_at), o.created_at) as status_since
  from public.order_events e
  where e.order_id = o.id and e.status = o.status
) since
order by o.created_at desc;
comment on view admin.orders is 'Live and past orders, newest first, with store, customer, rider, age and time in the current status. Filter is_live = true for the live ones.';

create view admin.stuck_orders as
with expected (status, within) as (
  values
    ('pending'::public.order_status, interval '15 minutes'),
    ('accepted', interval '15 minutes'),
    ('preparing', interval '45 minutes'),
    ('ready', interval '20 minutes'),
    ('picked_up', interval '60 minutes')
)
select o.order_id, o.status, o.in_status_for, e.within as expected_within, o.status_since,
       o.store_id, o.store_name, o.customer_name, o.rider_id, o.rider_name, o.placed_at
from admin.orders o
join expected e on e.status = o.status
where o.status_since < now() - e.within
order by o.status_since;
comment on view admin.stuck_orders is 'Live orders that have stayed in one status longer than expected (pending 15 min, accepted 15, preparing 45, ready 20, picked_up 60).';

create view admin.active_riders as
select
  r.rider_id,
  p.full_name,
  p.phone,
  r.vehicle,
  r.is_available,
  extensions.st_y(r.location::extensions.geometry) as lat,
  extensions.st_x(r.location::extensions.geometry) as lng,
  r.last_seen_at,
  date_trunc('second', now() - r.last_seen_at) as seen_ago,
  (select count(*) from public.orders o
    where o.rider_id = r.rider_id and o.status in ('accepted', 'preparing', 'ready', 'picked_up')) as live_orders
from public.rider_profiles r
join public.profiles p on p.id = r.rider_id
where p.status = 'active' and p.role = 'rider'
  and (r.last_seen_at > now() - interval '5 minutes'
       or exists (select 1 from public.orders o
                  where o.rider_id = r.rider_id and o.status in ('accepted', 'preparing', 'ready', 'picked_up')))
order by r.last_seen_at desc nulls last;
comment on view admin.active_riders is 'Riders seen in the last five minutes or delivering now, with their position.';

create view admin.orders_per_hour as
select
  h.hour as hour_utc,
  h.hour at time zone 'Asia/Kolkata' as hour_ist,
  count(o.id) as orders,
  count(o.id) filter (where o.status = 'delivered') as delivered,
  count(o.id) filter (where o.status in ('rejected', 'cancelled', 'expired')) as not_fulfilled,
  coalesce(sum(o.total_paise) filter (where o.status = 'delivered'), 0) as delivered_paise
from generate_series(date_trunc('hour', now()) - interval '47 hours', date_trunc('hour', now()), interval '1 hour') as h (hour)
left join public.orders o on o.created_at >= h.hour and o.created_at < h.hour + interval '1 hour'
group by h.hour
order by h.hour desc;
comment on view admin.orders_per_hour is 'Orders placed in each of the last 48 hours, newest first, with how many were delivered or not fulfilled.';

create view admin.failed_jobs as
select d.runid, d.jobid, j.jobname, d.command, d.return_message, d.start_time, d.end_time
from cron.job_run_details d
left join cron.job j on j.jobid = d.jobid
where d.status = 'failed'
order by d.start_time desc;
comment on view admin.failed_jobs is 'Scheduled (pg_cron) job runs that failed, newest first, with the error.';

create view admin.system_activity as
select
  (select count(*) from public.orders where created_at > now() - interval '1 hour') as orders_last_hour,
  (select count(*) from public.orders
    where created_at >= (date_trunc('day', now() at time zone 'Asia/Kolkata') at time zone 'Asia/Kolkata')) as orders_today_ist,
  (select count(*) from admin.orders where is_live) as live_orders,
  (select count(*) from admin.stuck_orders) as stuck_orders,
  (select count(*) from admin.active_riders where is_available) as available_riders,
  (select count(*) from public.stores where status = 'pending') as store_applications,
  (select count(*) from admin.failed_jobs where start_time > now() - interval '24 hours') as failed_jobs_last_24h;
comment on view admin.system_activity is 'One row: the platform right now (orders, stuck orders, riders, applications, failed jobs).';

create view admin.audit_trail as
select
  a.id,
  a.occurred_at,
  a.action,
  a.table_name,
  a.record_id,
  a.actor_id,
  coalesce(u.email, a.actor_role) as actor,
  a.reason,
  a.old_data,
  a.new_data
from public.audit_log a
left join auth.users u on u.id = a.actor_id
order by a.id desc;
comment on view admin.audit_trail is 'The audit log, newest first, with the actor''s email (or database role).';

revoke all on all tables in schema admin from public, anon, authenticated;
grant select on all tables in schema admin to service_role;

-- Functions -------------------------------------------------------------------------------------

-- Moves a store between statuses for an admin action, or explains why it cannot.
create function private.change_store_status(
  store_id uuid, allowed_from public.store_status[], new_status public.store_status, action text, reason text
) returns public.stores
language plpgsql
set search_path = ''
as $$
declare
  current public.store_status;
  result public.stores;
  owner_status public.account_status;
begin
  if action <> 'approve_store' and coalesce(btrim(reason), '') = '' then
    raise exception '% needs a reason', action using errcode = '22023';
  end if;
  select s.status, p.status into current, owner_status
  from public.stores s join public.profiles p on p.id = s.owner_id
  where s.id = change_store_status.store_id
  for update of s;
  if not found then
    raise exception 'no store with id %', store_id using errcode = 'P0002';
  end if;
  if not current = any (allowed_from) then
    raise exception 'store % is %, so % does not apply', store_id, current, action
      using errcode = '55000', hint = format('%s works on stores that are %s.', action, array_to_string(allowed_from, ' or '));
  end if;
  if new_status = 'approved' and owner_status <> 'active' then
    raise exception 'the owner of store % is suspended', store_id
      using errcode = '55000', hint = 'Reinstate the owner''s account first (admin.reinstate_account).';
  end if;
  perform private.begin_admin_action(action, reason);
  update public.stores s
  set status = new_status,
      status_reason = nullif(btrim(reason), ''),
      approved_at = case when new_status = 'approved' then coalesce(s.approved_at, now()) else s.approved_at end
  where s.id = change_store_status.store_id
  returning s.* into result;
  perform private.end_admin_action();
  return result;
end
$$;
comment on function private.change_store_status(uuid, public.store_status[], public.store_status, text, text) is 'Shared by the admin store functions: checks the reason (optional only for approve_store), the current status and that an approved store has an active owner, then changes it under the action''s name.';
revoke execute on function private.change_store_status(uuid, public.store_status[], public.store_status, text, text) from public;
grant execute on function private.change_store_status(uuid, public.store_status[], public.store_status, text, text) to service_role;
grant execute on function private.begin_admin_action(text, text), private.end_admin_action() to service_role;

create function admin.approve_store(store_id uuid, reason text default null) returns public.stores
language sql
set search_path = ''
as $$
  select * from private.change_store_status(store_id, '{pending}', 'approved', 'approve_store', reason)
$$;
comment on function admin.approve_store(uuid, text) is 'Approves a pending store: it becomes visible to customers. Audited.';

create function admin.suspend_store(store_id uuid, reason text) returns public.stores
language sql
set search_path = ''
as $$
  select * from private.change_store_status(store_id, '{pending,approved}', 'suspended', 'suspend_store', reason)
$$;
comment on function admin.suspend_store(uuid, text) is 'Suspends a store (or turns down an application), with a reason: it disappears from discovery. Audited.';

create function admin.reinstate_store(store_id uuid, reason text) returns public.stores
language sql
set search_path = ''
as $$
  select * from private.change_store_status(store_id, '{suspended}', 'approved', 'reinstate_store', reason)
$$;
comment on function admin.reinstate_store(uuid, text) is 'Makes a suspended store approved again, with a reason. Audited.';

-- Suspends or reinstates an account for an admin action, or explains why it cannot. Leaves the
-- action open so the caller's follow-up changes carry its name; the caller ends it.
create function private.change_account_status(
  user_id uuid, new_status public.account_status, action text, reason text
) returns public.profiles
language plpgsql
set search_path = ''
as $$
declare
  result public.profiles;
begin
  if coalesce(btrim(reason), '') = '' then
    raise exception '% needs a reason', action using errcode = '22023';
  end if;
  select p.* into result from public.profiles p where p.id = change_account_status.user_id for update;
  if not found then
    raise exception 'no account with id %', user_id using errcode = 'P0002';
  end if;
  if result.status = new_status then
    raise exception 'account % is %', user_id,
      case new_status when 'suspended' then 'already suspended' else 'not suspended' end
      using errcode = '55000';
  end if;
  perform private.begin_admin_action(action, reason);
  update public.profiles p
  set status = new_status, status_reason = btrim(reason), status_changed_at = now()
  where p.id = change_account_status.user_id
  returning p.* into result;
  return result;
end
$$;
comment on function private.change_account_status(uuid, public.account_status, text, text) is 'Shared by admin.suspend_account and admin.reinstate_account: checks the reason and the current status, then changes it under the action''s name.';
revoke execute on function private.change_account_status(uuid, public.account_status, text, text) from public;
grant execute on function private.change_account_status(uuid, public.account_status, text, text) to service_role;

create function admin.suspend_account(user_id uuid, reason text) returns public.profiles
language plpgsql
set search_path = ''
as $$
declare
  result public.profiles := private.change_account_status(user_id, 'suspended', 'suspend_account', reason);
begin
  -- A suspended merchant's stores stop selling (and applications stop waiting for approval);
  -- a suspended rider stops taking jobs.
  update public.stores s
  set status = 'suspended', status_reason = 'Owner account suspended: ' || btrim(reason)
  where s.owner_id = suspend_account.user_id and s.status in ('pending', 'approved');
  update public.rider_profiles r
  set is_available = false
  where r.rider_id = suspend_account.user_id and r.is_available;
  perform private.end_admin_action();
  return result;
end
$$;
comment on function admin.suspend_account(uuid, text) is 'Suspends an account, with a reason: it can sign in but change nothing. Also suspends the owner''s approved and pending stores and takes a rider off shift. Audited.';

create function admin.reinstate_account(user_id uuid, reason text) returns public.profiles
language plpgsql
set search_path = ''
as $$
declare
  result public.profiles := private.change_account_status(user_id, 'active', 'reinstate_account', reason);
begin
  perform private.end_admin_action();
  return result;
end
$$;
comment on function admin.reinstate_account(uuid, text) is 'Makes a suspended account active again, with a reason. Its stores stay suspended until reinstated one by one. Audited.';

create function admin.set_account_role(user_id uuid, new_role public.app_role, reason text) returns public.profiles
language plpgsql
set search_path = ''
as $$
declare
  result public.profiles;
begin
  if coalesce(btrim(reason), '') = '' then
    raise exception 'set_account_role needs a reason' using errcode = '22023';
  end if;
  select p.* into result from public.profiles p where p.id = set_account_role.user_id for update;
  if not found then
    raise exception 'no account with id %', user_id using errcode = 'P0002';
  end if;
  if result.role = new_role then
    raise exception 'account % is already %', user_id, new_role using errcode = '55000';
  end if;
  perform private.begin_admin_action('set_account_role', reason);
  update public.profiles p
  set role = new_role
  where p.id = set_account_role.user_id
  returning p.* into result;
  perform private.end_admin_action();
  return result;
end
$$;
comment on function admin.set_account_role(uuid, public.app_role, text) is 'Changes an account''s role, e.g. makes someone an admin, with a reason. Audited.';

revoke execute on all functions in schema admin from public;
grant execute on all functions in schema admin to service_role;
