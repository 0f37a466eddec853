-- Ratings: after delivery the customer rates the store and the rider once, within 7 days, with
-- an optional comment. The database keeps each store's rating (a Bayesian average, below) and
-- each rider's average from the reviews; merchants read their stores' reviews, riders their
-- average; an admin hides an abusive comment, audited.

-- How far a store's rating is pulled towards the prior: as if every store began with five
-- 4-star reviews. One 5-star review makes 4.2, not 5.0; ten make 4.7; a store with a hundred
-- reviews shows nearly its own average. No reviews: null (the app says "New").
create function private.store_rating(stars_total bigint, reviews bigint) returns numeric
language sql immutable parallel safe
set search_path = ''
as $$
  select case when reviews > 0 then round((5 * 4.0 + stars_total) / (5 + reviews), 1) end
$$;
comment on function private.store_rating(bigint, bigint) is
  'A store''s shown rating from the sum and number of its reviews'' stars: the Bayesian average with a prior of five 4-star reviews, to one decimal; null without reviews.';
revoke execute on function private.store_rating(bigint, bigint) from public;
grant execute on function private.store_rating(bigint, bigint) to service_role;

-- How long after delivery an order may be rated.
create function private.rating_window() returns interval
language sql immutable parallel safe
set search_path = ''
as $$ select interval '7 days' $$;
comment on function private.rating_window() is 'An order may be rated until this long after its delivery.';
revoke execute on function private.rating_window() from public;

comment on column public.stores.rating is 'The customers'' rating, 1.0 to 5.0, kept by the database from reviews (private.store_rating: a Bayesian average); null until rated.';
comment on column public.stores.rating_count is 'How many reviews the rating is made of; kept by the database.';

alter table public.rider_profiles
  add column rating numeric(2, 1) constraint rider_profiles_rating_range check (rating between 1 and 5),
  add column rating_count integer not null default 0 constraint rider_profiles_rating_count_not_negative check (rating_count >= 0);
comment on column public.rider_profiles.rating is 'The average of the stars customers gave the rider, to one decimal; null until rated. Kept by the database.';
comment on column public.rider_profiles.rating_count is 'How many ratings the rider''s average is made of; kept by the database.';

create table public.reviews (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null constraint reviews_one_per_order unique references public.orders (id) on delete cascade,
  customer_id uuid not null references public.profiles (id),
  store_id uuid not null references public.stores (id) on delete cascade,
  rider_id uuid references public.profiles (id),
  store_stars smallint not null constraint reviews_store_stars_range check (store_stars between 1 and 5),
  rider_stars smallint constraint reviews_rider_stars_range check (rider_stars between 1 and 5),
  comment text constraint reviews_comment_length check (char_length(comment) between 1 and 500),
  comment_hidden_at timestamptz,
  created_at timestamptz not null default now(),
  constraint reviews_rider_stars_for_the_rider check ((rider_id is null) = (rider_stars is null)),
  constraint reviews_hidden_comment_is_gone check (comment_hidden_at is null or comment is null)
);
comment on table public.reviews is 'A customer''s rating of a delivered order: stars for the store and its rider, and an optional comment. Written only by rate_order; one per order.';
comment on column public.reviews.rider_id is 'The rider who delivered the order, rated with rider_stars.';
comment on column public.reviews.comment is 'What the customer wrote, up to 500 characters; null when none or hidden by an admin.';
comment on column public.reviews.comment_hidden_at is 'When an admin hid the comment (admin.hide_review_comment); the text then lives only in the audit log.';

revoke all on table public.reviews from anon, authenticated;
grant select on table public.reviews to authenticated;
grant all on table public.reviews to service_role;

-- The unique order_id index serves its foreign key.
create index reviews_store_id_created_at_idx on public.reviews (store_id, created_at desc);
create index reviews_customer_id_idx on public.reviews (customer_id);
create index reviews_rider_id_idx on public.reviews (rider_id) where rider_id is not null;

-- Recounts the store's rating. The store's row is locked first and counted in the next
-- statement, which sees every review committed before the lock was granted: two reviews of one
-- store committed at once are both counted.
create function private.refresh_store_rating(store_id uuid) returns void
language plpgsql
set search_path = ''
as $$
begin
  perform from public.stores s where s.id = refresh_store_rating.store_id for update;
  update public.stores s
  set rating = private.store_rating(t.stars, t.reviews), rating_count = t.reviews
  from (select coalesce(sum(r.store_stars), 0) as stars, count(*) as reviews
        from public.reviews r where r.store_id = refresh_store_rating.store_id) t
  where s.id = refresh_store_rating.store_id;
end
$$;
comment on function private.refresh_store_rating(uuid) is 'Recounts a store''s rating and review count from its reviews.';
revoke execute on function private.refresh_store_rating(uuid) from public;

-- The same for a rider, whose average is a plain one.
create function private.refresh_rider_rating(rider_id uuid) returns void
language plpgsql
set search_path = ''
as $$
begin
  perform from public.rider_profiles p where p.rider_id = refresh_rider_rating.rider_id for update;
  update public.rider_profiles p
  set rating = t.average, rating_count = t.ratings
  from (select round(avg(r.rider_stars), 1) as average, count(r.rider_stars) as ratings
        from public.reviews r where r.rider_id = refresh_rider_rating.rider_id) t
  where p.rider_id = refresh_rider_rating.rider_id;
end
$$;
comment on function private.refresh_rider_rating(uuid) is 'Recounts a rider''s average rating and rating count from the reviews.';
revoke execute on function private.refresh_rider_rating(uuid) from public;

-- Security definer: the reviews' authors may not write stores or rider profiles.
create function private.review_counts() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op <> 'INSERT' then
    perform private.refresh_store_rating(old.store_id);
    if old.rider_id is not null then
      perform private.refresh_rider_rating(old.rider_id);
    end if;
  end if;
  if tg_op <> 'DELETE' then
    if tg_op = 'INSERT' or new.store_id <> old.store_id then
      perform private.refresh_store_rating(new.store_id);
    end if;
    if new.rider_id is not null and (tg_op = 'INSERT' or new.rider_id is distinct from old.rider_id) then
      perform private.refresh_rider_rating(new.rider_id);
    end if;
  end if;
  return null;
end
$$;
comment on function private.review_counts() is 'Trigger on reviews: recounts the ratings of the stores and riders a written review touches.';
revoke execute on function private.review_counts() from public;

create trigger reviews_count after insert or delete or update of store_id, rider_id, store_stars, rider_stars on public.reviews
  for each row execute function private.review_counts();
create trigger reviews_audit after insert or update or delete on public.reviews
  for each row execute function private.record_change();

alter table public.reviews enable row level security;

-- By who wrote it, not by today's role, as for orders.
create policy "Customers read their own reviews" on public.reviews
  for select to authenticated
  using (customer_id = (select auth.uid()) and (select private.active_role()) is not null);

create policy "Merchants read the reviews of their stores" on public.reviews
  for select to authenticated
  using (store_id in (select private.my_store_ids()));

create policy "Admins read every review" on public.reviews
  for select to authenticated
  using ((select private.active_role()) = 'admin');

-- Rating -----------------------------------------------------------------------------------------

create function private.rate_order(order_id uuid, store_stars integer, rider_stars integer, comment text)
returns public.reviews
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders;
  delivered_at timestamptz;
  body text := nullif(btrim(comment), '');
  result public.reviews;
begin
  if store_stars is null or store_stars not between 1 and 5 then
    perform private.refuse(400, 'invalid_stars', 'store_stars must be a whole number from 1 to 5.', jsonb_build_object('field', 'store_stars'));
  end if;
  if rider_stars is not null and rider_stars not between 1 and 5 then
    perform private.refuse(400, 'invalid_stars', 'rider_stars must be a whole number from 1 to 5.', jsonb_build_object('field', 'rider_stars'));
  end if;
  if char_length(body) > 500 then
    perform private.refuse(400, 'comment_too_long', 'A comment is at most 500 characters.',
      jsonb_build_object('field', 'comment', 'length', char_length(body), 'max', 500));
  end if;
  o := private.order_for_change(order_id, '{customer}');
  if o.status <> 'delivered' then
    perform private.refuse(409, 'not_delivered', 'Only a delivered order can be rated.', jsonb_build_object('status', o.status));
  end if;
  if o.rider_id is not null and rider_stars is null then
    perform private.refuse(400, 'invalid_stars', 'rider_stars must be a whole number from 1 to 5.', jsonb_build_object('field', 'rider_stars'));
  end if;
  if o.rider_id is null and rider_stars is not null then
    perform private.refuse(400, 'no_rider', 'This order had no rider to rate.', jsonb_build_object('field', 'rider_stars'));
  end if;
  select max(e.created_at) into delivered_at
  from public.order_events e where e.order_id = o.id and e.status = 'delivered';
  if delivered_at < now() - private.rating_window() then
    perform private.refuse(409, 'rating_closed', 'An order can be rated within 7 days of its delivery.',
      jsonb_build_object('delivered_at', delivered_at));
  end if;
  -- The order's row is locked (order_for_change), so a second rating waits here and is refused.
  if exists (select 1 from public.reviews r where r.order_id = o.id) then
    perform private.refuse(409, 'already_rated', 'This order has been rated already.', jsonb_build_object('order_id', o.id));
  end if;
  insert into public.reviews (order_id, customer_id, store_id, rider_id, store_stars, rider_stars, comment)
  values (o.id, o.customer_id, o.store_id, o.rider_id, store_stars, rider_stars, body)
  returning * into result;
  return result;
end
$$;
comment on function private.rate_order(uuid, integer, integer, text) is 'rate_order for the API.';
revoke execute on function private.rate_order(uuid, integer, integer, text) from public;
grant execute on function private.rate_order(uuid, integer, integer, text) to authenticated, service_role;

create function public.rate_order(order_id uuid, store_stars integer, rider_stars integer default null, comment text default null)
returns public.reviews
language sql
set search_path = ''
as $$
  select private.rate_order(order_id, store_stars, rider_stars, comment)
$$;
comment on function public.rate_order(uuid, integer, integer, text) is
  'The customer rates a delivered order once, within 7 days of delivery: 1 to 5 stars for the store and for its rider, and an optional comment of up to 500 characters. Refusals: 400 invalid_stars, comment_too_long, no_rider; 404 order_not_found (not yours); 409 not_delivered, rating_closed, already_rated.';
revoke execute on function public.rate_order(uuid, integer, integer, text) from public, anon;
grant execute on function public.rate_order(uuid, integer, integer, text) to authenticated, service_role;

-- Admin ------------------------------------------------------------------------------------------

create view admin.reviews as
select
  r.id as review_id,
  r.created_at,
  r.store_id,
  s.name as store_name,
  r.store_stars,
  r.rider_id,
  rp.full_name as rider_name,
  r.rider_stars,
  r.comment,
  r.comment_hidden_at,
  r.order_id,
  r.customer_id,
  cp.full_name as customer_name
from public.reviews r
join public.stores s on s.id = r.store_id
join public.profiles cp on cp.id = r.customer_id
left join public.profiles rp on rp.id = r.rider_id
order by r.created_at desc;
comment on view admin.reviews is 'Every review, newest first, with store, rider and customer. Hide an abusive comment with admin.hide_review_comment(review_id, reason).';
revoke all on admin.reviews from public, anon, authenticated;
grant select on admin.reviews to service_role;

create function admin.hide_review_comment(review_id uuid, reason text) returns public.reviews
language plpgsql
set search_path = ''
as $$
declare
  result public.reviews;
begin
  if coalesce(btrim(reason), '') = '' then
    raise exception 'hide_review_comment needs a reason' using errcode = '22023';
  end if;
  select r.* into result from public.reviews r where r.id = hide_review_comment.review_id for update;
  if not found then
    raise exception 'no review with id %', review_id using errcode = 'P0002';
  end if;
  if result.comment is null then
    raise exception 'review % has no comment to hide', review_id using errcode = '55000';
  end if;
  perform private.begin_admin_action('hide_review_comment', reason);
  update public.reviews r
  set comment = null, comment_hidden_at = now()
  where r.id = hide_review_comment.review_id
  returning r.* into result;
  perform private.end_admin_action();
  return result;
end
$$;
comment on function admin.hide_review_comment(uuid, text) is 'Hides a review''s comment, with a reason: nobody reads it any more but admins, in the audit log. The stars still count. Audited.';
revoke execute on function admin.hide_review_comment(uuid, text) from public;
grant execute on function admin.hide_review_comment(uuid, text) to service_role;
