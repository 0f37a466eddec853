-- Photos on Storage: the three buckets from config.toml, who may write, replace, remove and read
-- which objects (the policies on storage.objects, exercised as the Storage API does: an insert
-- with returning, an update, a delete, a select as the caller), the photo columns and their
-- folders, attach_delivery_proof, and the job that removes orphaned photos. A section per persona.
-- Uses the helpers from 000_test_helpers.sql.
begin;

select plan(89);

create temp table personas (name text primary key, id uuid not null);
grant select on personas to anon, authenticated;
insert into personas (name, id) values
  ('customer', tests.create_user('customer@storage.test', 'customer')),
  ('other_customer', tests.create_user('other-customer@storage.test', 'customer')),
  ('merchant', tests.create_user('merchant@storage.test', 'merchant')),
  ('other_merchant', tests.create_user('other-merchant@storage.test', 'merchant')),
  ('suspended_merchant', tests.create_user('suspended-merchant@storage.test', 'merchant')),
  ('rider', tests.create_user('rider@storage.test', 'rider')),
  ('other_rider', tests.create_user('other-rider@storage.test', 'rider')),
  ('suspended_rider', tests.create_user('suspended-rider@storage.test', 'rider')),
  ('admin', tests.create_user('admin@storage.test', 'customer'));
update public.profiles set role = 'admin' where id = (select id from personas where name = 'admin');

create temp table fixtures (name text primary key, id uuid not null default gen_random_uuid());
grant select on fixtures to anon, authenticated;
insert into fixtures (name) values ('store'), ('other_store'), ('suspended_store'), ('pending_store'),
  ('product'), ('other_product'), ('hidden_product'), ('suspended_product'),
  ('picked_up'), ('delivered_recently'), ('delivered_long_ago'), ('preparing'), ('other_order'), ('suspended_order');

create function pg_temp.id(fixture text) returns uuid
language sql stable
as $$ select coalesce((select id from fixtures where name = fixture), (select id from personas where name = fixture)) $$;

-- An object name made of fixtures' ids and a file name: pg_temp.name('store', 'product', 'a.png').
create function pg_temp.name(variadic parts text[]) returns text
language sql stable
as $$ select string_agg(coalesce(pg_temp.id(p)::text, p), '/' order by i) from unnest(parts) with ordinality as u (p, i) $$;

-- An upload as the Storage API makes it for the persona: an insert returning the new row.
create function pg_temp.upload(persona text, bucket text, name text) returns text
language sql
as $$ select tests.outcome_as(persona, format('insert into storage.objects (bucket_id, name, owner_id) values (%L, %L, %L) returning id',
                                             bucket, name, (select id::text from personas p where p.name = persona))) $$;

-- How many rows the persona's statement reads, or changes (a replace or remove as the API does
-- it; Supabase refuses deletes from storage tables unless storage.allow_delete_query is set).
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
create function pg_temp.changes(persona text, statement text) returns bigint
language plpgsql
as $$
declare
  n bigint;
begin
  perform set_config('storage.allow_delete_query', 'true', true);
  perform tests.sign_in(persona);
  n := tests.rows_affected(statement);
  perform tests.clear_authentication();
  return n;
end
$$;
create function pg_temp.sees(persona text, bucket text, name text) returns boolean
language sql
as $$ select pg_temp.reads(persona, format('select 1 from storage.objects where bucket_id = %L and name = %L', bucket, name)) = 1 $$;

create function pg_temp.attach(fixture text, path text) returns text
language sql stable
as $$ select format('select public.attach_delivery_proof(%L, %L)', pg_temp.id(fixture), path) $$;

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as the database owner)
-- ---------------------------------------------------------------------------------------------
insert into public.stores (id, owner_id, name, address, location, status, approved_at)
select pg_temp.id(s.fixture), pg_temp.id(s.owner), s.name, '12 FC Road, Pune', tests.point(73.85, 18.52), s.status::public.store_status,
       case when s.status = 'approved' then now() end
from (values ('store', 'merchant', 'Sharma Kirana', 'approved'), ('other_store', 'other_merchant', 'Patil Provisions', 'approved'),
             ('suspended_store', 'suspended_merchant', 'Kale Stores', 'approved'), ('pending_store', 'merchant', 'Sharma Kirana 2', 'pending'))
  as s (fixture, owner, name, status);

insert into public.products (id, store_id, sku, name, category, unit, price_paise, stock, is_active)
select pg_temp.id(p.fixture), pg_temp.id(p.store), p.sku, 'Basmati rice', 'Grains', '1 kg', 12000, 10, p.active
from (values ('product', 'store', 'RICE-1', true), ('other_product', 'other_store', 'RICE-2', true),
             ('hidden_product', 'store', 'RICE-3', false), ('suspended_product', 'suspended_store', 'RICE-4', true))
  as p (fixture, store, sku, active);

insert into public.orders (id, customer_id, store_id, rider_id, status, subtotal_paise, delivery_fee_paise, total_paise,
                           delivery_address, delivery_location)
select pg_temp.id(o.fixture), pg_temp.id(o.customer), pg_temp.id(o.store), pg_temp.id(o.rider), o.status::public.order_status,
       2500, 2000, 4500, '221B Baner Road, Pune', tests.point(73.85, 18.53)
from (values ('picked_up', 'customer', 'store', 'rider', 'picked_up'),
             ('delivered_recently', 'customer', 'store', 'rider', 'delivered'),
             ('delivered_long_ago', 'customer', 'store', 'rider', 'delivered'),
             ('preparing', 'customer', 'store', 'rider', 'preparing'),
             ('other_order', 'other_customer', 'other_store', 'other_rider', 'picked_up'),
             ('suspended_order', 'customer', 'store', 'suspended_rider', 'picked_up'))
  as o (fixture, customer, store, rider, status);
insert into public.order_events (order_id, status, previous_status, actor_id, created_at)
select pg_temp.id(e.fixture), 'delivered', 'picked_up', pg_temp.id('rider'), now() - e.ago
from (values ('delivered_recently', interval '10 minutes'), ('delivered_long_ago', interval '2 hours')) as e (fixture, ago);

-- Photos already there: the product's image, the store's photo and the proof of the other order.
insert into storage.objects (bucket_id, name) values
  ('product-images', pg_temp.name('store', 'product', 'rice.png')),
  ('product-images', pg_temp.name('store', 'hidden_product', 'rice.png')),
  ('product-images', pg_temp.name('other_store', 'other_product', 'rice.png')),
  ('store-photos', pg_temp.name('store', 'front.jpg')),
  ('store-photos', pg_temp.name('pending_store', 'front.jpg')),
  ('delivery-proofs', pg_temp.name('other_order', 'door.jpg'));
update public.products set image_path = pg_temp.name('store', 'product', 'rice.png') where id = pg_temp.id('product');
update public.products set image_path = pg_temp.name('store', 'hidden_product', 'rice.png') where id = pg_temp.id('hidden_product');
update public.products set image_path = pg_temp.name('other_store', 'other_product', 'rice.png') where id = pg_temp.id('other_product');
update public.stores set photo_path = pg_temp.name('store', 'front.jpg') where id = pg_temp.id('store');
update public.stores set photo_path = pg_temp.name('pending_store', 'front.jpg') where id = pg_temp.id('pending_store');
update public.orders set delivery_proof_path = pg_temp.name('other_order', 'door.jpg') where id = pg_temp.id('other_order');
update public.profiles set status = 'suspended' where id in (pg_temp.id('suspended_merchant'), pg_temp.id('suspended_rider'));

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select results_eq(
  $$select id, public, file_size_limit, allowed_mime_types from storage.buckets
    where id in ('product-images', 'store-photos', 'delivery-proofs') order by id$$,
  $$values ('delivery-proofs', false, 1048576::bigint, array['image/jpeg', 'image/png', 'image/webp']),
           ('product-images', true, 1048576::bigint, array['image/jpeg', 'image/png', 'image/webp']),
           ('store-photos', true, 1048576::bigint, array['image/jpeg', 'image/png', 'image/webp'])$$,
  'the buckets from config.toml: two public, delivery-proofs private; 1 MiB of JPEG, PNG or WebP each');
select policies_are('storage', 'objects', array[
  'Anyone sees the images of the products they may see', 'Merchants see the images in their stores'' folders',
  'Merchants upload images of their own products', 'Merchants replace images of their own products',
  'Merchants remove images from their stores'' folders',
  'Anyone sees the photos of the stores they may see', 'Merchants see the photos in their stores'' folders',
  'Merchants upload photos of their own stores', 'Merchants replace photos of their own stores',
  'Merchants remove photos from their stores'' folders',
  'Riders upload proof photos of the orders they are delivering', 'Riders replace proof photos of the orders they are delivering',
  'Riders see the proof photos of the orders assigned to them', 'Customers see the proof photos of their orders',
  'Merchants see the proof photos of their stores'' orders', 'Admins see every proof photo'],
  'storage.objects has exactly the expected policies');
select is((select row(schedule, command)::text from cron.job where jobname = 'remove-orphaned-photos'),
  row('27 * * * *', 'select private.remove_orphaned_photos()')::text, 'pg_cron removes orphaned photos every hour');
select ok(not has_function_privilege('anon', 'private.remove_orphaned_photos()', 'execute')
  and not has_function_privilege('authenticated', 'private.remove_orphaned_photos()', 'execute'), 'no API role may run the job function');
select column_privs_are('public', 'orders', 'delivery_proof_path', 'authenticated', array['SELECT'],
  'nobody writes delivery_proof_path directly: attach_delivery_proof does');
select function_privs_are('public', 'attach_delivery_proof', array['uuid', 'text'], 'anon', array[]::text[], 'visitors cannot attach proofs');

-- ---------------------------------------------------------------------------------------------
-- Merchant: writes images and photos in their own stores' folders only
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.upload('merchant', 'product-images', pg_temp.name('store', 'product', 'rice-2.webp')), 'ok',
  'the merchant uploads an image of their product into its folder');
select is(pg_temp.upload('merchant', 'product-images', pg_temp.name('other_store', 'other_product', 'mine.png')), '42501',
  'the merchant cannot upload into another store''s folder');
select is(pg_temp.upload('merchant', 'product-images', pg_temp.name('store', 'other_product', 'mine.png')), '42501',
  'nor under another store''s product in their own store''s folder');
select is(pg_temp.upload('merchant', 'product-images', pg_temp.name('store', 'loose.png')), '42501',
  'an image goes in a product''s folder, not loose in the store''s');
select is(pg_temp.upload('merchant', 'product-images', 'not-a-uuid/also-not/x.png'), '42501',
  'a folder that is not an id is refused, not an error');
select is(pg_temp.changes('merchant', format($$update storage.objects set version = 'v2' where bucket_id = 'product-images' and name = %L$$,
    pg_temp.name('store', 'product', 'rice.png'))), 1::bigint, 'the merchant replaces their product''s image');
select is(pg_temp.changes('merchant', format($$update storage.objects set version = 'v2' where bucket_id = 'product-images' and name = %L$$,
    pg_temp.name('other_store', 'other_product', 'rice.png'))), 0::bigint, 'but not another store''s');
select is(tests.outcome_as('merchant', format($$update storage.objects set name = %L where bucket_id = 'product-images' and name = %L$$,
    pg_temp.name('other_store', 'other_product', 'moved.png'), pg_temp.name('store', 'product', 'rice-2.webp'))), '42501',
  'nor move their image into another store''s folder');
select is(pg_temp.changes('merchant', format($$delete from storage.objects where bucket_id = 'product-images' and name = %L$$,
    pg_temp.name('store', 'product', 'rice-2.webp'))), 1::bigint, 'the merchant removes an image from their folder');
select is(pg_temp.changes('merchant', format($$delete from storage.objects where bucket_id = 'product-images' and name = %L$$,
    pg_temp.name('other_store', 'other_product', 'rice.png'))), 0::bigint, 'but not another store''s');
select ok(pg_temp.sees('merchant', 'product-images', pg_temp.name('store', 'hidden_product', 'rice.png')),
  'the merchant sees the image of their hidden product');
select is(pg_temp.upload('merchant', 'store-photos', pg_temp.name('store', 'front-2.jpg')), 'ok',
  'the merchant uploads a photo of their store');
select is(pg_temp.upload('merchant', 'store-photos', pg_temp.name('other_store', 'front-2.jpg')), '42501',
  'but not of another store');
select is(pg_temp.upload('merchant', 'store-photos', pg_temp.name('store', 'product', 'front.jpg')), '42501',
  'a store photo sits directly in the store''s folder');
select is(pg_temp.changes('merchant', format($$update storage.objects set version = 'v2' where bucket_id = 'store-photos' and name = %L$$,
    pg_temp.name('store', 'front.jpg'))), 1::bigint, 'the merchant replaces their store''s photo');
select is(pg_temp.upload('merchant', 'store-photos', pg_temp.name('store', 'front-3.jpg')), 'ok', 'and another');
select is(pg_temp.changes('merchant', format($$delete from storage.objects where bucket_id = 'store-photos' and name = %L$$,
    pg_temp.name('store', 'front-3.jpg'))), 1::bigint, 'and removes one');
select is(tests.outcome_as('merchant', format('update public.stores set photo_path = %L where id = %L',
    pg_temp.name('store', 'front-2.jpg'), pg_temp.id('store'))), 'ok', 'the merchant sets their store''s photo_path');
select is(tests.outcome_as('merchant', format('update public.stores set photo_path = %L where id = %L',
    pg_temp.name('other_store', 'front.jpg'), pg_temp.id('store'))), '23514', 'photo_path must be in the store''s own folder');
select is(tests.outcome_as('merchant', format('update public.products set image_path = %L where id = %L',
    pg_temp.name('store', 'hidden_product', 'rice.png'), pg_temp.id('product'))), '23514',
  'image_path must be in the product''s own folder');
select is(tests.outcome_as('merchant', format('update public.products set image_path = null where id = %L', pg_temp.id('hidden_product'))), 'ok',
  'the merchant clears a product''s image_path');
select is(pg_temp.upload('merchant', 'delivery-proofs', pg_temp.name('picked_up', 'door.jpg')), '42501',
  'the merchant cannot upload a proof photo');
select is(tests.outcome_as('merchant', pg_temp.attach('picked_up', pg_temp.name('other_order', 'door.jpg'))), '404 order_not_found',
  'nor attach one');
select ok(pg_temp.sees('merchant', 'delivery-proofs', pg_temp.name('other_order', 'door.jpg')) = false,
  'the merchant does not see the proof of another store''s order');
select ok(pg_temp.sees('other_merchant', 'delivery-proofs', pg_temp.name('other_order', 'door.jpg')),
  'the other order''s merchant sees its proof');
update public.products set image_path = pg_temp.name('store', 'hidden_product', 'rice.png') where id = pg_temp.id('hidden_product');

-- ---------------------------------------------------------------------------------------------
-- Rider: uploads and attaches one proof per order, while delivering
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('picked_up', 'door.jpg')), 'ok',
  'the rider uploads a proof photo of the order they picked up');
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('delivered_recently', 'door.jpg')), 'ok',
  'and of one they delivered 10 minutes ago');
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('delivered_long_ago', 'door.jpg')), '42501',
  'but not of one delivered 2 hours ago');
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('preparing', 'door.jpg')), '42501',
  'nor before pickup');
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('other_order', 'mine.jpg')), '42501',
  'nor of another rider''s order');
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('picked_up', 'nested', 'door.jpg')), '42501',
  'a proof sits directly in the order''s folder');
select is(pg_temp.upload('rider', 'product-images', pg_temp.name('store', 'product', 'x.png')), '42501',
  'the rider cannot upload product images');
select is(tests.outcome_as('rider', pg_temp.attach('picked_up', pg_temp.name('picked_up', 'door.jpg'))), 'ok',
  'the rider attaches the proof to the order');
select is((select delivery_proof_path from public.orders where id = pg_temp.id('picked_up')), pg_temp.name('picked_up', 'door.jpg'),
  'the order holds the proof''s path');
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('picked_up', 'door-2.jpg')), 'ok', 'the rider uploads a second photo');
select is(tests.outcome_as('rider', pg_temp.attach('picked_up', pg_temp.name('picked_up', 'door-2.jpg'))), 'ok',
  'and attaches it');
select is((select delivery_proof_path from public.orders where id = pg_temp.id('picked_up')), pg_temp.name('picked_up', 'door-2.jpg'),
  'the second proof replaces the first');
select is(tests.outcome_as('rider', pg_temp.attach('picked_up', pg_temp.name('picked_up', 'missing.jpg'))), '404 proof_not_found',
  'a photo that was never uploaded cannot be attached');
select is(tests.outcome_as('rider', pg_temp.attach('picked_up', pg_temp.name('delivered_recently', 'door.jpg'))), '400 invalid_proof_path',
  'nor one in another order''s folder');
select is(tests.outcome_as('rider', pg_temp.attach('picked_up', null)), '400 invalid_proof_path', 'a path is required');
select is(tests.outcome_as('rider', pg_temp.attach('delivered_recently', pg_temp.name('delivered_recently', 'door.jpg'))), 'ok',
  'a proof is attached up to 30 minutes after delivery');
select is(tests.outcome_as('rider', pg_temp.attach('delivered_long_ago', pg_temp.name('delivered_long_ago', 'door.jpg'))), '409 proof_window_closed',
  'but not 2 hours after');
select is(tests.outcome_as('rider', pg_temp.attach('other_order', pg_temp.name('other_order', 'door.jpg'))), '404 order_not_found',
  'nor to another rider''s order');
select is(tests.outcome_as('rider', format('update public.orders set delivery_proof_path = %L where id = %L',
    pg_temp.name('picked_up', 'door.jpg'), pg_temp.id('picked_up'))), '42501', 'the rider cannot write delivery_proof_path directly');
select ok(pg_temp.sees('rider', 'delivery-proofs', pg_temp.name('picked_up', 'door.jpg')), 'the rider sees the proofs of their order');
select ok(not pg_temp.sees('rider', 'delivery-proofs', pg_temp.name('other_order', 'door.jpg')), 'but not another rider''s');
select is(pg_temp.changes('rider', format($$update storage.objects set version = 'v2' where bucket_id = 'delivery-proofs' and name = %L$$,
    pg_temp.name('picked_up', 'door-2.jpg'))), 1::bigint, 'the rider replaces their proof photo while delivering');
select is(pg_temp.changes('rider', format($$delete from storage.objects where bucket_id = 'delivery-proofs' and name = %L$$,
    pg_temp.name('picked_up', 'door.jpg'))), 0::bigint, 'nobody removes a proof through the API');

-- Taken off the order: the order goes to another rider.
update public.orders set rider_id = pg_temp.id('other_rider') where id = pg_temp.id('picked_up');
select ok(not pg_temp.sees('rider', 'delivery-proofs', pg_temp.name('picked_up', 'door-2.jpg')),
  'a rider taken off the order no longer sees its proof');
select is(pg_temp.upload('rider', 'delivery-proofs', pg_temp.name('picked_up', 'door-3.jpg')), '42501',
  'nor uploads one');
select is(tests.outcome_as('rider', pg_temp.attach('picked_up', pg_temp.name('picked_up', 'door.jpg'))), '404 order_not_found',
  'nor attaches one');
select ok(pg_temp.sees('other_rider', 'delivery-proofs', pg_temp.name('picked_up', 'door-2.jpg')), 'the new rider sees it');
update public.orders set rider_id = pg_temp.id('rider') where id = pg_temp.id('picked_up');

-- ---------------------------------------------------------------------------------------------
-- Customer: sees the proofs of their own orders and the images of what is on sale
-- ---------------------------------------------------------------------------------------------
select ok(pg_temp.sees('customer', 'delivery-proofs', pg_temp.name('picked_up', 'door-2.jpg')), 'the customer sees the proof of their order');
select ok(not pg_temp.sees('other_customer', 'delivery-proofs', pg_temp.name('picked_up', 'door-2.jpg')),
  'a stranger does not see it');
select is(pg_temp.reads('other_customer', $$select 1 from storage.objects where bucket_id = 'delivery-proofs'$$), 1::bigint,
  'listing the bucket shows a customer only the proof of their own order');
select is(pg_temp.upload('customer', 'delivery-proofs', pg_temp.name('picked_up', 'mine.jpg')), '42501', 'the customer cannot upload a proof');
select is(tests.outcome_as('customer', pg_temp.attach('picked_up', pg_temp.name('picked_up', 'door.jpg'))), '404 order_not_found',
  'nor attach one');
select ok(pg_temp.sees('customer', 'product-images', pg_temp.name('store', 'product', 'rice.png')), 'the customer sees a listed product''s image');
select ok(not pg_temp.sees('customer', 'product-images', pg_temp.name('store', 'hidden_product', 'rice.png')),
  'but not a hidden product''s');
select ok(pg_temp.sees('customer', 'store-photos', pg_temp.name('store', 'front-2.jpg')), 'the customer sees an approved store''s photo');
select ok(not pg_temp.sees('customer', 'store-photos', pg_temp.name('store', 'front.jpg')), 'but not the photo it replaced');
select ok(not pg_temp.sees('customer', 'store-photos', pg_temp.name('pending_store', 'front.jpg')),
  'but not the photo of a store not approved');
select is(pg_temp.upload('customer', 'product-images', pg_temp.name('store', 'product', 'x.png')), '42501',
  'the customer cannot upload product images');
select is(pg_temp.upload('customer', 'store-photos', pg_temp.name('store', 'x.png')), '42501', 'nor store photos');
select is(pg_temp.changes('customer', $$update storage.objects set version = 'v3'$$), 0::bigint, 'the customer replaces nothing');

-- ---------------------------------------------------------------------------------------------
-- Admin: sees every proof, writes no photo
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.reads('admin', $$select 1 from storage.objects where bucket_id = 'delivery-proofs'$$),
  (select count(*) from storage.objects where bucket_id = 'delivery-proofs'), 'an admin sees every proof photo');
select is(pg_temp.upload('admin', 'product-images', pg_temp.name('store', 'product', 'x.png')), '42501', 'an admin uploads no product image');
select is(pg_temp.upload('admin', 'delivery-proofs', pg_temp.name('picked_up', 'x.jpg')), '42501', 'nor a proof');

-- ---------------------------------------------------------------------------------------------
-- Suspended accounts: write nothing
-- ---------------------------------------------------------------------------------------------
select is(pg_temp.upload('suspended_merchant', 'product-images', pg_temp.name('suspended_store', 'suspended_product', 'x.png')), '42501',
  'a suspended merchant cannot upload into their store''s folder');
select is(pg_temp.upload('suspended_merchant', 'store-photos', pg_temp.name('suspended_store', 'x.png')), '42501',
  'nor a store photo');
select is(pg_temp.upload('suspended_rider', 'delivery-proofs', pg_temp.name('suspended_order', 'door.jpg')), '42501',
  'a suspended rider cannot upload a proof of their order');
select is(tests.outcome_as('suspended_rider', pg_temp.attach('suspended_order', pg_temp.name('other_order', 'door.jpg'))), '404 order_not_found',
  'nor attach one');
select ok(not pg_temp.sees('suspended_rider', 'delivery-proofs', pg_temp.name('other_order', 'door.jpg')), 'and sees no proof');

-- ---------------------------------------------------------------------------------------------
-- Anonymous: reads images of what is on sale, nothing else
-- ---------------------------------------------------------------------------------------------
select ok(pg_temp.sees('anonymous', 'product-images', pg_temp.name('store', 'product', 'rice.png')), 'a visitor sees a listed product''s image');
select ok(not pg_temp.sees('anonymous', 'product-images', pg_temp.name('store', 'hidden_product', 'rice.png')), 'not a hidden product''s');
select ok(pg_temp.sees('anonymous', 'store-photos', pg_temp.name('store', 'front-2.jpg')), 'a visitor sees an approved store''s photo');
select is(pg_temp.reads('anonymous', $$select 1 from storage.objects where bucket_id = 'delivery-proofs'$$), 0::bigint,
  'a visitor sees no proof photo');
select is(pg_temp.upload('anonymous', 'product-images', pg_temp.name('store', 'product', 'x.png')), '42501', 'a visitor uploads nothing');
select is(tests.outcome_as('anonymous', pg_temp.attach('picked_up', pg_temp.name('picked_up', 'door.jpg'))), '42501',
  'a visitor cannot call attach_delivery_proof');

-- ---------------------------------------------------------------------------------------------
-- Deleted products and the orphaned-photo job
-- ---------------------------------------------------------------------------------------------
delete from public.products where id = pg_temp.id('other_product');
select ok(not pg_temp.sees('anonymous', 'product-images', pg_temp.name('other_store', 'other_product', 'rice.png')),
  'a deleted product''s image is no longer seen');
-- Photos of other suites are set aside, and everything uploaded so far is made two days old;
-- then one more orphan is uploaded.
select set_config('storage.allow_delete_query', 'true', true);
delete from storage.objects where bucket_id in ('product-images', 'store-photos', 'delivery-proofs')
  and private.folder_uuid(split_part(name, '/', 1)) not in (select id from fixtures);
update storage.objects set created_at = now() - interval '2 days', updated_at = now() - interval '2 days';
insert into storage.objects (bucket_id, name) values ('product-images', pg_temp.name('store', 'product', 'just-uploaded.png'));
select is(private.remove_orphaned_photos(), 3,
  'the job removes the three photos nothing refers to: the deleted product''s image, the replaced store photo and the replaced proof');
select set_eq(
  $$select bucket_id || ':' || name from storage.objects where bucket_id in ('product-images', 'store-photos', 'delivery-proofs')$$,
  array[
    'delivery-proofs:' || pg_temp.name('delivered_recently', 'door.jpg'), 'delivery-proofs:' || pg_temp.name('other_order', 'door.jpg'),
    'delivery-proofs:' || pg_temp.name('picked_up', 'door-2.jpg'),
    'product-images:' || pg_temp.name('store', 'hidden_product', 'rice.png'), 'product-images:' || pg_temp.name('store', 'product', 'just-uploaded.png'),
    'product-images:' || pg_temp.name('store', 'product', 'rice.png'),
    'store-photos:' || pg_temp.name('pending_store', 'front.jpg'), 'store-photos:' || pg_temp.name('store', 'front-2.jpg')],
  'what products, stores and orders refer to stays, and so does a photo uploaded less than a day ago');
select is(private.remove_orphaned_photos(), 0, 'running the job again removes nothing');

select * from finish();
rollback;
