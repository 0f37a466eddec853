-- Orders, their items (a snapshot of what was bought at what price) and their status timeline.
-- Nobody writes these tables directly through the API: checkout and the order functions do,
-- so the state machine and stock rules hold whoever calls. Everyone reads what is theirs.

create type public.order_status as enum (
  'pending', 'accepted', 'preparing', 'ready', 'picked_up', 'delivered', 'rejected', 'cancelled', 'expired'
);
comment on type public.order_status is 'pending → accepted → preparing → ready → picked_up → delivered; pending → rejected | cancelled | expired; accepted/preparing → cancelled.';

create type public.payment_method as enum ('cod');
comment on type public.payment_method is 'How an order is paid; cash on delivery only for now.';

create table public.orders (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references public.profiles (id),
  store_id uuid not null references public.stores (id),
  rider_id uuid references public.profiles (id),
  status public.order_status not null default 'pending',
  status_reason text constraint orders_status_reason_length check (char_length(status_reason) <= 500),
  subtotal_paise integer not null constraint orders_subtotal_not_negative check (subtotal_paise >= 0),
  delivery_fee_paise integer not null default 0 constraint orders_delivery_fee_not_negative check (delivery_fee_paise >= 0),
  small_order_fee_paise integer not null default 0 constraint orders_small_order_fee_not_negative check (small_order_fee_paise >= 0),
  total_paise integer not null,
  payment_method public.payment_method not null default 'cod',
  delivery_address text not null constraint orders_delivery_address_length check (char_length(btrim(delivery_address)) between 5 and 300),
  delivery_location extensions.geography(point, 4326) not null,
  delivery_phone text constraint orders_delivery_phone_format check (delivery_phone ~ '^\+?[0-9]{10,15}$'),
  delivery_distance_m integer constraint orders_delivery_distance_not_negative check (delivery_distance_m >= 0),
  notes text constraint orders_notes_length check (char_length(notes) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint orders_total_adds_up check (total_paise = subtotal_paise + delivery_fee_paise + small_order_fee_paise)
);
comment on table public.orders is 'A customer''s order from one store. Written only by checkout and the order functions; every status change is a row in order_events.';
comment on column public.orders.rider_id is 'The rider delivering the order; null until one claims or is assigned it.';
comment on column public.orders.status_reason is 'Why the order was rejected, cancelled or expired.';
comment on column public.orders.small_order_fee_paise is 'Charged when the subtotal at checkout was below the store''s minimum order; never raised afterwards.';
comment on column public.orders.total_paise is 'subtotal_paise + delivery_fee_paise + small_order_fee_paise, in paise.';
comment on column public.orders.delivery_distance_m is 'Straight-line metres from the store to the delivery point at checkout; the delivery fee is priced on it.';
comment on column public.orders.delivery_location is 'Where to deliver (WGS 84 point).';
comment on column public.orders.delivery_address is 'The delivery address as the customer chose it at checkout: a snapshot, unchanged when a saved address is edited later.';
comment on column public.orders.delivery_phone is 'Who the rider calls at the door, as given at checkout (a saved address''s phone); null when none was given, and cleared once the order has ended, so the store and the rider cannot read it afterwards.';
comment on column public.orders.updated_at is 'Last change of any kind; integrators sync with updated_at=gt.<last seen>.';

revoke all on table public.orders from anon, authenticated;
grant select on table public.orders to authenticated;
grant all on table public.orders to service_role;

create index orders_customer_id_created_at_idx on public.orders (customer_id, created_at desc);
create index orders_store_id_updated_at_idx on public.orders (store_id, updated_at);
create index orders_rider_id_idx on public.orders (rider_id) where rider_id is not null;
create index orders_status_updated_at_idx on public.orders (status, updated_at);

create trigger orders_touch_updated_at before update on public.orders
  for each row execute function private.touch_updated_at();

-- A phone number is shared for the delivery only: once the order has ended (delivered, rejected,
-- cancelled, expired) nobody needs to call the door any more.
create function private.forget_delivery_phone() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status in ('delivered', 'rejected', 'cancelled', 'expired') then
    new.delivery_phone := null;
  end if;
  return new;
end
$$;
comment on function private.forget_delivery_phone() is 'Trigger: clears an order''s delivery phone when the order ends.';
revoke execute on function private.forget_delivery_phone() from public;

create trigger orders_forget_delivery_phone before insert or update of status on public.orders
  for each row execute function private.forget_delivery_phone();
create trigger orders_audit after insert or update or delete on public.orders
  for each row execute function private.record_change();

alter table public.orders enable row level security;

-- By who placed or delivers the order, not by today's role: history survives a role change.
create policy "Customers read their own orders" on public.orders
  for select to authenticated
  using (customer_id = (select auth.uid()) and (select private.active_role()) is not null);

create policy "Merchants read the orders placed with their stores" on public.orders
  for select to authenticated
  using (store_id in (select private.my_store_ids()));

create policy "Riders read the orders assigned to them" on public.orders
  for select to authenticated
  using (rider_id = (select auth.uid()) and (select private.active_role()) is not null);

create policy "Admins read every order" on public.orders
  for select to authenticated
  using ((select private.active_role()) = 'admin');

create type public.substitution_preference as enum ('remove', 'substitute');
comment on type public.substitution_preference is 'What the customer wants when an item turns out to be unavailable: drop it, or take a similar item of the store at no higher price.';

create table public.order_items (
  id bigint generated always as identity primary key,
  order_id uuid not null references public.orders (id) on delete cascade,
  product_id uuid references public.products (id) on delete set null,
  sku text not null,
  product_name text not null,
  unit text not null,
  unit_price_paise integer not null constraint order_items_unit_price_positive check (unit_price_paise > 0),
  quantity integer not null constraint order_items_quantity_range check (quantity between 1 and 100),
  line_total_paise integer generated always as (unit_price_paise * quantity) stored,
  if_unavailable public.substitution_preference not null default 'remove',
  unavailable boolean not null default false,
  substitute_for bigint references public.order_items (id),
  constraint order_items_product_once_per_order unique (order_id, product_id)
);
comment on table public.order_items is 'What an order contains, with the product''s name, unit and price as they were when it was placed.';
comment on column public.order_items.product_id is 'The product bought; null once the merchant deletes it (the snapshot stays).';
comment on column public.order_items.if_unavailable is 'The customer''s choice, per item, for when the store cannot supply it.';
comment on column public.order_items.unavailable is 'The store marked the item unavailable when accepting: it is not charged (and another line may substitute it).';
comment on column public.order_items.substitute_for is 'For a substitute line: the unavailable item it replaces.';

revoke all on table public.order_items from anon, authenticated;
grant select on table public.order_items to authenticated;
grant all on table public.order_items to service_role;

-- The unique (order_id, product_id) index serves the order_id foreign key.
create index order_items_product_id_idx on public.order_items (product_id);
create index order_items_substitute_for_idx on public.order_items (substitute_for) where substitute_for is not null;

alter table public.order_items enable row level security;

-- The subquery runs under the orders policies, so whoever may read an order reads its items.
create policy "Whoever reads an order reads its items" on public.order_items
  for select to authenticated
  using (exists (select 1 from public.orders o where o.id = order_items.order_id));

create table public.order_events (
  id bigint generated always as identity primary key,
  order_id uuid not null references public.orders (id) on delete cascade,
  status public.order_status not null,
  previous_status public.order_status,
  actor_id uuid references public.profiles (id) on delete set null,
  note text constraint order_events_note_length check (char_length(note) <= 500),
  created_at timestamptz not null default now()
);
comment on table public.order_events is 'The status timeline of each order: one row per change, with who made it and why.';
comment on column public.order_events.previous_status is 'The status before this change; null for the order''s first event.';
comment on column public.order_events.actor_id is 'Who changed the status; null for the system (expiry) or a deleted account.';

revoke all on table public.order_events from anon, authenticated;
grant select on table public.order_events to authenticated;
grant all on table public.order_events to service_role;

create index order_events_order_id_created_at_idx on public.order_events (order_id, created_at);
create index order_events_actor_id_idx on public.order_events (actor_id);

alter table public.order_events enable row level security;

create policy "Whoever reads an order reads its timeline" on public.order_events
  for select to authenticated
  using (exists (select 1 from public.orders o where o.id = order_events.order_id));

-- The people the signed-in user deals with through orders (only live ones with live_only):
-- for a customer, the merchants and riders of their orders; for a merchant, the customers and
-- riders of their stores' orders; for a rider, the customers and merchants of their deliveries.
create function private.order_counterpart_ids(live_only boolean default false) returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  with me as (select (select auth.uid()) as id, (select private.active_role()) as role),
  mine as (
    select o.customer_id, s.owner_id as merchant_id, o.rider_id
    from public.orders o
    join public.stores s on s.id = o.store_id
    cross join me
    where me.role is not null
      and (o.customer_id = me.id or s.owner_id = me.id or o.rider_id = me.id)
      and (not live_only or o.status in ('accepted', 'preparing', 'ready', 'picked_up'))
  )
  select distinct person from mine, me,
    lateral (values (mine.customer_id), (mine.merchant_id), (mine.rider_id)) as p (person)
  where person is not null and person <> me.id
$$;
comment on function private.order_counterpart_ids(boolean) is 'Ids of the customers, merchants and riders the signed-in, active user shares an order (or, with live_only, a live order) with.';
revoke execute on function private.order_counterpart_ids(boolean) from public;
grant execute on function private.order_counterpart_ids(boolean) to authenticated, service_role;

-- Only while the order is live: names and phone numbers are for the delivery, not for afterwards.
create policy "Users see the people of their live orders" on public.profiles
  for select to authenticated
  using (id in (select private.order_counterpart_ids(live_only => true)));

-- Only while the order is live: a rider's position and vehicle are nobody's business afterwards.
create policy "Customers and merchants see the rider of their live orders" on public.rider_profiles
  for select to authenticated
  using (rider_id in (select private.order_counterpart_ids(live_only => true)));
