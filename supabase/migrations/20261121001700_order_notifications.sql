-- Notifications written by the database in the same transaction as what they tell: a merchant
-- hears of new orders, cancellations and requests to cancel, riders coming and going and chat; a customer of every step
-- of their order and the store's answer to a request to cancel, the rider closing in and chat; a rider of ready jobs near them, jobs given to
-- them or taken from them, cancellations and chat. Nobody is told of their own action. Texts come in the recipient's language from
-- private.notification_texts; each row reaches its owner live on the private topic user:<id>.

-- The recipient's language ---------------------------------------------------------------------

alter table public.profiles
  add column language text not null default 'en' constraint profiles_language_known check (language in ('en', 'hi', 'mr'));
comment on column public.profiles.language is 'The language the person reads: en, hi or mr. Notifications are written in it.';

grant update (language) on table public.profiles to authenticated;

-- What each notification says, per language ------------------------------------------------------

create table private.notification_texts (
  template text not null constraint notification_texts_template_format check (template ~ '^[a-z][a-z_]{0,59}$'),
  language text not null constraint notification_texts_language_known check (language in ('en', 'hi', 'mr')),
  title text not null constraint notification_texts_title_length check (char_length(btrim(title)) between 1 and 80),
  body text not null constraint notification_texts_body_length check (char_length(body) <= 300),
  primary key (template, language)
);
comment on table private.notification_texts is 'The title and body of each notification template per language; {name} placeholders are filled from the event (store, total, items, reason, address, message). English is the fallback.';

revoke all on table private.notification_texts from public, anon, authenticated;
grant all on table private.notification_texts to service_role;

alter table private.notification_texts enable row level security;

insert into private.notification_texts (template, language, title, body) values
  ('new_order', 'en', 'New order', '{store}: {items} item(s), {total}. Accept or reject it now.'),
  ('new_order', 'hi', 'नया ऑर्डर', '{store}: {items} आइटम, {total}। अभी स्वीकार या अस्वीकार करें।'),
  ('new_order', 'mr', 'नवीन ऑर्डर', '{store}: {items} वस्तू, {total}. आत्ताच स्वीकारा किंवा नाकारा.'),
  ('order_cancelled_by_customer', 'en', 'Order cancelled', 'The customer cancelled their order at {store}.'),
  ('order_cancelled_by_customer', 'hi', 'ऑर्डर रद्द', 'ग्राहक ने {store} का अपना ऑर्डर रद्द कर दिया।'),
  ('order_cancelled_by_customer', 'mr', 'ऑर्डर रद्द', 'ग्राहकाने {store} मधील आपली ऑर्डर रद्द केली.'),
  ('rider_assigned', 'en', 'Rider assigned', 'A rider will pick up the order at {store}.'),
  ('rider_assigned', 'hi', 'राइडर तय', 'एक राइडर {store} से ऑर्डर उठाएगा।'),
  ('rider_assigned', 'mr', 'रायडर ठरला', 'एक रायडर {store} मधून ऑर्डर घेईल.'),
  ('rider_released', 'en', 'Rider gave the job up', 'The order at {store} needs another rider.'),
  ('rider_released', 'hi', 'राइडर ने काम छोड़ा', '{store} के ऑर्डर के लिए दूसरा राइडर चाहिए।'),
  ('rider_released', 'mr', 'रायडरने काम सोडले', '{store} मधील ऑर्डरसाठी दुसरा रायडर हवा.'),
  ('chat_message', 'en', 'New message', '{message}'),
  ('chat_message', 'hi', 'नया संदेश', '{message}'),
  ('chat_message', 'mr', 'नवीन संदेश', '{message}'),
  ('order_accepted', 'en', 'Order accepted', '{store} is packing your order.'),
  ('order_accepted', 'hi', 'ऑर्डर स्वीकार', '{store} आपका ऑर्डर पैक कर रहा है।'),
  ('order_accepted', 'mr', 'ऑर्डर स्वीकारली', '{store} तुमची ऑर्डर पॅक करत आहे.'),
  ('order_accepted_with_changes', 'en', 'Order accepted with changes', '{store} could not supply every item: see your order. New total {total}.'),
  ('order_accepted_with_changes', 'hi', 'ऑर्डर बदलाव के साथ स्वीकार', '{store} के पास हर सामान नहीं था: अपना ऑर्डर देखें। नया कुल {total}।'),
  ('order_accepted_with_changes', 'mr', 'बदलांसह ऑर्डर स्वीकारली', '{store} कडे सर्व वस्तू नव्हत्या: तुमची ऑर्डर पहा. नवीन एकूण {total}.'),
  ('order_rejected', 'en', 'Order rejected', '{store} could not take your order: {reason}'),
  ('order_rejected', 'hi', 'ऑर्डर अस्वीकार', '{store} आपका ऑर्डर नहीं ले सका: {reason}'),
  ('order_rejected', 'mr', 'ऑर्डर नाकारली', '{store} तुमची ऑर्डर घेऊ शकले नाही: {reason}'),
  ('order_cancelled', 'en', 'Order cancelled', 'The order at {store} was cancelled: {reason}'),
  ('order_cancelled', 'hi', 'ऑर्डर रद्द', '{store} का ऑर्डर रद्द हो गया: {reason}'),
  ('order_cancelled', 'mr', 'ऑर्डर रद्द', '{store} मधील ऑर्डर रद्द झाली: {reason}'),
  ('order_ready', 'en', 'Order ready', '{store} has packed your order; a rider will bring it.'),
  ('order_ready', 'hi', 'ऑर्डर तैयार', '{store} ने आपका ऑर्डर पैक कर दिया है; राइडर इसे लाएगा।'),
  ('order_ready', 'mr', 'ऑर्डर तयार', '{store} ने तुमची ऑर्डर पॅक केली आहे; रायडर ती घेऊन येईल.'),
  ('order_picked_up', 'en', 'On the way', 'Your rider has picked up your order from {store}.'),
  ('order_picked_up', 'hi', 'रास्ते में', 'राइडर ने {store} से आपका ऑर्डर उठा लिया है।'),
  ('order_picked_up', 'mr', 'वाटेवर', 'रायडरने {store} मधून तुमची ऑर्डर घेतली आहे.'),
  ('rider_near', 'en', 'Rider nearly there', 'Your rider is less than 300 m away. Keep your handover code ready.'),
  ('rider_near', 'hi', 'राइडर पहुँचने वाला है', 'राइडर 300 मीटर से कम दूरी पर है। हैंडओवर कोड तैयार रखें।'),
  ('rider_near', 'mr', 'रायडर जवळ आहे', 'रायडर 300 मीटरपेक्षा कमी अंतरावर आहे. हँडओव्हर कोड तयार ठेवा.'),
  ('order_delivered', 'en', 'Delivered', 'Your order from {store} has been delivered.'),
  ('order_delivered', 'hi', 'डिलीवर हो गया', '{store} से आपका ऑर्डर डिलीवर हो गया।'),
  ('order_delivered', 'mr', 'डिलिव्हर झाली', '{store} मधील तुमची ऑर्डर डिलिव्हर झाली.'),
  ('order_expired', 'en', 'Order not answered', '{store} did not answer in time; nothing is charged.'),
  ('order_expired', 'hi', 'ऑर्डर का जवाब नहीं मिला', '{store} ने समय पर जवाब नहीं दिया; कोई पैसा नहीं लिया जाएगा।'),
  ('order_expired', 'mr', 'ऑर्डरला उत्तर मिळाले नाही', '{store} ने वेळेत उत्तर दिले नाही; कोणतेही पैसे घेतले जाणार नाहीत.'),
  ('job_assigned', 'en', 'New delivery for you', 'Pick up at {store}, {address}.'),
  ('job_assigned', 'hi', 'आपके लिए नई डिलीवरी', '{store}, {address} से उठाएँ।'),
  ('job_assigned', 'mr', 'तुमच्यासाठी नवीन डिलिव्हरी', '{store}, {address} येथून घ्या.'),
  ('job_unassigned', 'en', 'Job given to another rider', 'The store gave the order at {store} to another rider.'),
  ('job_unassigned', 'hi', 'काम दूसरे राइडर को दिया गया', '{store} ने यह ऑर्डर दूसरे राइडर को दे दिया।'),
  ('job_unassigned', 'mr', 'काम दुसऱ्या रायडरला दिले', '{store} ने ही ऑर्डर दुसऱ्या रायडरला दिली.'),
  ('job_ready', 'en', 'Job near you', '{store} has an order ready for pickup, {distance} from you.'),
  ('job_ready', 'hi', 'आपके पास काम', '{store} पर ऑर्डर पिकअप के लिए तैयार है, आपसे {distance} दूर।'),
  ('job_ready', 'mr', 'तुमच्या जवळ काम', '{store} येथे ऑर्डर पिकअपसाठी तयार आहे, तुमच्यापासून {distance} अंतरावर.'),
  ('cancellation_requested', 'en', 'Customer asks to cancel', 'The customer asks {store} to cancel their order: {reason}'),
  ('cancellation_requested', 'hi', 'ग्राहक रद्द करना चाहता है', 'ग्राहक {store} से अपना ऑर्डर रद्द करने को कह रहा है: {reason}'),
  ('cancellation_requested', 'mr', 'ग्राहक रद्द करू इच्छितो', 'ग्राहक {store} ला आपली ऑर्डर रद्द करण्यास सांगत आहे: {reason}'),
  ('cancellation_agreed', 'en', 'Order cancelled', '{store} cancelled your order as you asked; nothing is charged.'),
  ('cancellation_agreed', 'hi', 'ऑर्डर रद्द', '{store} ने आपके कहने पर ऑर्डर रद्द कर दिया; कोई पैसा नहीं लिया जाएगा।'),
  ('cancellation_agreed', 'mr', 'ऑर्डर रद्द', '{store} ने तुमच्या विनंतीनुसार ऑर्डर रद्द केली; कोणतेही पैसे घेतले जाणार नाहीत.'),
  ('cancellation_declined', 'en', 'Order not cancelled', '{store} cannot cancel your order: {reason}'),
  ('cancellation_declined', 'hi', 'ऑर्डर रद्द नहीं हुआ', '{store} आपका ऑर्डर रद्द नहीं कर सकता: {reason}'),
  ('cancellation_declined', 'mr', 'ऑर्डर रद्द झाली नाही', '{store} तुमची ऑर्डर रद्द करू शकत नाही: {reason}');

-- Notifications: a link to open, an index for the unread count, one "near" per order ----------

alter table public.notifications
  add column link text constraint notifications_link_is_app_path check (link ~ '^/[a-z]');
comment on column public.notifications.link is 'The app page that opens the subject, e.g. /customer/orders/<id>.';

create index notifications_unread_idx on public.notifications (user_id) where read_at is null;
-- The rider closing in is told once per order, however often the rider reports nearby.
create unique index notifications_rider_near_once_idx on public.notifications (user_id, (data ->> 'order_id')) where kind = 'rider_near';
-- A job taken or gone ends the alerts every rider near it was sent.
create index notifications_job_ready_unread_idx on public.notifications ((data ->> 'order_id')) where kind = 'job_ready' and read_at is null;

-- Marking read ---------------------------------------------------------------------------------------

-- The one way notifications are marked read: an answered order, a taken job, a read chat and the
-- person's own mark_notifications_read. Each argument left null matches everything. It runs with
-- its caller's rights (the triggers run as the owner; the RPC under the caller's row-level
-- security), so it needs no security definer of its own.
create function private.read_notifications(recipient uuid, kind text, order_id uuid, conversation_id uuid, ids uuid[])
returns integer
language plpgsql
set search_path = ''
as $$
declare
  marked integer;
begin
  update public.notifications n set read_at = now()
  where n.read_at is null
    and (recipient is null or n.user_id = recipient)
    and (read_notifications.kind is null or n.kind = read_notifications.kind)
    and (read_notifications.order_id is null or n.data ->> 'order_id' = read_notifications.order_id::text)
    and (read_notifications.conversation_id is null
         or n.data ->> 'conversation_id' = read_notifications.conversation_id::text)
    and (ids is null or n.id = any (ids));
  get diagnostics marked = row_count;
  return marked;
end
$$;
comment on function private.read_notifications(uuid, text, uuid, uuid, uuid[]) is 'Marks unread notifications read, narrowed by recipient, kind, the order or conversation in their data and ids (null: any); returns how many changed. Runs with its caller''s rights.';
revoke execute on function private.read_notifications(uuid, text, uuid, uuid, uuid[]) from public;
grant execute on function private.read_notifications(uuid, text, uuid, uuid, uuid[]) to authenticated;

-- Writing a notification --------------------------------------------------------------------------

-- One notification in the recipient's language (English when their language lacks the text).
-- Nobody is told of what they did themselves.
create function private.notify(recipient uuid, kind text, template text, params jsonb, link text, data jsonb)
returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  text_row private.notification_texts;
  placeholder record;
  title text;
  body text;
begin
  if recipient is null or recipient = (select auth.uid()) then
    return;
  end if;
  select x.* into text_row from private.notification_texts x
  where x.template = notify.template
    and x.language in ('en', (select p.language from public.profiles p where p.id = recipient))
  order by x.language = 'en'
  limit 1;
  if not found then
    raise exception 'no notification text for template %', template using errcode = '22023';
  end if;
  title := text_row.title;
  body := text_row.body;
  for placeholder in select key, value from jsonb_each_text(params) loop
    title := replace(title, '{' || placeholder.key || '}', coalesce(placeholder.value, ''));
    body := replace(body, '{' || placeholder.key || '}', coalesce(placeholder.value, ''));
  end loop;
  insert into public.notifications (user_id, kind, title, body, link, data)
  values (recipient, kind, left(title, 120), left(body, 1000), link, data)
  on conflict do nothing;
end
$$;
comment on function private.notify(uuid, text, text, jsonb, text, jsonb) is 'Writes one notification from a template in the recipient''s language, unless the recipient is the one acting.';
revoke execute on function private.notify(uuid, text, text, jsonb, text, jsonb) from public;

-- A notification about an order for one of its parties, with the page that party opens it on.
create function private.notify_order(o public.orders, party text, recipient uuid, kind text, template text, extra jsonb default '{}')
returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  store public.stores;
begin
  select * into store from public.stores s where s.id = o.store_id;
  perform private.notify(recipient, kind, template,
    jsonb_build_object(
      'store', store.name,
      'address', store.address,
      'total', '₹' || to_char(o.total_paise / 100.0, 'FM9999999990.00'),
      'items', (select count(*) from public.order_items i where i.order_id = o.id and not i.unavailable),
      'reason', coalesce(o.status_reason, '')) || extra,
    case party
      when 'customer' then '/customer/orders/' || o.id
      when 'merchant' then '/merchant/orders/' || o.id
      when 'rider' then '/rider/jobs/' || o.id
      else '/rider' -- a rider not (yet) on the order: the ready jobs list
    end,
    jsonb_build_object('order_id', o.id) || (extra - 'message'));
end
$$;
comment on function private.notify_order(public.orders, text, uuid, text, text, jsonb) is 'Writes a notification about an order for its customer, merchant or rider (party ''nearby_rider'': a rider not on it, linked to the ready jobs), linking to that party''s page of the order.';
revoke execute on function private.notify_order(public.orders, text, uuid, text, text, jsonb) from public;

-- Orders --------------------------------------------------------------------------------------------

-- A placed order rings its merchant once the transaction that placed it commits with its items.
create function private.notify_new_order() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  placed public.orders;
begin
  -- The row as committed: checkout completes the totals after inserting it.
  select * into placed from public.orders o where o.id = new.id;
  perform private.notify_order(placed, 'merchant', (select s.owner_id from public.stores s where s.id = placed.store_id), 'new_order', 'new_order');
  return null;
end
$$;
comment on function private.notify_new_order() is 'Trigger: tells the store''s merchant of a placed order.';
revoke execute on function private.notify_new_order() from public;

create constraint trigger orders_notify_new_order after insert on public.orders
  deferrable initially deferred
  for each row execute function private.notify_new_order();

-- A job open to riders (ready, no rider) tells each rider free to claim it: active, on shift, seen
-- recently, not delivering, and within the claim radius of the store, the rule claim_delivery
-- applies. Nobody further away hears of it.
create function private.notify_job_ready(o public.orders) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  rider record;
begin
  for rider in
    select r.rider_id, extensions.st_distance(r.location, s.location, false) as distance_m
    from public.stores s
    join public.rider_profiles r
      on r.is_available and extensions.st_dwithin(r.location, s.location, (private.settings()).claim_radius_m, false)
    where s.id = o.store_id and private.rider_is_free(r.rider_id)
  loop
    perform private.notify_order(o, 'nearby_rider', rider.rider_id, 'job_ready', 'job_ready',
      jsonb_build_object('distance', case when rider.distance_m < 1000 then round(rider.distance_m / 10) * 10 || ' m'
                                          else to_char(rider.distance_m / 1000, 'FM990.0') || ' km' end));
  end loop;
end
$$;
comment on function private.notify_job_ready(public.orders) is 'Tells every rider free to claim a ready job (on shift, seen recently, not delivering, within the claim radius of its store) that it is waiting, with their distance to the store.';
revoke execute on function private.notify_job_ready(public.orders) from public;

-- Every status change tells the parties it concerns; a rider coming or going tells the merchant,
-- the rider given the job and the rider it was taken from; a job open to riders tells the free
-- riders near its store, and once taken or gone their alerts are read. An order answered (or gone)
-- stops ringing its merchant.
create function private.notify_order_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  merchant uuid := (select s.owner_id from public.stores s where s.id = new.store_id);
  was_open boolean := old.status = 'ready' and old.rider_id is null;
  is_open boolean := new.status = 'ready' and new.rider_id is null;
begin
  if new.status is distinct from old.status then
    if old.status = 'pending' then
      perform private.read_notifications(merchant, 'new_order', new.id, null, null);
    end if;
    case new.status
      when 'accepted' then
        perform private.notify_order(new, 'customer', new.customer_id, 'order_accepted',
          case when exists (select 1 from public.order_items i where i.order_id = new.id and i.unavailable)
            then 'order_accepted_with_changes' else 'order_accepted' end);
      when 'rejected', 'ready', 'picked_up', 'delivered', 'expired' then
        perform private.notify_order(new, 'customer', new.customer_id, 'order_' || new.status, 'order_' || new.status);
      when 'cancelled' then
        if new.customer_id = (select auth.uid()) then
          perform private.notify_order(new, 'merchant', merchant, 'order_cancelled', 'order_cancelled_by_customer');
        else
          -- At the customer's own request: told that the store agreed, not why it cancelled.
          perform private.notify_order(new, 'customer', new.customer_id, 'order_cancelled',
            case when exists (select 1 from public.cancellation_requests r where r.order_id = new.id and r.answer = 'agreed')
              then 'cancellation_agreed' else 'order_cancelled' end);
          perform private.notify_order(new, 'merchant', merchant, 'order_cancelled', 'order_cancelled');
          perform private.notify_order(new, 'rider', new.rider_id, 'order_cancelled', 'order_cancelled');
        end if;
      else
        null;
    end case;
  end if;
  if new.rider_id is distinct from old.rider_id and new.status in ('accepted', 'preparing', 'ready') then
    if old.rider_id is not null and new.rider_id is not null then
      perform private.notify_order(new, 'rider', old.rider_id, 'job_unassigned', 'job_unassigned');
    end if;
    if new.rider_id is not null then
      perform private.notify_order(new, 'rider', new.rider_id, 'job_assigned', 'job_assigned');
      perform private.notify_order(new, 'merchant', merchant, 'rider_assigned', 'rider_assigned');
    else
      perform private.notify_order(new, 'merchant', merchant, 'rider_released', 'rider_released');
    end if;
  end if;
  if is_open and not was_open then
    perform private.notify_job_ready(new);
  elsif was_open and not is_open then
    perform private.read_notifications(null, 'job_ready', new.id, null, null);
  end if;
  return null;
end
$$;
comment on function private.notify_order_change() is 'Trigger: tells an order''s parties of its status changes and of riders assigned or released, tells free riders near the store of a job open to them (and reads those alerts once it is taken or gone), and ends the merchant''s new-order alert once the order is answered.';
revoke execute on function private.notify_order_change() from public;

create trigger orders_notify_order_change after update of status, rider_id on public.orders
  for each row execute function private.notify_order_change();

-- Asking the store to cancel: the merchant hears of the request, the customer of a refusal (an
-- agreement is the order's cancellation, told above).
create function private.notify_cancellation_request() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders;
begin
  select * into o from public.orders x where x.id = new.order_id;
  if tg_op = 'INSERT' then
    perform private.notify_order(o, 'merchant', (select s.owner_id from public.stores s where s.id = o.store_id),
      'cancellation_requested', 'cancellation_requested', jsonb_build_object('reason', new.reason));
  elsif new.answer = 'declined' and old.answer is null then
    perform private.notify_order(o, 'customer', o.customer_id, 'cancellation_declined', 'cancellation_declined',
      jsonb_build_object('reason', new.answer_reason));
  end if;
  return null;
end
$$;
comment on function private.notify_cancellation_request() is 'Trigger on cancellation_requests: tells the store''s merchant of a customer''s request to cancel, and the customer of the store declining it.';
revoke execute on function private.notify_cancellation_request() from public;

create trigger cancellation_requests_notify after insert or update of answer on public.cancellation_requests
  for each row execute function private.notify_cancellation_request();

-- The rider closing in ----------------------------------------------------------------------------

-- A rider's position within 300 m of a picked-up order's door tells its customer, once per order
-- (the rider's row is locked by the update, so two reports at once cannot both tell).
create function private.notify_rider_near() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders;
begin
  for o in
    select * from public.orders x
    where x.rider_id = new.rider_id and x.status = 'picked_up'
      and extensions.st_dwithin(x.delivery_location, new.location, 300, false)
      and not exists (select 1 from public.notifications n
                      where n.user_id = x.customer_id and n.kind = 'rider_near' and n.data ->> 'order_id' = x.id::text)
  loop
    perform private.notify_order(o, 'customer', o.customer_id, 'rider_near', 'rider_near');
  end loop;
  return null;
end
$$;
comment on function private.notify_rider_near() is 'Trigger on rider_profiles: tells a customer, once per order, that their picked-up order''s rider is within 300 m.';
revoke execute on function private.notify_rider_near() from public;

create trigger rider_profiles_notify_rider_near after update of location on public.rider_profiles
  for each row when (new.location is not null)
  execute function private.notify_rider_near();

-- Chat ----------------------------------------------------------------------------------------------

alter table public.conversation_members
  add column last_read_at timestamptz;
comment on column public.conversation_members.last_read_at is 'When the member last moved their read position: within the last minute they count as present in the chat.';

-- Reading a conversation stamps the time and clears its chat notifications.
create function private.conversation_read() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  new.last_read_at := now();
  perform private.read_notifications(new.user_id, 'chat_message', null, new.conversation_id, null);
  return new;
end
$$;
comment on function private.conversation_read() is 'Trigger on conversation_members: a member reading stamps last_read_at and marks that conversation''s chat notifications read.';
revoke execute on function private.conversation_read() from public;

create trigger conversation_members_read before update of last_read_seq on public.conversation_members
  for each row when (new.last_read_seq > old.last_read_seq)
  execute function private.conversation_read();

-- A message tells each other member who is away (has not read the chat in the last minute), once
-- until they read it: further messages do not pile up notifications.
create function private.notify_chat_message() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  conversation public.conversations;
  o public.orders;
  member record;
begin
  select * into conversation from public.conversations c where c.id = new.conversation_id;
  select * into o from public.orders x where x.id = conversation.order_id;
  for member in
    select m.user_id, p.role from public.conversation_members m join public.profiles p on p.id = m.user_id
    where m.conversation_id = new.conversation_id and m.user_id is distinct from new.sender_id
      and (m.last_read_at is null or m.last_read_at < now() - interval '1 minute')
      and not exists (select 1 from public.notifications n
                      where n.user_id = m.user_id and n.kind = 'chat_message' and n.read_at is null
                        and n.data ->> 'conversation_id' = new.conversation_id::text)
  loop
    perform private.notify_order(o, member.role::text, member.user_id, 'chat_message', 'chat_message',
      jsonb_build_object('conversation_id', new.conversation_id,
        'message', case when char_length(new.body) > 200 then left(new.body, 199) || '…' else new.body end));
  end loop;
  return null;
end
$$;
comment on function private.notify_chat_message() is 'Trigger on messages: tells the other members who are away of a new message, one unread notification per conversation at most.';
revoke execute on function private.notify_chat_message() from public;

create trigger messages_notify_chat_message after insert on public.messages
  for each row execute function private.notify_chat_message();

-- Live to their owner: user:<id> ----------------------------------------------------------------

-- The owner's count of unread notifications, sent with every change so each open screen's bell
-- follows without asking.
create function private.unread_notifications(user_id uuid) returns integer
language sql stable
set search_path = ''
as $$
  select count(*)::integer from public.notifications n where n.user_id = unread_notifications.user_id and n.read_at is null
$$;
comment on function private.unread_notifications(uuid) is 'How many unread notifications a person has.';
revoke execute on function private.unread_notifications(uuid) from public;

create function private.broadcast_notification() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('id', new.id, 'kind', new.kind, 'title', new.title, 'body', new.body, 'link', new.link,
      'data', new.data, 'created_at', new.created_at, 'read_at', new.read_at,
      'unread', private.unread_notifications(new.user_id)),
    'notification', 'user:' || new.user_id, true);
  return null;
end
$$;
comment on function private.broadcast_notification() is 'Trigger: sends a new notification, with the owner''s unread count, to user:<owner id>.';
revoke execute on function private.broadcast_notification() from public;

create trigger notifications_broadcast after insert on public.notifications
  for each row execute function private.broadcast_notification();

create function private.broadcast_notifications_read() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  owner uuid;
begin
  for owner in
    select distinct n.user_id from new_rows n join old_rows o on o.id = n.id
    where o.read_at is null and n.read_at is not null
  loop
    perform realtime.send(jsonb_build_object('unread', private.unread_notifications(owner)), 'read', 'user:' || owner, true);
  end loop;
  return null;
end
$$;
comment on function private.broadcast_notifications_read() is 'Trigger: after notifications are marked read, sends each owner''s new unread count to user:<owner id>.';
revoke execute on function private.broadcast_notifications_read() from public;

create trigger notifications_broadcast_read after update on public.notifications
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.broadcast_notifications_read();

-- user:<id> for that user only, while active; only the database sends on it.
create policy "Users receive their own notifications topic" on realtime.messages
  for select to authenticated
  using ((select realtime.topic()) = 'user:' || (select auth.uid())::text and (select private.active_role()) is not null);

-- Marking read --------------------------------------------------------------------------------------

create function public.mark_notifications_read(ids uuid[] default null) returns integer
language sql
set search_path = ''
as $$
  -- Without a caller nothing is marked: a null recipient would mean everyone's.
  select case when (select auth.uid()) is null then 0
              else private.read_notifications((select auth.uid()), null, null, null, ids) end
$$;
comment on function public.mark_notifications_read(uuid[]) is 'Marks the caller''s notifications read: those listed, or all with no argument. Returns how many changed; runs under the caller''s row-level security.';
revoke execute on function public.mark_notifications_read(uuid[]) from public, anon;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated;
