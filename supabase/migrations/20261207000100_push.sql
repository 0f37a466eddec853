-- Web Push: each person's devices (push subscriptions) and choices (which kinds, quiet hours in
-- India time), and a Database Webhook that hands every new notification to the `push` Edge
-- Function, which encrypts it for each device (RFC 8291) and sends it with VAPID (RFC 8292).
-- Deliveries are recorded per notification and device, so none is ever sent twice.

-- Subscriptions --------------------------------------------------------------------------------

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  endpoint text not null
    constraint push_subscriptions_endpoint_unique unique
    constraint push_subscriptions_endpoint_https check (endpoint ~ '^https://[^\s]+$' and char_length(endpoint) <= 2048),
  p256dh text not null constraint push_subscriptions_p256dh_format check (p256dh ~ '^[A-Za-z0-9_-]{87}$'),
  auth text not null constraint push_subscriptions_auth_format check (auth ~ '^[A-Za-z0-9_-]{22}$'),
  device_label text not null default '' constraint push_subscriptions_device_label_length check (char_length(device_label) <= 80),
  created_at timestamptz not null default now(),
  last_success_at timestamptz
);
comment on table public.push_subscriptions is 'A device that receives Web Push for its owner: the push service''s endpoint and the browser''s keys (PushSubscription.toJSON()). Several per person; saved through save_push_subscription.';
comment on column public.push_subscriptions.endpoint is 'The push service URL for this device; a secret capability, unique across people (a device belongs to whoever subscribed it last).';
comment on column public.push_subscriptions.p256dh is 'The device''s P-256 public key (65 bytes, base64url) the message is encrypted to (RFC 8291).';
comment on column public.push_subscriptions.auth is 'The device''s 16-byte authentication secret, base64url (RFC 8291).';
comment on column public.push_subscriptions.device_label is 'What the person calls the device, e.g. "Chrome on Android".';
comment on column public.push_subscriptions.last_success_at is 'When the push service last accepted a message for this device.';

revoke all on table public.push_subscriptions from anon, authenticated;
grant select, delete on table public.push_subscriptions to authenticated;
grant update (device_label) on table public.push_subscriptions to authenticated;
grant all on table public.push_subscriptions to service_role;

create index push_subscriptions_user_id_idx on public.push_subscriptions (user_id);

alter table public.push_subscriptions enable row level security;

create policy "Users see their own devices" on public.push_subscriptions
  for select to authenticated
  using (user_id = (select auth.uid()) and (select private.active_role()) is not null);

create policy "Users rename their own devices" on public.push_subscriptions
  for update to authenticated
  using (user_id = (select auth.uid()) and (select private.active_role()) is not null)
  with check (user_id = (select auth.uid()));

create policy "Users remove their own devices" on public.push_subscriptions
  for delete to authenticated
  using (user_id = (select auth.uid()));

-- A browser keeps one subscription per app whoever signs in, so saving an endpoint another
-- account saved moves it to the caller: the device now belongs to whoever uses it.
create function private.save_push_subscription(endpoint text, p256dh text, auth text, device_label text)
returns public.push_subscriptions
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  saved public.push_subscriptions;
begin
  if me is null or (select private.active_role()) is null then
    perform private.refuse(403, 'not_allowed', 'Sign in with an active account to receive notifications');
  end if;
  insert into public.push_subscriptions as s (user_id, endpoint, p256dh, auth, device_label)
  values (me, endpoint, p256dh, auth, coalesce(btrim(device_label), ''))
  on conflict on constraint push_subscriptions_endpoint_unique do update
    set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
        device_label = excluded.device_label,
        created_at = case when s.user_id = excluded.user_id then s.created_at else now() end
  returning * into saved;
  return saved;
end
$$;
comment on function private.save_push_subscription(text, text, text, text) is 'Saves the caller''s push subscription, taking the endpoint over from another account if it was saved there.';
revoke execute on function private.save_push_subscription(text, text, text, text) from public, anon;
grant execute on function private.save_push_subscription(text, text, text, text) to authenticated;

create function public.save_push_subscription(endpoint text, p256dh text, auth text, device_label text default '')
returns public.push_subscriptions
language sql
set search_path = ''
as $$
  select * from private.save_push_subscription(endpoint, p256dh, auth, device_label)
$$;
comment on function public.save_push_subscription(text, text, text, text) is 'Saves this device''s push subscription (endpoint, p256dh and auth from PushSubscription.toJSON()) for the signed-in user.';
revoke execute on function public.save_push_subscription(text, text, text, text) from public, anon;
grant execute on function public.save_push_subscription(text, text, text, text) to authenticated;

-- Choices ---------------------------------------------------------------------------------------

create table public.push_preferences (
  user_id uuid primary key references public.profiles (id) on delete cascade default auth.uid(),
  muted_kinds text[] not null default '{}'
    constraint push_preferences_muted_kinds_format check (array_position(muted_kinds, null) is null and cardinality(muted_kinds) <= 50),
  quiet_from time,
  quiet_until time,
  constraint push_preferences_quiet_hours_whole check ((quiet_from is null) = (quiet_until is null))
);
comment on table public.push_preferences is 'A person''s Web Push choices; without a row every kind is pushed at any hour. The in-app list shows every notification regardless.';
comment on column public.push_preferences.muted_kinds is 'Notification kinds (notifications.kind) never pushed to this person.';
comment on column public.push_preferences.quiet_from is 'Start of the quiet hours, India time (Asia/Kolkata); nothing is pushed from then until quiet_until (may cross midnight).';
comment on column public.push_preferences.quiet_until is 'End of the quiet hours, India time; equal to quiet_from means none.';

revoke all on table public.push_preferences from anon, authenticated;
grant select, insert on table public.push_preferences to authenticated;
grant update (muted_kinds, quiet_from, quiet_until) on table public.push_preferences to authenticated;
grant all on table public.push_preferences to service_role;

alter table public.push_preferences enable row level security;

create policy "Users see their own push choices" on public.push_preferences
  for select to authenticated
  using (user_id = (select auth.uid()) and (select private.active_role()) is not null);

create policy "Users make their own push choices" on public.push_preferences
  for insert to authenticated
  with check (user_id = (select auth.uid()) and (select private.active_role()) is not null);

create policy "Users change their own push choices" on public.push_preferences
  for update to authenticated
  using (user_id = (select auth.uid()) and (select private.active_role()) is not null)
  with check (user_id = (select auth.uid()));

-- Whether a moment falls in quiet hours kept in India time; a window may cross midnight.
create function private.in_quiet_hours(quiet_from time, quiet_until time, at timestamptz)
returns boolean
language sql immutable
set search_path = ''
as $$
  select case
    when quiet_from is null or quiet_until is null or quiet_from = quiet_until then false
    when quiet_from < quiet_until then (at at time zone 'Asia/Kolkata')::time >= quiet_from and (at at time zone 'Asia/Kolkata')::time < quiet_until
    else (at at time zone 'Asia/Kolkata')::time >= quiet_from or (at at time zone 'Asia/Kolkata')::time < quiet_until
  end
$$;
comment on function private.in_quiet_hours(time, time, timestamptz) is 'True when `at` is within the quiet hours quiet_from..quiet_until in Asia/Kolkata (crossing midnight when from > until).';

-- Deliveries ------------------------------------------------------------------------------------

create table private.push_deliveries (
  notification_id uuid not null references public.notifications (id) on delete cascade,
  subscription_id uuid not null references public.push_subscriptions (id) on delete cascade,
  status text not null default 'sending'
    constraint push_deliveries_status check (status in ('sending', 'sent', 'failed', 'muted', 'quiet')),
  attempts integer not null default 0,
  response_status integer,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (notification_id, subscription_id)
);
comment on table private.push_deliveries is 'One row per notification and device, claimed before sending: a notification reaches a device at most once, however often the webhook fires.';
comment on column private.push_deliveries.status is 'sending (claimed), sent (push service answered 2xx), failed (refused or gave up after retries), muted (kind muted), quiet (quiet hours).';
comment on column private.push_deliveries.response_status is 'The push service''s last HTTP status.';

create index push_deliveries_subscription_id_idx on private.push_deliveries (subscription_id);
revoke all on table private.push_deliveries from public, anon, authenticated;

-- What a device shows: title, body, the page to open and a tag, so a later status of the same
-- order replaces the earlier one on the lock screen. The link is the row's `link` where the
-- notification has one, else data.link.
create function private.push_payload(n public.notifications) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', n.id,
    'kind', n.kind,
    'title', n.title,
    'body', n.body,
    'link', coalesce(to_jsonb(n) ->> 'link', n.data ->> 'link', '/'),
    'tag', coalesce('order:' || (n.data ->> 'order_id'), 'notification:' || n.id)
  )
$$;
comment on function private.push_payload(public.notifications) is 'The JSON a device receives for a notification (title, body, link, tag).';

-- Claims the deliveries of one notification: a row per device of its recipient, marked muted or
-- quiet by the recipient's choices at this moment, and returns those to send. A second call
-- returns nothing for the devices already claimed.
create function private.claim_push_deliveries(notification_id uuid)
returns table (subscription_id uuid, endpoint text, p256dh text, auth text, payload jsonb)
language sql volatile
set search_path = ''
as $$
  with n as (
    select n.*, private.push_payload(n) as payload from public.notifications n where n.id = claim_push_deliveries.notification_id
  ), targets as (
    select s.id, s.endpoint, s.p256dh, s.auth, n.payload,
      case
        when n.kind = any (coalesce(p.muted_kinds, '{}')) then 'muted'
        when private.in_quiet_hours(p.quiet_from, p.quiet_until, now()) then 'quiet'
        else 'sending'
      end as status
    from n
    join public.push_subscriptions s on s.user_id = n.user_id
    left join public.push_preferences p on p.user_id = n.user_id
  ), claimed as (
    insert into private.push_deliveries (notification_id, subscription_id, status, finished_at)
    select claim_push_deliveries.notification_id, t.id, t.status, case when t.status <> 'sending' then now() end from targets t
    on conflict do nothing
    returning push_deliveries.subscription_id, push_deliveries.status
  )
  select t.id, t.endpoint, t.p256dh, t.auth, t.payload
  from claimed c join targets t on t.id = c.subscription_id
  where c.status = 'sending'
$$;
comment on function private.claim_push_deliveries(uuid) is 'For the push function: records a delivery per device of the notification''s recipient and returns the ones to send now (not muted, not in quiet hours, not claimed before).';

-- The push service's answer: 2xx sent (the device's last success), 404/410 the device is gone
-- (its subscription is deleted, and its deliveries with it), anything else failed.
create function private.finish_push_delivery(notification_id uuid, subscription_id uuid, response_status integer, attempts integer)
returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  if finish_push_delivery.response_status in (404, 410) then
    delete from public.push_subscriptions s where s.id = finish_push_delivery.subscription_id;
    return;
  end if;
  update private.push_deliveries d
  set status = case when finish_push_delivery.response_status between 200 and 299 then 'sent' else 'failed' end,
      response_status = finish_push_delivery.response_status,
      attempts = finish_push_delivery.attempts,
      finished_at = now()
  where d.notification_id = finish_push_delivery.notification_id and d.subscription_id = finish_push_delivery.subscription_id;
  if finish_push_delivery.response_status between 200 and 299 then
    update public.push_subscriptions s set last_success_at = now() where s.id = finish_push_delivery.subscription_id;
  end if;
end
$$;
comment on function private.finish_push_delivery(uuid, uuid, integer, integer) is 'For the push function: records the push service''s final answer for one device; 404 and 410 delete the subscription.';

revoke execute on function private.in_quiet_hours(time, time, timestamptz), private.push_payload(public.notifications),
  private.claim_push_deliveries(uuid), private.finish_push_delivery(uuid, uuid, integer, integer) from public, anon, authenticated;

-- The webhook -----------------------------------------------------------------------------------

-- A Database Webhook is a trigger executing supabase_functions.http_request with the function's
-- URL and headers as arguments, which differ per deployment; this (re)creates it. The local stack
-- calls it on every start; on Supabase run it once after deploying (README: Deploying).
create function private.configure_push_webhook(function_url text, secret text) returns void
language plpgsql
set search_path = ''
as $$
begin
  if function_url !~ '^https?://[^\s]+/functions/v1/push$' then
    raise exception 'function_url must be the push function''s URL (…/functions/v1/push), got %', function_url using errcode = '22023';
  end if;
  if coalesce(char_length(secret), 0) < 32 then
    raise exception 'secret must have at least 32 characters' using errcode = '22023';
  end if;
  drop trigger if exists push_new_notifications on public.notifications;
  execute format(
    'create trigger push_new_notifications after insert on public.notifications for each row '
    'execute function supabase_functions.http_request(%L, %L, %L, %L, %L)',
    function_url, 'POST',
    jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || secret)::text,
    '{}', '10000');
end
$$;
comment on function private.configure_push_webhook(text, text) is 'Creates the Database Webhook that sends each new notification to the push Edge Function at function_url, with the PUSH_WEBHOOK_SECRET it checks.';
revoke execute on function private.configure_push_webhook(text, text) from public, anon, authenticated;
