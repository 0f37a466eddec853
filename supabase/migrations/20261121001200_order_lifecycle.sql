-- The order state machine, enforced here for every caller: which role may move an order from
-- which status to which, one order_events row per change, stock released when an order will not
-- be fulfilled, the merchant's acceptance with unavailable items removed or substituted, and a
-- customer's request to cancel an order the store has accepted, which the store agrees to or
-- declines.

-- Every legal change and who may make it. `system` is the scheduled expiry.
create function private.transition_allowed(from_status public.order_status, to_status public.order_status, actor text)
returns boolean
language sql immutable
set search_path = ''
as $$
  select exists (
    select 1 from (values
      ('pending', 'accepted', 'merchant'),
      ('pending', 'rejected', 'merchant'), ('pending', 'rejected', 'admin'),
      ('pending', 'cancelled', 'customer'), ('pending', 'cancelled', 'admin'),
      ('pending', 'expired', 'system'),
      ('accepted', 'preparing', 'merchant'),
      ('preparing', 'ready', 'merchant'),
      ('accepted', 'cancelled', 'merchant'), ('accepted', 'cancelled', 'admin'),
      ('preparing', 'cancelled', 'merchant'), ('preparing', 'cancelled', 'admin'),
      ('ready', 'cancelled', 'merchant'), ('ready', 'cancelled', 'admin'),
      ('ready', 'picked_up', 'rider'),
      ('picked_up', 'delivered', 'rider')
    ) as t (from_status, to_status, actor)
    where t.from_status::public.order_status = transition_allowed.from_status
      and t.to_status::public.order_status = transition_allowed.to_status
      and t.actor = transition_allowed.actor
  )
$$;
comment on function private.transition_allowed(public.order_status, public.order_status, text) is 'The order state machine: whether actor (customer, merchant, rider, admin, system) may move an order from one status to another.';
revoke execute on function private.transition_allowed(public.order_status, public.order_status, text) from public;

-- How the signed-in caller relates to an order: its customer, the merchant of its store, its
-- current rider, an admin, or nothing (null), judged by the active role as the policies are.
create function private.order_actor(o public.orders) returns text
language sql stable
set search_path = ''
as $$
  select case
    when me.role is null then null
    when me.role = 'admin' then 'admin'
    when me.role = 'customer' and o.customer_id = me.id then 'customer'
    when me.role = 'merchant' and exists (select 1 from public.stores s where s.id = o.store_id and s.owner_id = me.id) then 'merchant'
    when me.role = 'rider' and o.rider_id = me.id then 'rider'
  end
  from (select (select auth.uid()) as id, private.active_role() as role) me
$$;
comment on function private.order_actor(public.orders) is 'customer, merchant, rider or admin: how the signed-in, active caller relates to the order; null for anyone else.';
revoke execute on function private.order_actor(public.orders) from public;

-- The order, locked for the change, when the caller is one of the given actors; 404 otherwise,
-- so nobody learns that someone else's order exists.
create function private.order_for_change(order_id uuid, actors text[]) returns public.orders
language plpgsql
set search_path = ''
as $$
declare
  o public.orders;
begin
  select * into o from public.orders where id = order_for_change.order_id for update;
  if not found or not coalesce(private.order_actor(o) = any (actors), false) then
    perform private.refuse(404, 'order_not_found', 'No such order among yours.', jsonb_build_object('order_id', order_id));
  end if;
  return o;
end
$$;
comment on function private.order_for_change(uuid, text[]) is 'Locks and returns an order the caller may change as one of the given actors; refuses with 404 otherwise.';
revoke execute on function private.order_for_change(uuid, text[]) from public;

-- Puts back the stock an order reserved (not for items the store marked unavailable).
create function private.release_stock(order_id uuid) returns void
language sql
set search_path = ''
as $$
  update public.products p set stock = p.stock + i.quantity
  from public.order_items i
  where i.order_id = release_stock.order_id and i.product_id = p.id and not i.unavailable
$$;
comment on function private.release_stock(uuid) is 'Returns an order''s reserved units to stock, for orders that will not be fulfilled.';
revoke execute on function private.release_stock(uuid) from public;

-- The one place an order's status changes: checks the state machine, writes the event and
-- releases stock for rejected, cancelled and expired orders.
create function private.move_order(o public.orders, to_status public.order_status, actor text, note text)
returns public.orders
language plpgsql
set search_path = ''
as $$
declare
  changed public.orders;
begin
  if not private.transition_allowed(o.status, to_status, actor) then
    perform private.refuse(409, 'invalid_transition',
      format('A %s order cannot become %s by its %s.', o.status, to_status, actor),
      jsonb_build_object('order_id', o.id, 'status', o.status, 'requested', to_status));
  end if;
  note := nullif(btrim(note), '');
  if char_length(note) > 500 then
    raise exception 'the note or reason must be at most 500 characters' using errcode = '22023';
  end if;
  if note is null and (to_status = 'rejected' or (to_status = 'cancelled' and actor <> 'customer')) then
    raise exception 'a reason is required to make an order %', to_status using errcode = '22023';
  end if;

  update public.orders set
    status = to_status,
    status_reason = case when to_status in ('rejected', 'cancelled', 'expired') then note else status_reason end
  where id = o.id
  returning * into changed;
  insert into public.order_events (order_id, status, previous_status, actor_id, note)
  values (o.id, to_status, o.status, case when actor <> 'system' then (select auth.uid()) end, note);
  if to_status in ('rejected', 'cancelled', 'expired') then
    perform private.release_stock(o.id);
  end if;
  return changed;
end
$$;
comment on function private.move_order(public.orders, public.order_status, text, text) is 'Changes an order''s status if the state machine allows it for the actor, records the event (reason required for rejections and store or admin cancellations) and releases stock when the order ends unfulfilled.';
revoke execute on function private.move_order(public.orders, public.order_status, text, text) from public;

-- Acceptance ----------------------------------------------------------------------------------

-- Items the store cannot supply: each is marked unavailable and its product's stock set to 0
-- (the merchant has just found there is none); a customer who asked for a substitute gets the
-- closest in-stock product of the same category at no higher price, if there is one. Returns
-- a note for the order's timeline.
create function private.apply_unavailable(o public.orders, product_ids uuid[]) returns text
language plpgsql
set search_path = ''
as $$
declare
  item public.order_items;
  sub public.products;
  changes text[] := '{}';
begin
  if exists (select unnest(product_ids) except select i.product_id from public.order_items i where i.order_id = o.id) then
    raise exception 'unavailable_product_ids lists a product that is not in this order' using errcode = '22023';
  end if;
  for item in
    select * from public.order_items i where i.order_id = o.id and i.product_id = any (product_ids) order by i.id
  loop
    update public.order_items set unavailable = true where id = item.id;
    update public.products set stock = 0 where id = item.product_id;
    sub := null;
    if item.if_unavailable = 'substitute' then
      select p.* into sub
      from public.products p
      where p.store_id = o.store_id and p.is_active and p.stock >= item.quantity
        and p.price_paise <= item.unit_price_paise
        and p.category = (select x.category from public.products x where x.id = item.product_id)
        and not exists (select 1 from public.order_items i where i.order_id = o.id and i.product_id = p.id)
      order by extensions.similarity(p.name, item.product_name) desc, p.price_paise desc, p.id
      limit 1
      for update;
    end if;
    if sub.id is not null then
      insert into public.order_items (order_id, product_id, sku, product_name, unit, unit_price_paise, quantity, substitute_for)
      values (o.id, sub.id, sub.sku, sub.name, sub.unit, sub.price_paise, item.quantity, item.id);
      update public.products set stock = stock - item.quantity where id = sub.id;
      changes := changes || format('%s substituted by %s', item.product_name, sub.name);
    else
      changes := changes || format('%s removed', item.product_name);
    end if;
  end loop;

  if not exists (select 1 from public.order_items i where i.order_id = o.id and not i.unavailable) then
    perform private.refuse(409, 'nothing_to_deliver', 'Every item would be removed: reject the order instead.',
      jsonb_build_object('order_id', o.id));
  end if;
  -- Fees stay as charged at checkout: the customer never pays more for the store's shortfall.
  update public.orders set
    subtotal_paise = t.subtotal,
    total_paise = t.subtotal + delivery_fee_paise + small_order_fee_paise
  from (select coalesce(sum(i.line_total_paise), 0)::integer as subtotal
        from public.order_items i where i.order_id = o.id and not i.unavailable) t
  where id = o.id;
  return 'Unavailable: ' || array_to_string(changes, '; ') || '.';
end
$$;
comment on function private.apply_unavailable(public.orders, uuid[]) is 'For accept_order: removes or substitutes (same category, no higher price, in stock) the items the store cannot supply, per the customer''s preference, and recomputes the total.';
revoke execute on function private.apply_unavailable(public.orders, uuid[]) from public;

create function private.accept_order(order_id uuid, unavailable_product_ids uuid[]) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{merchant}');
  note text;
begin
  if not private.transition_allowed(o.status, 'accepted', 'merchant') then
    perform private.refuse(409, 'invalid_transition', format('This order is already %s; only pending orders can be accepted.', o.status),
      jsonb_build_object('order_id', o.id, 'status', o.status, 'requested', 'accepted'));
  end if;
  if cardinality(unavailable_product_ids) > 0 then
    note := private.apply_unavailable(o, unavailable_product_ids);
  end if;
  return private.move_order(o, 'accepted', 'merchant', note);
end
$$;
comment on function private.accept_order(uuid, uuid[]) is 'accept_order for the API: the store''s merchant accepts a pending order (the order row lock makes exactly one of many concurrent calls win), optionally marking items unavailable.';
revoke execute on function private.accept_order(uuid, uuid[]) from public;
grant execute on function private.accept_order(uuid, uuid[]) to authenticated, service_role;

create function public.accept_order(order_id uuid, unavailable_product_ids uuid[] default '{}')
returns public.orders
language sql
set search_path = ''
as $$
  select private.accept_order(order_id, coalesce(unavailable_product_ids, '{}'))
$$;
comment on function public.accept_order(uuid, uuid[]) is 'The store''s merchant accepts a pending order; items listed as unavailable are removed or substituted per the customer''s choice and the total recomputed. Exactly one of many concurrent calls succeeds; the others get 409 invalid_transition.';
revoke execute on function public.accept_order(uuid, uuid[]) from public, anon;
grant execute on function public.accept_order(uuid, uuid[]) to authenticated, service_role;

-- Rejection and the other steps ---------------------------------------------------------------

create function private.reject_order(order_id uuid, reason text) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{merchant,admin}');
begin
  return private.move_order(o, 'rejected', private.order_actor(o), reason);
end
$$;
comment on function private.reject_order(uuid, text) is 'reject_order for the API.';
revoke execute on function private.reject_order(uuid, text) from public;
grant execute on function private.reject_order(uuid, text) to authenticated, service_role;

create function public.reject_order(order_id uuid, reason text) returns public.orders
language sql
set search_path = ''
as $$
  select private.reject_order(order_id, reason)
$$;
comment on function public.reject_order(uuid, text) is 'The store''s merchant (or an admin) turns down a pending order with a reason; its reserved stock is released.';
revoke execute on function public.reject_order(uuid, text) from public, anon;
grant execute on function public.reject_order(uuid, text) to authenticated, service_role;

create function private.update_order_status(order_id uuid, status public.order_status, note text) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{customer,merchant,rider,admin}');
begin
  case status
    when 'accepted' then
      perform private.refuse(409, 'use_accept_order', 'Accept an order with accept_order.');
    when 'rejected' then
      perform private.refuse(409, 'use_reject_order', 'Turn down an order with reject_order and a reason.');
    when 'delivered' then
      perform private.refuse(409, 'use_deliver_order', 'Mark an order delivered with deliver_order and the customer''s handover code.');
    else
      return private.move_order(o, status, private.order_actor(o), note);
  end case;
end
$$;
comment on function private.update_order_status(uuid, public.order_status, text) is 'update_order_status for the API.';
revoke execute on function private.update_order_status(uuid, public.order_status, text) from public;
grant execute on function private.update_order_status(uuid, public.order_status, text) to authenticated, service_role;

create function public.update_order_status(order_id uuid, status public.order_status, note text default null)
returns public.orders
language sql
set search_path = ''
as $$
  select private.update_order_status(order_id, status, note)
$$;
comment on function public.update_order_status(uuid, public.order_status, text) is 'Moves an order on by role and state: the customer cancels while pending; the merchant marks preparing and ready or cancels (with a reason) before pickup; the current rider marks picked_up; an admin cancels before pickup. Anything else is refused with 409 invalid_transition.';
revoke execute on function public.update_order_status(uuid, public.order_status, text) from public, anon;
grant execute on function public.update_order_status(uuid, public.order_status, text) to authenticated, service_role;


-- Asking the store to cancel ------------------------------------------------------------------

-- Once the store has accepted, the customer cannot cancel alone: they ask, with a reason, and the
-- store agrees (the order is cancelled) or declines with a reason (the order goes on). One request
-- per order, written only by the functions below.
create table public.cancellation_requests (
  order_id uuid primary key references public.orders (id) on delete cascade,
  reason text not null constraint cancellation_requests_reason_length check (char_length(btrim(reason)) between 1 and 500),
  requested_at timestamptz not null default now(),
  answer text constraint cancellation_requests_answer_known check (answer in ('agreed', 'declined')),
  answer_reason text constraint cancellation_requests_answer_reason_length check (char_length(btrim(answer_reason)) between 1 and 200),
  answered_at timestamptz,
  constraint cancellation_requests_answered_together check ((answer is null) = (answered_at is null)),
  constraint cancellation_requests_declined_with_reason check ((answer = 'declined') = (answer_reason is not null))
);
comment on table public.cancellation_requests is 'A customer''s request to cancel an order its store has accepted, and the store''s answer: agreed (the order was cancelled) or declined with a reason. One per order; written by request_cancellation, agree_to_cancellation and decline_cancellation.';
comment on column public.cancellation_requests.reason is 'Why the customer asks (1 to 500 characters).';
comment on column public.cancellation_requests.answer is 'null while the store has not answered; agreed or declined.';
comment on column public.cancellation_requests.answer_reason is 'Why the store declined (1 to 200 characters); null otherwise.';

revoke all on table public.cancellation_requests from anon, authenticated;
grant select on table public.cancellation_requests to authenticated;
grant all on table public.cancellation_requests to service_role;

alter table public.cancellation_requests enable row level security;

create policy "Whoever reads an order reads its cancellation request" on public.cancellation_requests
  for select to authenticated
  using (exists (select 1 from public.orders o where o.id = cancellation_requests.order_id));

-- The customer asks while the order is accepted, preparing or ready: before that they cancel it
-- themselves, once the rider has it it is too late.
create function private.request_cancellation(order_id uuid, reason text) returns public.cancellation_requests
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{customer}');
  asked public.cancellation_requests;
begin
  reason := nullif(btrim(reason), '');
  if reason is null or char_length(reason) > 500 then
    raise exception 'the reason must be 1 to 500 characters' using errcode = '22023';
  end if;
  case
    when o.status = 'pending' then
      perform private.refuse(409, 'cancel_it_yourself', 'The store has not accepted this order yet: cancel it yourself.',
        jsonb_build_object('order_id', o.id, 'status', o.status));
    when o.status in ('picked_up', 'delivered') then
      perform private.refuse(409, 'already_picked_up', 'The rider has already picked this order up: it can no longer be cancelled.',
        jsonb_build_object('order_id', o.id, 'status', o.status));
    when o.status not in ('accepted', 'preparing', 'ready') then
      perform private.refuse(409, 'invalid_transition', format('This order is already %s.', o.status),
        jsonb_build_object('order_id', o.id, 'status', o.status, 'requested', 'cancelled'));
    else
      null;
  end case;
  insert into public.cancellation_requests (order_id, reason) values (o.id, request_cancellation.reason)
  on conflict do nothing
  returning * into asked;
  if not found then
    perform private.refuse(409, 'cancellation_already_requested', 'You have already asked the store to cancel this order.',
      jsonb_build_object('order_id', o.id));
  end if;
  return asked;
end
$$;
comment on function private.request_cancellation(uuid, text) is 'request_cancellation for the API.';
revoke execute on function private.request_cancellation(uuid, text) from public;
grant execute on function private.request_cancellation(uuid, text) to authenticated, service_role;

create function public.request_cancellation(order_id uuid, reason text) returns public.cancellation_requests
language sql
set search_path = ''
as $$
  select private.request_cancellation(order_id, reason)
$$;
comment on function public.request_cancellation(uuid, text) is 'The customer asks the store to cancel an order it has accepted (accepted, preparing or ready), with a reason of 1 to 500 characters; once per order. 409 cancel_it_yourself while pending, already_picked_up once the rider has it, cancellation_already_requested the second time.';
revoke execute on function public.request_cancellation(uuid, text) from public, anon;
grant execute on function public.request_cancellation(uuid, text) to authenticated, service_role;

-- The store's open request on the order, locked for the answer; 409 when there is none.
create function private.open_cancellation_request(o public.orders) returns public.cancellation_requests
language plpgsql
set search_path = ''
as $$
declare
  asked public.cancellation_requests;
begin
  select * into asked from public.cancellation_requests r where r.order_id = o.id for update;
  if not found or asked.answer is not null then
    perform private.refuse(409, 'no_open_cancellation_request',
      case when found then format('This request was already %s.', asked.answer) else 'The customer has not asked to cancel this order.' end,
      jsonb_build_object('order_id', o.id, 'answer', asked.answer));
  end if;
  return asked;
end
$$;
comment on function private.open_cancellation_request(public.orders) is 'Locks and returns the unanswered cancellation request of an order; refuses with 409 no_open_cancellation_request otherwise.';
revoke execute on function private.open_cancellation_request(public.orders) from public;

create function private.agree_to_cancellation(order_id uuid) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{merchant}');
  asked public.cancellation_requests := private.open_cancellation_request(o);
begin
  if o.status in ('picked_up', 'delivered') then
    perform private.refuse(409, 'already_picked_up', 'The rider has already picked this order up: it can no longer be cancelled.',
      jsonb_build_object('order_id', o.id, 'status', o.status));
  end if;
  update public.cancellation_requests set answer = 'agreed', answered_at = now() where cancellation_requests.order_id = o.id;
  return private.move_order(o, 'cancelled', 'merchant', left('At the customer''s request: ' || asked.reason, 500));
end
$$;
comment on function private.agree_to_cancellation(uuid) is 'agree_to_cancellation for the API.';
revoke execute on function private.agree_to_cancellation(uuid) from public;
grant execute on function private.agree_to_cancellation(uuid) to authenticated, service_role;

create function public.agree_to_cancellation(order_id uuid) returns public.orders
language sql
set search_path = ''
as $$
  select private.agree_to_cancellation(order_id)
$$;
comment on function public.agree_to_cancellation(uuid) is 'The store''s merchant agrees to the customer''s open cancellation request: the order is cancelled (its reason names the customer''s) and its stock released. 409 no_open_cancellation_request without one, already_picked_up once the rider has the order.';
revoke execute on function public.agree_to_cancellation(uuid) from public, anon;
grant execute on function public.agree_to_cancellation(uuid) to authenticated, service_role;

create function private.decline_cancellation(order_id uuid, reason text) returns public.cancellation_requests
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders := private.order_for_change(order_id, '{merchant}');
  answered public.cancellation_requests;
begin
  reason := nullif(btrim(reason), '');
  if reason is null or char_length(reason) > 200 then
    raise exception 'the reason must be 1 to 200 characters' using errcode = '22023';
  end if;
  perform private.open_cancellation_request(o);
  update public.cancellation_requests r set answer = 'declined', answer_reason = decline_cancellation.reason, answered_at = now()
  where r.order_id = o.id
  returning * into answered;
  return answered;
end
$$;
comment on function private.decline_cancellation(uuid, text) is 'decline_cancellation for the API.';
revoke execute on function private.decline_cancellation(uuid, text) from public;
grant execute on function private.decline_cancellation(uuid, text) to authenticated, service_role;

create function public.decline_cancellation(order_id uuid, reason text) returns public.cancellation_requests
language sql
set search_path = ''
as $$
  select private.decline_cancellation(order_id, reason)
$$;
comment on function public.decline_cancellation(uuid, text) is 'The store''s merchant declines the customer''s open cancellation request with a reason of 1 to 200 characters; the order goes on. 409 no_open_cancellation_request without one.';
revoke execute on function public.decline_cancellation(uuid, text) from public, anon;
grant execute on function public.decline_cancellation(uuid, text) to authenticated, service_role;

-- Ordering the same elsewhere -------------------------------------------------------------------
-- An order the store rejected, or that was cancelled or expired, still says what the customer
-- wanted: the stores near its address that are open now and sell those products (the same SKUs,
-- active and in stock) are where to order it again.

create type public.store_for_order as (
  store_id uuid, name text, distance_m double precision, eta_minutes integer,
  rating numeric, rating_count integer, items_found integer, items_total integer,
  products jsonb
);
comment on type public.store_for_order is 'A store that could deliver an order''s products instead: distance and ETA to the order''s address, its rating, how many of the order''s products it has in stock out of how many, and its product ids by SKU.';

create function private.stores_for_order(order_id uuid) returns setof public.store_for_order
language plpgsql stable security definer
set search_path = ''
set jit = off
as $$
declare
  o public.orders;
begin
  select * into o from public.orders where id = stores_for_order.order_id and customer_id = (select auth.uid());
  if not found or private.caller_is_suspended() then
    perform private.refuse(404, 'order_not_found', 'No such order among yours.', jsonb_build_object('order_id', order_id));
  end if;
  return query
  with wanted as (
    select distinct i.sku from public.order_items i where i.order_id = o.id and not i.unavailable
  )
  select n.id, n.name, n.distance_m, n.eta_minutes, n.rating, n.rating_count,
         count(p.id)::integer, (select count(*) from wanted)::integer, jsonb_object_agg(p.sku, p.id)
  -- The 200 nearest open stores: in a dense street the twenty nearest may sell none of it.
  from private.nearest_stores(o.delivery_location, 3000, 200, null, true) n
  join public.products p
    on p.store_id = n.id and p.is_active and p.stock > 0 and p.sku in (select w.sku from wanted w)
  where n.id <> o.store_id
  group by n.id, n.name, n.distance_m, n.eta_minutes, n.rating, n.rating_count
  order by count(p.id) desc, n.distance_m, n.id
  limit 3;
end
$$;
comment on function private.stores_for_order(uuid) is 'stores_for_order for the API.';
revoke execute on function private.stores_for_order(uuid) from public;
grant execute on function private.stores_for_order(uuid) to authenticated, service_role;

create function public.stores_for_order(order_id uuid) returns setof public.store_for_order
language sql stable
set search_path = ''
as $$
  select * from private.stores_for_order(order_id)
$$;
comment on function public.stores_for_order(uuid) is 'For the caller''s own order: up to three other stores within 3 km of its address, open now and delivering there, that have any of its products in stock, most of them first, then nearest. 404 order_not_found for anyone else''s order.';
revoke execute on function public.stores_for_order(uuid) from public, anon;
grant execute on function public.stores_for_order(uuid) to authenticated, service_role;
