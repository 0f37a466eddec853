-- public.products: structure, constraints, the upsert-by-SKU path a POS uses, and row-level
-- security, persona by persona. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(113);

-- Who is who.
select tests.add_persona('catalogue', name, role, status) from (values
  ('customer',   'customer', 'active'),
  ('merchant',   'merchant', 'active'),
  ('stranger',   'merchant', 'active'),
  ('rider',      'rider',    'active'),
  ('admin',      'admin',    'active'),
  ('suspended',  'merchant', 'suspended')
) as p(name, role, status);

-- Fixture stores around Pune, made by the owner (outside RLS).
create temp table fixture_stores (key text primary key, id uuid not null);
grant select on fixture_stores to anon, authenticated;

with v (key, persona, name, status, lng, lat) as (
  values
    ('merchant_approved', 'merchant', 'Merchant Approved Mart', 'approved', 73.85, 18.52),
    ('merchant_pending', 'merchant', 'Merchant Pending Provisions', 'pending', 73.86, 18.53),
    ('stranger_approved', 'stranger', 'Stranger Approved Kirana', 'approved', 73.87, 18.50),
    ('stranger_suspended', 'stranger', 'Stranger Suspended Stores', 'suspended', 73.84, 18.51),
    ('suspended_approved', 'suspended', 'Suspended Owner Bakery', 'approved', 73.88, 18.49)
),
ins as (
  insert into public.stores (owner_id, name, address, location, status, approved_at)
  select p.id, v.name, v.name || ', Shivajinagar, Pune',
         tests.point(v.lng, v.lat),
         v.status::public.store_status,
         case when v.status <> 'pending' then now() end
  from v join personas p on p.name = v.persona
  returning id, name
)
insert into fixture_stores (key, id) select v.key, ins.id from ins join v using (name);

-- Fixture products, all last updated long ago so a change shows in updated_at.
create temp table fixture_products (key text primary key, id uuid not null);
grant select on fixture_products to anon, authenticated;

with v (key, store_key, sku, name, category, unit, price_paise, stock, is_active) as (
  values
    ('merchant_rice', 'merchant_approved', 'RICE-5KG', 'Basmati Rice', 'Staples', '5 kg', 54900, 20, true),
    ('merchant_dal', 'merchant_approved', 'DAL-1KG', 'Toor Dal', 'Staples', '1 kg', 16500, 0, false),
    ('merchant_milk', 'merchant_pending', 'MILK-1L', 'Toned Milk', 'Dairy', '1 l', 5400, 30, true),
    ('stranger_atta', 'stranger_approved', 'ATTA-10KG', 'Whole Wheat Atta', 'Staples', '10 kg', 45000, 15, true),
    ('stranger_ghee', 'stranger_approved', 'GHEE-1L', 'Cow Ghee', 'Dairy', '1 l', 65000, 5, false),
    ('stranger_tea', 'stranger_suspended', 'TEA-250G', 'Assam Tea', 'Beverages', '250 g', 14000, 10, true),
    ('suspended_bread', 'suspended_approved', 'BREAD-400G', 'Brown Bread', 'Bakery', '400 g', 4500, 12, true)
),
ins as (
  insert into public.products (store_id, sku, name, category, unit, price_paise, stock, is_active, created_at, updated_at)
  select s.id, v.sku, v.name, v.category, v.unit, v.price_paise, v.stock, v.is_active,
         '2020-01-01 00:00+00', '2020-01-01 00:00+00'
  from v join fixture_stores s on s.key = v.store_key
  returning id, store_id, sku
)
insert into fixture_products (key, id)
select v.key, ins.id from ins join fixture_stores s on s.id = ins.store_id join v on v.store_key = s.key and v.sku = ins.sku;

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.products'::regclass),
  true,
  'RLS is enabled on public.products'
);
select policies_are(
  'public', 'products',
  array['Visitors see active products of approved stores', 'Active users see active products of approved stores',
        'Merchants see their own products', 'Admins see every product',
        'Merchants add products to their own stores', 'Merchants edit their own products',
        'Merchants delete their own products'],
  'public.products has exactly the expected policies'
);
select policy_cmd_is('public', 'products', 'Visitors see active products of approved stores', 'select',
  'the visitors'' policy is for select');
select policy_roles_are('public', 'products', 'Visitors see active products of approved stores', array['anon'],
  'the visitors'' policy applies to anon only');
select policy_cmd_is('public', 'products', 'Active users see active products of approved stores', 'select',
  'the active users'' read policy is for select');
select policy_roles_are('public', 'products', 'Active users see active products of approved stores', array['authenticated'],
  'the active users'' read policy applies to authenticated only');
select policy_cmd_is('public', 'products', 'Merchants see their own products', 'select',
  'the merchants'' read policy is for select');
select policy_cmd_is('public', 'products', 'Admins see every product', 'select',
  'the admins'' read policy is for select');
select policy_cmd_is('public', 'products', 'Merchants add products to their own stores', 'insert',
  'the add policy is for insert');
select policy_roles_are('public', 'products', 'Merchants add products to their own stores', array['authenticated'],
  'the add policy applies to authenticated only');
select policy_cmd_is('public', 'products', 'Merchants edit their own products', 'update',
  'the edit policy is for update');
select policy_roles_are('public', 'products', 'Merchants edit their own products', array['authenticated'],
  'the edit policy applies to authenticated only');
select policy_cmd_is('public', 'products', 'Merchants delete their own products', 'delete',
  'the delete policy is for delete');
select policy_roles_are('public', 'products', 'Merchants delete their own products', array['authenticated'],
  'the delete policy applies to authenticated only');

select fk_ok('public', 'products', 'store_id', 'public', 'stores', 'id',
  'products.store_id references stores.id');
select has_index('public', 'products', 'products_sku_unique_per_store', array['store_id', 'sku'],
  'the (store_id, sku) index exists and leads with the store_id foreign key');
select index_is_unique('public', 'products', 'products_sku_unique_per_store',
  'the (store_id, sku) index is unique, so a SKU is unique per store');
select has_index('public', 'products', 'products_store_updated_at_idx', array['store_id', 'updated_at'],
  'per-store listings by updated_at are indexed');

select is(
  array(
    select a.attname::text from pg_attribute a
    where a.attrelid = 'public.products'::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('authenticated', a.attrelid, a.attnum, 'INSERT')
    order by a.attname
  ),
  array['category', 'description', 'image_path', 'is_active', 'local_name', 'name', 'price_paise', 'sku', 'stock', 'store_id', 'unit'],
  'authenticated may insert exactly the catalogue columns (no id or timestamps)'
);
select is(
  array(
    select a.attname::text from pg_attribute a
    where a.attrelid = 'public.products'::regclass and a.attnum > 0 and not a.attisdropped
      and has_column_privilege('authenticated', a.attrelid, a.attnum, 'UPDATE')
    order by a.attname
  ),
  array['category', 'description', 'image_path', 'is_active', 'local_name', 'name', 'price_paise', 'sku', 'stock', 'store_id', 'unit'],
  'authenticated may update exactly the catalogue columns (no id or timestamps)'
);
select column_privs_are('public', 'products', 'updated_at', 'authenticated', array['SELECT'],
  'authenticated can only read products.updated_at');
select column_privs_are('public', 'products', 'id', 'authenticated', array['SELECT'],
  'authenticated can only read products.id');
select column_privs_are('public', 'products', 'price_paise', 'authenticated', array['INSERT', 'SELECT', 'UPDATE'],
  'authenticated can insert, read and update products.price_paise');
select column_privs_are('public', 'products', 'price_paise', 'anon', array['SELECT'],
  'anon can only read products.price_paise');
select ok(
  not has_table_privilege('anon', 'public.products', 'INSERT')
    and not has_table_privilege('anon', 'public.products', 'UPDATE')
    and not has_table_privilege('anon', 'public.products', 'DELETE'),
  'anon has no insert, update or delete privilege on products'
);

-- ---------------------------------------------------------------------------------------------
-- Customer
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select set_eq(
  $$select id from public.products where id in (select id from fixture_products)$$,
  $$select id from fixture_products where key in ('merchant_rice', 'stranger_atta', 'suspended_bread')$$,
  'customer sees the active products of approved stores'
);
select is_empty(
  $$select 1 from public.products where not is_active$$,
  'customer sees no inactive product'
);
select is_empty(
  $$select 1 from public.products where store_id in (select id from fixture_stores where key in ('merchant_pending', 'stranger_suspended'))$$,
  'customer sees no product of a pending or suspended store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'FAKE-1', 'Fake Rice', 'Staples', '1 kg', 100)$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'customer cannot add products'
);
select is(
  tests.rows_affected($$update public.products set price_paise = 100 where id = (select id from fixture_products where key = 'merchant_rice')$$),
  0::bigint,
  'customer''s update of a visible product updates no row'
);
select is(
  tests.rows_affected($$delete from public.products where id = (select id from fixture_products where key = 'merchant_rice')$$),
  0::bigint,
  'customer''s delete of a visible product deletes no row'
);
select throws_ok(
  $$update public.products set updated_at = now() where id = (select id from fixture_products where key = 'merchant_rice')$$,
  '42501',
  'permission denied for table products',
  'customer cannot touch a product''s timestamps'
);

select tests.clear_authentication();
select results_eq(
  $$select price_paise, updated_at from public.products where id = (select id from fixture_products where key = 'merchant_rice')$$,
  $$values (54900, '2020-01-01 00:00+00'::timestamptz)$$,
  'as owner: the customer''s update and delete left the product untouched'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');

select set_eq(
  $$select id from public.products where store_id in (select id from fixture_stores where key like 'merchant\_%')$$,
  $$select id from fixture_products where key like 'merchant\_%'$$,
  'merchant sees all their own products, the inactive one and the pending store''s included'
);
select set_eq(
  $$select id from public.products
    where store_id not in (select id from fixture_stores where key like 'merchant\_%') and id in (select id from fixture_products)$$,
  $$select id from fixture_products where key in ('stranger_atta', 'suspended_bread')$$,
  'merchant sees only the active products of other merchants'' approved stores'
);
select is_empty(
  $$select 1 from public.products where id in (select id from fixture_products where key in ('stranger_ghee', 'stranger_tea'))$$,
  'merchant cannot see another merchant''s inactive product or the products of their suspended store'
);

-- Adding products.
select lives_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'SUGAR-1KG', 'Sugar', 'Staples', '1 kg', 4800, 50)$$,
  'merchant can add a product to their approved store'
);
select results_eq(
  $$select sku, price_paise, stock, is_active, description from public.products
    where store_id = (select id from fixture_stores where key = 'merchant_approved') and sku = 'SUGAR-1KG'$$,
  $$values ('SUGAR-1KG', 4800, 50, true, '')$$,
  'the new product is stored as sent, active by default'
);
select lives_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_pending'), 'RICE-5KG', 'Basmati Rice', 'Staples', '5 kg', 55900)$$,
  'merchant can add a product to their pending store, with a SKU their other store also uses'
);
select lives_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'ATTA-10KG', 'Chakki Atta', 'Staples', '10 kg', 43000)$$,
  'merchant can use a SKU another merchant''s store already uses'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'stranger_approved'), 'PLANTED-1', 'Planted Product', 'Staples', '1 kg', 100)$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'merchant cannot add a product to another merchant''s store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'RICE-5KG', 'Basmati Rice Again', 'Staples', '5 kg', 100)$$,
  '23505',
  'duplicate key value violates unique constraint "products_sku_unique_per_store"',
  'a SKU already used in the same store is rejected'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'OIL-1L', 'Groundnut Oil', 'Staples', '1 l', 19900, -1)$$,
  '23514',
  'new row for relation "products" violates check constraint "products_stock_not_negative"',
  'negative stock is rejected'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'FREE-1', 'Free Sample', 'Staples', '1 pc', 0)$$,
  '23514',
  'new row for relation "products" violates check constraint "products_price_positive"',
  'a price of zero is rejected'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'bad sku!', 'Badly Keyed', 'Staples', '1 pc', 100)$$,
  '23514',
  'new row for relation "products" violates check constraint "products_sku_format"',
  'a SKU with spaces or punctuation is rejected'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'BATCH-1', 'Batch One', 'Staples', '1 kg', 1000, 5),
           ((select id from fixture_stores where key = 'merchant_approved'), 'BATCH-2', 'Batch Two', 'Staples', '1 kg', 1000, -5),
           ((select id from fixture_stores where key = 'merchant_approved'), 'BATCH-3', 'Batch Three', 'Staples', '1 kg', 1000, 5)$$,
  '23514',
  'new row for relation "products" violates check constraint "products_stock_not_negative"',
  'a multi-row insert with one bad row fails'
);
select is_empty(
  $$select 1 from public.products where sku like 'BATCH-%'$$,
  'the failed multi-row insert added none of its rows'
);

-- Editing products.
select lives_ok(
  $$update public.products set price_paise = 52900, stock = 18 where id = (select id from fixture_products where key = 'merchant_rice')$$,
  'merchant can change the price and stock of their own product'
);
select results_eq(
  $$select price_paise, stock, updated_at > '2020-01-01 00:00+00', updated_at = now() from public.products
    where id = (select id from fixture_products where key = 'merchant_rice')$$,
  $$values (52900, 18, true, true)$$,
  'the price and stock changed and updated_at moved to the time of the change'
);
select lives_ok(
  $$update public.products set is_active = true, stock = 40 where id = (select id from fixture_products where key = 'merchant_dal')$$,
  'merchant can relist their inactive product'
);
select lives_ok(
  $$update public.products set description = 'Fresh from the dairy' where id = (select id from fixture_products where key = 'merchant_milk')$$,
  'merchant can edit a product of their pending store'
);
select lives_ok(
  $$update public.products set local_name = 'चावल / तांदूळ' where id = (select id from fixture_products where key = 'merchant_rice')$$,
  'merchant can give their product a local name in Devanagari'
);
select throws_ok(
  $$update public.products set local_name = '  ' where id = (select id from fixture_products where key = 'merchant_rice')$$,
  '23514',
  'new row for relation "products" violates check constraint "products_local_name_length"',
  'a local name cannot be blank (null is none)'
);
select throws_ok(
  $$update public.products set stock = -1 where id = (select id from fixture_products where key = 'merchant_rice')$$,
  '23514',
  'new row for relation "products" violates check constraint "products_stock_not_negative"',
  'stock cannot be updated below zero'
);
select throws_ok(
  $$update public.products set price_paise = 0 where id = (select id from fixture_products where key = 'merchant_rice')$$,
  '23514',
  'new row for relation "products" violates check constraint "products_price_positive"',
  'a price cannot be updated to zero'
);
select throws_ok(
  $$update public.products set sku = 'RICE-5KG' where id = (select id from fixture_products where key = 'merchant_dal')$$,
  '23505',
  'duplicate key value violates unique constraint "products_sku_unique_per_store"',
  'a product cannot take a SKU already used in its store'
);
select throws_ok(
  $$update public.products set updated_at = now() + interval '1 day' where id = (select id from fixture_products where key = 'merchant_rice')$$,
  '42501',
  'permission denied for table products',
  'merchant cannot set updated_at themselves'
);
select throws_ok(
  $$update public.products set store_id = (select id from fixture_stores where key = 'stranger_approved')
    where id = (select id from fixture_products where key = 'merchant_dal')$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'merchant cannot move their product into another merchant''s store'
);
select lives_ok(
  $$update public.products set store_id = (select id from fixture_stores where key = 'merchant_pending')
    where store_id = (select id from fixture_stores where key = 'merchant_approved') and sku = 'SUGAR-1KG'$$,
  'merchant can move a product between their own stores'
);

-- Upserting by SKU, as a POS sync does (on_conflict=store_id,sku).
select lives_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'RICE-5KG', 'Basmati Rice', 'Staples', '5 kg', 49900, 60),
           ((select id from fixture_stores where key = 'merchant_approved'), 'POHA-500G', 'Thick Poha', 'Staples', '500 g', 3900, 25)
    on conflict (store_id, sku) do update
      set name = excluded.name, price_paise = excluded.price_paise, stock = excluded.stock$$,
  'merchant can upsert their catalogue by SKU'
);
select results_eq(
  $$select sku, price_paise, stock from public.products
    where store_id = (select id from fixture_stores where key = 'merchant_approved') and sku in ('RICE-5KG', 'POHA-500G')
    order by sku$$,
  $$values ('POHA-500G', 3900, 25), ('RICE-5KG', 49900, 60)$$,
  'the upsert updated the existing SKU and added the new one'
);
select is(
  (select id from public.products
   where store_id = (select id from fixture_stores where key = 'merchant_approved') and sku = 'RICE-5KG'),
  (select id from fixture_products where key = 'merchant_rice'),
  'the upsert updated the existing row in place rather than adding a second one'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
    values ((select id from fixture_stores where key = 'stranger_approved'), 'ATTA-10KG', 'Whole Wheat Atta', 'Staples', '10 kg', 100, 0)
    on conflict (store_id, sku) do update set price_paise = excluded.price_paise, stock = excluded.stock$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'merchant cannot upsert over an existing SKU of another merchant''s store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
    values ((select id from fixture_stores where key = 'stranger_approved'), 'BRAND-NEW', 'Planted Product', 'Staples', '1 kg', 100, 0)
    on conflict (store_id, sku) do update set price_paise = excluded.price_paise$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'merchant cannot upsert a new SKU into another merchant''s store'
);

-- Other merchants' products.
select lives_ok(
  $$update public.products set price_paise = 1, stock = 0 where id = (select id from fixture_products where key = 'stranger_atta')$$,
  'merchant''s update of another merchant''s product does not raise'
);
select is(
  tests.rows_affected($$update public.products set price_paise = 1, stock = 0 where id = (select id from fixture_products where key = 'stranger_atta')$$),
  0::bigint,
  'merchant''s update of another merchant''s product updates no row'
);
select lives_ok(
  $$update public.products set is_active = true where id = (select id from fixture_products where key = 'stranger_ghee')$$,
  'merchant''s update of another merchant''s hidden product does not raise'
);
select lives_ok(
  $$delete from public.products where id = (select id from fixture_products where key = 'stranger_atta')$$,
  'merchant''s delete of another merchant''s product does not raise'
);
select is(
  tests.rows_affected($$delete from public.products where id = (select id from fixture_products where key = 'stranger_atta')$$),
  0::bigint,
  'merchant''s delete of another merchant''s product deletes no row'
);
select lives_ok(
  $$delete from public.products where id = (select id from fixture_products where key = 'stranger_tea')$$,
  'merchant''s delete of a product of another merchant''s suspended store does not raise'
);

-- Deleting their own products.
select lives_ok(
  $$delete from public.products where store_id = (select id from fixture_stores where key = 'merchant_approved') and sku = 'POHA-500G'$$,
  'merchant can delete their own product'
);
select is_empty(
  $$select 1 from public.products where sku = 'POHA-500G'$$,
  'the deleted product is gone'
);

select tests.clear_authentication();
select results_eq(
  $$select f.key, p.price_paise, p.stock, p.is_active, p.updated_at from fixture_products f left join public.products p using (id)
    where f.key like 'stranger\_%' order by f.key$$,
  $$values ('stranger_atta', 45000, 15, true, '2020-01-01 00:00+00'::timestamptz),
           ('stranger_ghee', 65000, 5, false, '2020-01-01 00:00+00'::timestamptz),
           ('stranger_tea', 14000, 10, true, '2020-01-01 00:00+00'::timestamptz)$$,
  'as owner: the other merchant''s products are all still there, unchanged, updated_at included'
);
select results_eq(
  $$select s.key, p.sku from public.products p join fixture_stores s on s.id = p.store_id
    where s.key like 'merchant\_%' order by s.key, p.sku$$,
  $$values ('merchant_approved', 'ATTA-10KG'), ('merchant_approved', 'DAL-1KG'), ('merchant_approved', 'RICE-5KG'),
           ('merchant_pending', 'MILK-1L'), ('merchant_pending', 'RICE-5KG'), ('merchant_pending', 'SUGAR-1KG')$$,
  'as owner: the merchant''s catalogue holds exactly the products they added, moved and kept'
);
select isnt_empty(
  $$select 1 from public.audit_log
    where table_name = 'products' and action = 'update' and record_id = (select id::text from fixture_products where key = 'merchant_rice')
      and actor_id = (select id from personas where name = 'merchant')$$,
  'as owner: the merchant''s price change is in the audit log with the merchant as actor'
);

-- ---------------------------------------------------------------------------------------------
-- Stranger (another merchant)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('stranger');

select set_eq(
  $$select id from public.products where store_id in (select id from fixture_stores where key like 'stranger\_%')$$,
  $$select id from fixture_products where key like 'stranger\_%'$$,
  'the other merchant sees all their own products, the inactive one and the suspended store''s included'
);
select is_empty(
  $$select 1 from public.products where store_id = (select id from fixture_stores where key = 'merchant_pending')$$,
  'the other merchant cannot see the products of the merchant''s pending store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'PLANTED-2', 'Planted Product', 'Staples', '1 kg', 100)$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'the other merchant cannot add a product to the merchant''s store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'RICE-5KG', 'Basmati Rice', 'Staples', '5 kg', 100)
    on conflict (store_id, sku) do update set price_paise = excluded.price_paise$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'the other merchant cannot undercut the merchant''s price with an upsert'
);
select lives_ok(
  $$update public.products set price_paise = 100 where id = (select id from fixture_products where key = 'merchant_rice')$$,
  'the other merchant''s update of the merchant''s visible product does not raise'
);
select lives_ok(
  $$delete from public.products where id = (select id from fixture_products where key = 'merchant_milk')$$,
  'the other merchant''s delete of a product of the merchant''s pending store does not raise'
);
select lives_ok(
  $$update public.products set stock = 7 where id = (select id from fixture_products where key = 'stranger_ghee')$$,
  'the other merchant can restock their own inactive product'
);

select tests.clear_authentication();
select results_eq(
  $$select price_paise from public.products where id = (select id from fixture_products where key = 'merchant_rice')$$,
  $$values (49900)$$,
  'as owner: the other merchant''s update left the merchant''s price unchanged'
);
select isnt_empty(
  $$select 1 from public.products where id = (select id from fixture_products where key = 'merchant_milk')$$,
  'as owner: the other merchant''s delete left the merchant''s product in place'
);
select results_eq(
  $$select stock from public.products where id = (select id from fixture_products where key = 'stranger_ghee')$$,
  $$values (7)$$,
  'as owner: the other merchant''s restock of their own product landed'
);

-- ---------------------------------------------------------------------------------------------
-- Rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('rider');

select set_eq(
  $$select id from public.products where id in (select id from fixture_products)$$,
  $$select id from fixture_products where key in ('merchant_rice', 'merchant_dal', 'stranger_atta', 'suspended_bread')$$,
  'rider sees the active products of approved stores (the merchant relisted the dal)'
);
select is_empty(
  $$select 1 from public.products where not is_active$$,
  'rider sees no inactive product'
);
select is_empty(
  $$select 1 from public.products where store_id in (select id from fixture_stores where key in ('merchant_pending', 'stranger_suspended'))$$,
  'rider sees no product of a pending or suspended store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'stranger_approved'), 'RIDER-1', 'Rider Snack', 'Snacks', '1 pc', 1000)$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'rider cannot add products'
);
select is(
  tests.rows_affected($$update public.products set stock = 0 where id = (select id from fixture_products where key = 'stranger_atta')$$),
  0::bigint,
  'rider''s update of a visible product updates no row'
);
select is(
  tests.rows_affected($$delete from public.products where id = (select id from fixture_products where key = 'stranger_atta')$$),
  0::bigint,
  'rider''s delete of a visible product deletes no row'
);

select tests.clear_authentication();
select results_eq(
  $$select stock, updated_at from public.products where id = (select id from fixture_products where key = 'stranger_atta')$$,
  $$values (15, '2020-01-01 00:00+00'::timestamptz)$$,
  'as owner: the rider''s update and delete left the product untouched'
);

-- ---------------------------------------------------------------------------------------------
-- Admin (promoted by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select set_eq(
  $$select id from public.products where id in (select id from fixture_products)$$,
  $$select id from fixture_products$$,
  'admin sees every product'
);
select isnt_empty(
  $$select 1 from public.products where id = (select id from fixture_products where key = 'stranger_ghee') and not is_active$$,
  'admin sees an inactive product'
);
select isnt_empty(
  $$select 1 from public.products where store_id = (select id from fixture_stores where key = 'merchant_pending')$$,
  'admin sees the products of a pending store'
);
select isnt_empty(
  $$select 1 from public.products where store_id = (select id from fixture_stores where key = 'stranger_suspended')$$,
  'admin sees the products of a suspended store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'ADMIN-1', 'Admin Pick', 'Staples', '1 kg', 100)$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'admin cannot add products through the table'
);
select is(
  tests.rows_affected($$update public.products set is_active = false where id = (select id from fixture_products where key = 'stranger_atta')$$),
  0::bigint,
  'admin''s update of a product through the table updates no row'
);
select is(
  tests.rows_affected($$delete from public.products where id = (select id from fixture_products where key = 'stranger_ghee')$$),
  0::bigint,
  'admin''s delete of a product through the table deletes no row'
);

select tests.clear_authentication();
select results_eq(
  $$select f.key, p.is_active from fixture_products f join public.products p using (id)
    where f.key in ('stranger_atta', 'stranger_ghee') order by f.key$$,
  $$values ('stranger_atta', true), ('stranger_ghee', false)$$,
  'as owner: the admin''s update and delete through the table changed nothing'
);

-- ---------------------------------------------------------------------------------------------
-- Suspended (a merchant suspended by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');

select is_empty(
  $$select 1 from public.products$$,
  'suspended merchant sees no product at all, not even their own'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'suspended_approved'), 'BUN-6', 'Pav Buns', 'Bakery', '6 pcs', 3000)$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'suspended merchant cannot add products to their own store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'suspended_approved'), 'BREAD-400G', 'Brown Bread', 'Bakery', '400 g', 9900)
    on conflict (store_id, sku) do update set price_paise = excluded.price_paise$$,
  '42501',
  'new row violates row-level security policy for table "products"',
  'suspended merchant cannot upsert into their own store'
);
select is(
  tests.rows_affected($$update public.products set price_paise = 9900 where id = (select id from fixture_products where key = 'suspended_bread')$$),
  0::bigint,
  'suspended merchant''s update of their own product updates no row'
);
select is(
  tests.rows_affected($$delete from public.products where id = (select id from fixture_products where key = 'suspended_bread')$$),
  0::bigint,
  'suspended merchant''s delete of their own product deletes no row'
);

select tests.clear_authentication();
select results_eq(
  $$select price_paise, updated_at from public.products where id = (select id from fixture_products where key = 'suspended_bread')$$,
  $$values (4500, '2020-01-01 00:00+00'::timestamptz)$$,
  'as owner: the suspended merchant''s product is still there, unchanged'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');

select set_eq(
  $$select id from public.products where id in (select id from fixture_products)$$,
  $$select id from fixture_products where key in ('merchant_rice', 'merchant_dal', 'stranger_atta', 'suspended_bread')$$,
  'anonymous sees the active products of approved stores'
);
select is_empty(
  $$select 1 from public.products where not is_active$$,
  'anonymous sees no inactive product'
);
select is_empty(
  $$select 1 from public.products where store_id in (select id from fixture_stores where key in ('merchant_pending', 'stranger_suspended'))$$,
  'anonymous sees no product of a pending or suspended store'
);
select throws_ok(
  $$insert into public.products (store_id, sku, name, category, unit, price_paise)
    values ((select id from fixture_stores where key = 'merchant_approved'), 'ANON-1', 'Anonymous Add', 'Staples', '1 kg', 100)$$,
  '42501',
  'permission denied for table products',
  'anonymous cannot add products'
);
select throws_ok(
  $$update public.products set price_paise = 1 where id = (select id from fixture_products where key = 'merchant_rice')$$,
  '42501',
  'permission denied for table products',
  'anonymous cannot update products'
);
select throws_ok(
  $$delete from public.products where id = (select id from fixture_products where key = 'merchant_rice')$$,
  '42501',
  'permission denied for table products',
  'anonymous cannot delete products'
);

-- ---------------------------------------------------------------------------------------------
-- Back to the owner: the state seen from outside RLS
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();

select results_eq(
  $$select f.key, p.price_paise, p.stock, p.is_active, p.updated_at = '2020-01-01 00:00+00'
    from fixture_products f left join public.products p using (id) order by f.key$$,
  $$values ('merchant_dal', 16500, 40, true, false),
           ('merchant_milk', 5400, 30, true, false),
           ('merchant_rice', 49900, 60, true, false),
           ('stranger_atta', 45000, 15, true, true),
           ('stranger_ghee', 65000, 7, false, false),
           ('stranger_tea', 14000, 10, true, true),
           ('suspended_bread', 4500, 12, true, true)$$,
  'as owner: every fixture product is still there, changed only by its own active merchant'
);

select * from finish();
rollback;
