-- Ratings: rate_order for the order's customer only (once, delivered, within 7 days of
-- delivery, 1 to 5 stars, a comment up to 500 characters), the store's Bayesian rating and the
-- rider's average kept by the database, who reads which review, and an admin hiding a comment
-- through the audit log. A section per persona. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(53);

select tests.add_persona('ratings', name, role) from (values
  ('customer',        'customer'),
  ('other_customer',  'customer'),
  ('merchant',        'merchant'),
  ('other_merchant',  'merchant'),
  ('rider',           'rider'),
  ('other_rider',     'rider'),
  ('admin',           'admin')
) as p(name, role);

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values ('store'), ('other_store'), ('delivered'), ('six_days'), ('eight_days'),
  ('pending'), ('picked_up'), ('other_delivered');

create function pg_temp.id(fixture text) returns uuid
language sql stable
as $$ select coalesce((select id from fixtures where name = fixture), (select id from personas where name = fixture)) $$;

-- A rate_order call as SQL, for tests.outcome_as.
create function pg_temp.rate(fixture text, store_stars integer, rider_stars integer, comment text default null) returns text
language sql stable
as $$ select format('select public.rate_order(%L, %s, %s, %L)', pg_temp.id(fixture), coalesce(store_stars::text, 'null'),
                    coalesce(rider_stars::text, 'null'), comment) $$;

-- How many of the given rows of a table the persona reads.
create function pg_temp.reads(persona text, statement text) returns bigint
language plpgsql
as $$
declare
  n bigint;
begin
  perform tests.sign_in(persona);
  execute 'select count(*) from (' || statement || ') t' into n;
  perform tests.clear_authentication();
  return n;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
insert into public.stores (id, owner_id, name, address, location, status, approved_at)
select pg_temp.id(s.fixture), pg_temp.id(s.owner), s.name, '12 FC Road, Pune', tests.point(73.85, 18.52), 'approved', now()
from (values ('store', 'merchant', 'Sharma Kirana'), ('other_store', 'other_merchant', 'Patil Provisions')) as s (fixture, owner, name);

-- Delivered orders with their delivery event (now minus `ago`); a pending and a picked-up one.
insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location)
select pg_temp.id(o.fixture), pg_temp.id(o.customer), pg_temp.id('store'), pg_temp.id(o.rider), o.status::public.order_status,
       2500, 2000, 4500, '221B Baner Road, Pune', tests.point(73.85, 18.53)
from (values ('delivered', 'customer', 'rider', 'delivered'), ('six_days', 'customer', 'rider', 'delivered'),
             ('eight_days', 'customer', 'rider', 'delivered'), ('pending', 'customer', null, 'pending'),
             ('picked_up', 'customer', 'rider', 'picked_up'), ('other_delivered', 'other_customer', 'rider', 'delivered'))
  as o (fixture, customer, rider, status);
insert into public.order_events (order_id, status, previous_status, actor_id, created_at)
select pg_temp.id(e.fixture), 'delivered', 'picked_up', pg_temp.id('rider'), now() - e.ago
from (values ('delivered', interval '1 hour'), ('six_days', interval '6 days 23 hours'), ('eight_days', interval '8 days'),
             ('other_delivered', interval '2 hours')) as e (fixture, ago);

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select policies_are('public', 'reviews',
  array['Customers read their own reviews', 'Merchants read the reviews of their stores', 'Admins read every review'],
  'reviews has exactly the expected policies');
select table_privs_are('public', 'reviews', 'authenticated', array['SELECT'], 'authenticated only reads reviews: rate_order writes them');
select table_privs_are('public', 'reviews', 'anon', array[]::text[], 'anon has no privilege on reviews');
select is(private.store_rating(5, 1), 4.2, 'the prior of five 4-star reviews: one 5-star review makes 4.2, not 5.0');
select is(private.store_rating(0, 0), null, 'no reviews, no rating');
select is(private.store_rating(1000, 200), 5.0, 'a store with 200 5-star reviews shows 5.0');
select is(private.store_rating(1 * 100, 100), 1.1, 'a store with 100 1-star reviews shows 1.1');

-- ---------------------------------------------------------------------------------------------
-- Customer: rates a delivered order once, within 7 days
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as('customer', pg_temp.rate('delivered', 5, 4, '  Quick and polite.  ')), 'ok',
  'the customer rates their delivered order');
select is(
  (select row(store_stars, rider_stars, comment, customer_id, rider_id)::text from public.reviews where order_id = pg_temp.id('delivered')),
  row(5, 4, 'Quick and polite.', pg_temp.id('customer'), pg_temp.id('rider'))::text,
  'the review holds the stars, the trimmed comment, the customer and the rider from the order');
select is((select row(rating, rating_count)::text from public.stores where id = pg_temp.id('store')), row(4.2, 1)::text,
  'the store''s rating moves to the Bayesian average: 4.2 from one 5-star review');
select is((select row(rating, rating_count)::text from public.rider_profiles where rider_id = pg_temp.id('rider')), row(4.0, 1)::text,
  'the rider''s average is 4.0 from one rating');
select is(tests.outcome_as('customer', pg_temp.rate('delivered', 1, 1)), '409 already_rated', 'a second rating of the same order is refused');
select is((select store_stars from public.reviews where order_id = pg_temp.id('delivered')), 5::smallint, 'the first rating stands');
select is(tests.outcome_as('customer', pg_temp.rate('eight_days', 4, 4)), '409 rating_closed', 'an order delivered 8 days ago can no longer be rated');
select is(tests.outcome_as('customer', pg_temp.rate('pending', 4, null)), '409 not_delivered', 'a pending order cannot be rated');
select is(tests.outcome_as('customer', pg_temp.rate('picked_up', 4, 4)), '409 not_delivered', 'an order on its way cannot be rated');
select is(tests.outcome_as('customer', pg_temp.rate('six_days', 0, 4)), '400 invalid_stars', 'zero stars are refused');
select is(tests.outcome_as('customer', pg_temp.rate('six_days', 6, 4)), '400 invalid_stars', 'six stars are refused');
select is(tests.outcome_as('customer', pg_temp.rate('six_days', null, 4)), '400 invalid_stars', 'the store''s stars are required');
select is(tests.outcome_as('customer', pg_temp.rate('six_days', 4, 9)), '400 invalid_stars', 'the rider''s stars are 1 to 5 too');
select is(tests.outcome_as('customer', pg_temp.rate('six_days', 4, null)), '400 invalid_stars', 'an order with a rider needs the rider''s stars');
select is(tests.outcome_as('customer', pg_temp.rate('six_days', 4, 4, repeat('x', 501))), '400 comment_too_long',
  'a comment over 500 characters is refused');
select is((select count(*) from public.reviews where customer_id = pg_temp.id('customer')), 1::bigint, 'the refused calls wrote nothing');
select is(tests.outcome_as('customer', pg_temp.rate('six_days', 3, 5, repeat('x', 500) || '   ')), 'ok',
  'an order delivered 6 days 23 hours ago is rated, with a comment of exactly 500 characters');
select is(tests.outcome_as('customer', format('insert into public.reviews (order_id, customer_id, store_id, store_stars) values (%L, %L, %L, 5)',
    pg_temp.id('pending'), pg_temp.id('customer'), pg_temp.id('store'))), '42501',
  'the customer cannot write a review directly');
select is(tests.outcome_as('customer', 'update public.reviews set store_stars = 5'), '42501', 'the customer cannot change a review');
select is(pg_temp.reads('customer', 'select * from public.reviews'), 2::bigint, 'the customer reads their own two reviews');

-- ---------------------------------------------------------------------------------------------
-- Other customer: cannot rate someone else's order; sees only their own reviews
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as('other_customer', pg_temp.rate('six_days', 1, 1)), '404 order_not_found',
  'another customer cannot rate the order (as if it did not exist)');
select is(pg_temp.reads('other_customer', 'select * from public.reviews'), 0::bigint, 'another customer reads none of the customer''s reviews');
select is(tests.outcome_as('other_customer', pg_temp.rate('other_delivered', 2, 2, 'Late, items were warm.')), 'ok',
  'the other customer rates their own delivered order');
select is((select row(rating, rating_count)::text from public.stores where id = pg_temp.id('store')), row(3.8, 3)::text,
  'three reviews (5, 3 and 2 stars) with the prior make 3.8');

-- ---------------------------------------------------------------------------------------------
-- Merchant: reads the reviews of their own store
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.reads('merchant', 'select * from public.reviews'), 3::bigint, 'the merchant reads every review of their store');
select is(pg_temp.reads('other_merchant', 'select * from public.reviews'), 0::bigint, 'another merchant reads none of them');
select is(tests.outcome_as('merchant', pg_temp.rate('delivered', 5, 5)), '404 order_not_found', 'the merchant cannot rate an order');
select is(tests.outcome_as('merchant', 'update public.stores set rating = 5 where owner_id = (select id from personas where name = ''merchant'')'),
  '42501', 'the merchant cannot set their store''s rating');

-- ---------------------------------------------------------------------------------------------
-- Rider: sees their own average, not the reviews
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.reads('rider', 'select * from public.reviews'), 0::bigint, 'the rider reads no review');
select is(pg_temp.reads('rider', 'select * from public.rider_profiles where rating = 3.7 and rating_count = 3'), 1::bigint,
  'the rider reads their own average: 3.7 from 4, 5 and 2 stars');
select is(pg_temp.reads('other_rider', 'select * from public.rider_profiles where rating is not null'), 0::bigint,
  'another rider sees no rider''s average');
select is(tests.outcome_as('rider', pg_temp.rate('delivered', 5, 5)), '404 order_not_found', 'the rider cannot rate an order');
select is(tests.outcome_as('rider', 'update public.rider_profiles set rating = 5'), '42501', 'the rider cannot set their average');

-- ---------------------------------------------------------------------------------------------
-- Admin: reads every review; hides an abusive comment through Studio (as the owner), audited
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.reads('admin', 'select * from public.reviews where store_id = (select id from fixtures where name = ''store'')'), 3::bigint,
  'an admin reads every review');
select is(tests.outcome_as('admin', format('select admin.hide_review_comment(%L, %L)',
    (select id from public.reviews where order_id = pg_temp.id('other_delivered')), 'Abusive')), '42501',
  'an app admin (authenticated) cannot call admin.hide_review_comment: Studio can');
select throws_ok(format('select admin.hide_review_comment(%L, %L)', (select id from public.reviews where order_id = pg_temp.id('other_delivered')), ' '),
  '22023', 'hide_review_comment needs a reason', 'hiding needs a reason');
select lives_ok(format('select admin.hide_review_comment(%L, %L)', (select id from public.reviews where order_id = pg_temp.id('other_delivered')), 'Asha: abusive'),
  'the owner (Studio) hides the comment');
select is((select row(comment, comment_hidden_at is not null, store_stars)::text from public.reviews where order_id = pg_temp.id('other_delivered')),
  row(null::text, true, 2)::text, 'the comment is gone from the review, its stars stay');
select is(
  (select row(action, reason, old_data ->> 'comment', new_data ->> 'comment')::text from public.audit_log
   where table_name = 'reviews' and record_id = (select id::text from public.reviews where order_id = pg_temp.id('other_delivered'))
   order by id desc limit 1),
  row('hide_review_comment', 'Asha: abusive', 'Late, items were warm.', null::text)::text,
  'the audit log records the hiding with its reason and keeps the hidden text for admins');
select is(pg_temp.reads('merchant', 'select * from public.reviews where comment is not null or comment_hidden_at is null'), 2::bigint,
  'the merchant no longer reads the hidden comment');
select is(pg_temp.reads('other_customer', 'select * from public.reviews where comment is not null'), 0::bigint,
  'nor does its author');
select is(pg_temp.reads('merchant', 'select * from public.audit_log'), 0::bigint, 'the merchant cannot read it in the audit log');
select is((select row(rating, rating_count)::text from public.stores where id = pg_temp.id('store')), row(3.8, 3)::text,
  'hiding a comment leaves the rating as it was');

-- ---------------------------------------------------------------------------------------------
-- Anonymous: neither reads nor rates
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as('anonymous', 'select * from public.reviews'), '42501', 'a visitor cannot read reviews');
select is(tests.outcome_as('anonymous', pg_temp.rate('six_days', 5, 5)), '42501', 'a visitor cannot call rate_order');
select is(pg_temp.reads('anonymous', 'select * from public.nearby_stores(18.52, 73.85, 3000, 20, null, false)
                                      where id = (select id from fixtures where name = ''store'') and rating = 3.8 and rating_count = 3'),
  1::bigint, 'a visitor finds the store''s rating and review count in nearby_stores');

select * from finish();
rollback;
