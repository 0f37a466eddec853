-- Photos on Supabase Storage: product images and store photos (public buckets) and
-- proof-of-delivery photos (a private bucket). The buckets themselves, with their size and type
-- limits, are declared in supabase/config.toml ([storage.buckets.*]); who may do what with their
-- objects is decided here, by policies on storage.objects. Object names:
--   product-images   {store_id}/{product_id}/{file}   written by the store's merchant
--   store-photos     {store_id}/{file}                written by the store's merchant
--   delivery-proofs  {order_id}/{file}                written by the order's rider at delivery
-- Suspended accounts write nothing (private.active_role() is null for them). A photo that no
-- product, store or order refers to is removed a day after its last upload by a job.

-- Supabase's grants on the storage schema (Supabase has them already; a database whose storage
-- schema was made by another Storage server may not).
grant usage on schema storage to anon, authenticated, service_role;
grant all on table storage.buckets to anon, authenticated, service_role;
grant all on table storage.objects to anon, authenticated, service_role;

-- Columns -------------------------------------------------------------------------------------

alter table public.products
  add constraint products_image_path_in_own_folder
    check (image_path like store_id::text || '/' || id::text || '/_%');
comment on column public.products.image_path is
  'The product''s image: an object name in the product-images bucket, {store_id}/{product_id}/{file}; null for none.';

alter table public.stores
  add column photo_path text
    constraint stores_photo_path_in_own_folder check (photo_path like id::text || '/_%' and char_length(photo_path) <= 500);
comment on column public.stores.photo_path is
  'The storefront photo: an object name in the store-photos bucket, {store_id}/{file}; null for none.';
grant insert (photo_path), update (photo_path) on table public.stores to authenticated;

alter table public.orders
  add column delivery_proof_path text
    constraint orders_delivery_proof_path_in_own_folder check (delivery_proof_path like id::text || '/_%' and char_length(delivery_proof_path) <= 500);
comment on column public.orders.delivery_proof_path is
  'The rider''s proof-of-delivery photo: an object name in the private delivery-proofs bucket, {order_id}/{file}. Set only by attach_delivery_proof; the customer, the store''s merchant and admins open it through a signed URL.';

-- Helpers -------------------------------------------------------------------------------------

-- A folder name as the uuid it spells, or null: object names are the client's text, and a
-- failed cast would turn a refusal into an error.
create function private.folder_uuid(folder text) returns uuid
language sql immutable parallel safe
set search_path = ''
as $$
  select case when folder ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then folder::uuid end
$$;
comment on function private.folder_uuid(text) is 'A folder of an object name as a uuid; null when it is not one.';
revoke execute on function private.folder_uuid(text) from public;
grant execute on function private.folder_uuid(text) to anon, authenticated, service_role;

-- Whether the signed-in rider may attach a proof photo to the order now: it is assigned to them,
-- and picked up, or delivered within the last 30 minutes. Security definer: the rider reads the
-- order's timeline, which a policy's own query would need grants for.
create function private.delivery_proof_window_open(order_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.orders o
    where o.id = delivery_proof_window_open.order_id
      and o.rider_id = (select auth.uid())
      and (select private.active_role()) = 'rider'
      and (o.status = 'picked_up'
           or (o.status = 'delivered'
               and (select max(e.created_at) from public.order_events e
                    where e.order_id = o.id and e.status = 'delivered') > now() - interval '30 minutes'))
  )
$$;
comment on function private.delivery_proof_window_open(uuid) is
  'Whether the signed-in, active rider is the order''s rider and the order is picked up or was delivered within the last 30 minutes.';
revoke execute on function private.delivery_proof_window_open(uuid) from public;
grant execute on function private.delivery_proof_window_open(uuid) to authenticated, service_role;

-- Product images ------------------------------------------------------------------------------

-- Public bucket: its public URLs are served to anyone without these. They decide reads through
-- the API (download, list): only images a product the caller may see refers to.
create policy "Anyone sees the images of the products they may see" on storage.objects
  for select to anon, authenticated
  using (
    bucket_id = 'product-images'
    and exists (select 1 from public.products p where p.image_path = objects.name)
  );

create policy "Merchants see the images in their stores' folders" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'product-images'
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  );

create policy "Merchants upload images of their own products" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'product-images'
    and array_length(storage.foldername(objects.name), 1) = 2
    and exists (
      select 1 from public.products p
      where p.id = private.folder_uuid((storage.foldername(objects.name))[2])
        and p.store_id = private.folder_uuid((storage.foldername(objects.name))[1])
        and p.store_id in (select private.my_store_ids())
    )
  );

create policy "Merchants replace images of their own products" on storage.objects
  for update to authenticated
  using (
    bucket_id = 'product-images'
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  )
  with check (
    bucket_id = 'product-images'
    and array_length(storage.foldername(objects.name), 1) = 2
    and exists (
      select 1 from public.products p
      where p.id = private.folder_uuid((storage.foldername(objects.name))[2])
        and p.store_id = private.folder_uuid((storage.foldername(objects.name))[1])
        and p.store_id in (select private.my_store_ids())
    )
  );

create policy "Merchants remove images from their stores' folders" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'product-images'
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  );

-- Store photos --------------------------------------------------------------------------------

create policy "Anyone sees the photos of the stores they may see" on storage.objects
  for select to anon, authenticated
  using (
    bucket_id = 'store-photos'
    and exists (select 1 from public.stores s where s.photo_path = objects.name)
  );

create policy "Merchants see the photos in their stores' folders" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'store-photos'
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  );

create policy "Merchants upload photos of their own stores" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'store-photos'
    and array_length(storage.foldername(objects.name), 1) = 1
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  );

create policy "Merchants replace photos of their own stores" on storage.objects
  for update to authenticated
  using (
    bucket_id = 'store-photos'
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  )
  with check (
    bucket_id = 'store-photos'
    and array_length(storage.foldername(objects.name), 1) = 1
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  );

create policy "Merchants remove photos from their stores' folders" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'store-photos'
    and private.folder_uuid((storage.foldername(objects.name))[1]) in (select private.my_store_ids())
  );

-- Delivery proofs -----------------------------------------------------------------------------

-- Private bucket: reading goes through these policies (a signed URL is made only for an object
-- the caller may read). Nobody removes a proof through the API; the cleanup job removes the
-- ones no order refers to.
create policy "Riders upload proof photos of the orders they are delivering" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'delivery-proofs'
    and array_length(storage.foldername(objects.name), 1) = 1
    and private.delivery_proof_window_open(private.folder_uuid((storage.foldername(objects.name))[1]))
  );

create policy "Riders replace proof photos of the orders they are delivering" on storage.objects
  for update to authenticated
  using (
    bucket_id = 'delivery-proofs'
    and private.delivery_proof_window_open(private.folder_uuid((storage.foldername(objects.name))[1]))
  )
  with check (
    bucket_id = 'delivery-proofs'
    and array_length(storage.foldername(objects.name), 1) = 1
    and private.delivery_proof_window_open(private.folder_uuid((storage.foldername(objects.name))[1]))
  );

create policy "Riders see the proof photos of the orders assigned to them" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'delivery-proofs'
    and exists (
      select 1 from public.orders o
      where o.id = private.folder_uuid((storage.foldername(objects.name))[1])
        and o.rider_id = (select auth.uid())
        and (select private.active_role()) = 'rider'
    )
  );

create policy "Customers see the proof photos of their orders" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'delivery-proofs'
    and exists (
      select 1 from public.orders o
      where o.id = private.folder_uuid((storage.foldername(objects.name))[1])
        and o.customer_id = (select auth.uid())
        and (select private.active_role()) = 'customer'
    )
  );

create policy "Merchants see the proof photos of their stores' orders" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'delivery-proofs'
    and exists (
      select 1 from public.orders o
      where o.id = private.folder_uuid((storage.foldername(objects.name))[1])
        and o.store_id in (select private.my_store_ids())
    )
  );

create policy "Admins see every proof photo" on storage.objects
  for select to authenticated
  using (bucket_id = 'delivery-proofs' and (select private.active_role()) = 'admin');

-- Attaching a proof ---------------------------------------------------------------------------

create function private.attach_delivery_proof(order_id uuid, path text) returns public.orders
language plpgsql security definer
set search_path = ''
as $$
declare
  o public.orders;
  result public.orders;
begin
  o := private.order_for_change(order_id, '{rider}');
  if not private.delivery_proof_window_open(o.id) then
    perform private.refuse(409, 'proof_window_closed',
      'A proof photo is attached while the order is picked up, or within 30 minutes of its delivery.',
      jsonb_build_object('order_id', o.id, 'status', o.status));
  end if;
  if path is null or path not like o.id::text || '/_%' or array_length(storage.foldername(path), 1) <> 1 then
    perform private.refuse(400, 'invalid_proof_path',
      'The proof photo must be a file in the order''s own folder: {order_id}/{file}.',
      jsonb_build_object('field', 'p_path', 'expected_prefix', o.id::text || '/'));
  end if;
  if not exists (select 1 from storage.objects s where s.bucket_id = 'delivery-proofs' and s.name = path) then
    perform private.refuse(404, 'proof_not_found', 'No such photo in delivery-proofs: upload it first.',
      jsonb_build_object('field', 'p_path', 'path', path));
  end if;
  update public.orders set delivery_proof_path = path where id = o.id returning * into result;
  return result;
end
$$;
comment on function private.attach_delivery_proof(uuid, text) is 'attach_delivery_proof for the API.';
revoke execute on function private.attach_delivery_proof(uuid, text) from public;
grant execute on function private.attach_delivery_proof(uuid, text) to authenticated, service_role;

create function public.attach_delivery_proof(p_order_id uuid, p_path text) returns public.orders
language sql
set search_path = ''
as $$
  select private.attach_delivery_proof(p_order_id, p_path)
$$;
comment on function public.attach_delivery_proof(uuid, text) is
  'The order''s rider attaches the proof-of-delivery photo they uploaded to delivery-proofs as {order_id}/{file}, while the order is picked up or within 30 minutes of its delivery; a later one replaces it. Refusals: 400 invalid_proof_path; 404 order_not_found (not yours), proof_not_found (not uploaded); 409 proof_window_closed.';
revoke execute on function public.attach_delivery_proof(uuid, text) from public, anon;
grant execute on function public.attach_delivery_proof(uuid, text) to authenticated, service_role;

-- Cleaning up ---------------------------------------------------------------------------------

-- Removes the photos nothing refers to any more (a replaced image, a deleted product or store,
-- an upload never attached) once a day has passed since their last upload, so that a photo
-- being uploaded and not yet saved with its product is left alone. Storage refuses direct
-- deletes unless storage.allow_delete_query is set, as its own API does; the files' bytes are
-- then no longer served.
create function private.remove_orphaned_photos() returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  removed integer;
begin
  perform set_config('storage.allow_delete_query', 'true', true);
  delete from storage.objects s
  where s.bucket_id in ('product-images', 'store-photos', 'delivery-proofs')
    and coalesce(s.updated_at, s.created_at) < now() - interval '1 day'
    and not (s.bucket_id = 'product-images' and exists (select 1 from public.products p where p.image_path = s.name))
    and not (s.bucket_id = 'store-photos' and exists (select 1 from public.stores t where t.photo_path = s.name))
    and not (s.bucket_id = 'delivery-proofs' and exists (select 1 from public.orders o where o.delivery_proof_path = s.name));
  get diagnostics removed = row_count;
  perform set_config('storage.allow_delete_query', 'false', true);
  return removed;
end
$$;
comment on function private.remove_orphaned_photos() is
  'Job: removes objects of the product-images, store-photos and delivery-proofs buckets that no product, store or order refers to, a day after their last upload; returns how many.';
revoke execute on function private.remove_orphaned_photos() from public;

select cron.schedule('remove-orphaned-photos', '27 * * * *', 'select private.remove_orphaned_photos()');
