-- The catalogue: each store's products, identified by a SKU unique within the store so a POS
-- can upsert its whole catalogue through /rest/v1/products (on_conflict=store_id,sku).

create table public.products (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.stores (id) on delete cascade,
  sku text not null constraint products_sku_format check (sku ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  name text not null constraint products_name_length check (char_length(btrim(name)) between 1 and 160),
  local_name text constraint products_local_name_length check (char_length(btrim(local_name)) between 1 and 160),
  description text not null default '' constraint products_description_length check (char_length(description) <= 2000),
  category text not null constraint products_category_length check (char_length(btrim(category)) between 1 and 60),
  unit text not null constraint products_unit_length check (char_length(btrim(unit)) between 1 and 30),
  price_paise integer not null constraint products_price_positive check (price_paise > 0 and price_paise <= 10000000),
  stock integer not null default 0 constraint products_stock_not_negative check (stock >= 0),
  is_active boolean not null default true,
  image_path text constraint products_image_path_length check (char_length(image_path) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint products_sku_unique_per_store unique (store_id, sku)
);
comment on table public.products is 'What each store sells, with price and stock. SKU is unique per store: the key a POS syncs by.';
comment on column public.products.sku is 'The store''s own stock-keeping unit; letters, digits and . _ / -, up to 64 characters.';
comment on column public.products.local_name is 'The name in Devanagari as Hindi and Marathi speakers say it ("आलू / बटाटा"), shown under the name; search finds the product by it. Null when the name is the same in every language (most brands).';
comment on column public.products.unit is 'The pack a price is for, as shown to customers: "1 kg", "500 ml", "12 pcs".';
comment on column public.products.price_paise is 'Price of one unit in paise (1 INR = 100 paise); more than zero.';
comment on column public.products.stock is 'Units on hand and not reserved by open orders; never negative.';
comment on column public.products.is_active is 'Listed for sale; inactive products are visible only to their merchant and admins.';
comment on column public.products.image_path is 'Path of the product image in storage, relative to the images bucket.';

revoke all on table public.products from anon, authenticated;
grant select on table public.products to anon, authenticated;
-- store_id and sku are updatable because an upsert with merge-duplicates sets every column it
-- sends; the policies keep the row in the merchant's own stores.
grant insert (store_id, sku, name, local_name, description, category, unit, price_paise, stock, is_active, image_path)
  on table public.products to authenticated;
grant update (store_id, sku, name, local_name, description, category, unit, price_paise, stock, is_active, image_path)
  on table public.products to authenticated;
grant delete on table public.products to authenticated;
grant all on table public.products to service_role;

-- The unique (store_id, sku) index also serves the foreign key and per-store listings.
create index products_store_updated_at_idx on public.products (store_id, updated_at);

create trigger products_touch_updated_at before update on public.products
  for each row execute function private.touch_updated_at();
create trigger products_audit after insert or update or delete on public.products
  for each row execute function private.record_change();

alter table public.products enable row level security;

create policy "Visitors see active products of approved stores" on public.products
  for select to anon
  using (is_active and exists (
    select 1 from public.stores s where s.id = products.store_id and s.status = 'approved'
  ));

create policy "Active users see active products of approved stores" on public.products
  for select to authenticated
  using (
    is_active
    and (select private.active_role()) is not null
    and exists (select 1 from public.stores s where s.id = products.store_id and s.status = 'approved')
  );

create policy "Merchants see their own products" on public.products
  for select to authenticated
  using (store_id in (select private.my_store_ids()));

create policy "Admins see every product" on public.products
  for select to authenticated
  using ((select private.active_role()) = 'admin');

create policy "Merchants add products to their own stores" on public.products
  for insert to authenticated
  with check (store_id in (select private.my_store_ids()));

create policy "Merchants edit their own products" on public.products
  for update to authenticated
  using (store_id in (select private.my_store_ids()))
  with check (store_id in (select private.my_store_ids()));

create policy "Merchants delete their own products" on public.products
  for delete to authenticated
  using (store_id in (select private.my_store_ids()));
