-- The people of a user's live orders. private.order_counterpart_ids(live_only) was only ever
-- asked for live orders: one function without the switch replaces it in the two policies.
create function private.live_order_counterpart_ids() returns setof uuid
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
      and o.status in ('accepted', 'preparing', 'ready', 'picked_up')
  )
  select distinct person from mine, me,
    lateral (values (mine.customer_id), (mine.merchant_id), (mine.rider_id)) as p (person)
  where person is not null and person <> me.id
$$;
comment on function private.live_order_counterpart_ids() is 'Ids of the customers, merchants and riders the signed-in, active user shares a live order (accepted to picked up) with.';
revoke execute on function private.live_order_counterpart_ids() from public;
grant execute on function private.live_order_counterpart_ids() to authenticated, service_role;

alter policy "Users see the people of their live orders" on public.profiles
  using (id in (select private.live_order_counterpart_ids()));
alter policy "Customers and merchants see the rider of their live orders" on public.rider_profiles
  using (rider_id in (select private.live_order_counterpart_ids()));

drop function private.order_counterpart_ids(boolean);
