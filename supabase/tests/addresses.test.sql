-- Addresses: a customer's saved addresses are theirs alone, with at most one default; the
-- gazetteer (places, search_places) is open to everyone. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(35);

select tests.add_persona('addresses', name, role) from (values
  ('customer',   'customer'),
  ('other',      'customer'),
  ('merchant',   'merchant'),
  ('rider',      'rider'),
  ('admin',      'admin'),
  ('suspended',  'customer')
) as p(name, role);

-- An address insert as the API sends it (the owner comes from the JWT).
create function pg_temp.save_sql(house text, is_default boolean default false, phone text default '9876543210') returns text language sql as $$
  select format($f$insert into public.addresses (label, house, street, landmark, location, phone, is_default)
    values ('home', %L, 'Paud Road, Kothrud', 'Near Kothrud Depot', 'SRID=4326;POINT(73.8077 18.5074)', %L, %L)$f$, house, phone, is_default)
$$;

select is(tests.outcome_as('other', pg_temp.save_sql('Flat 1, Other House')), 'ok', 'another customer saves an address');
select is(tests.outcome_as('suspended', pg_temp.save_sql('Flat 9, Suspended')), 'ok', 'a customer saves an address while active');
update public.profiles set status = 'suspended' where id = (select id from personas where name = 'suspended');

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is((select relrowsecurity from pg_class where oid = 'public.addresses'::regclass), true, 'RLS is on for addresses');
select is((select relrowsecurity from pg_class where oid = 'public.places'::regclass), true, 'RLS is on for places');
select policies_are('public', 'addresses',
  array['Customers see their own addresses', 'Customers save addresses for themselves', 'Customers edit their own addresses', 'Customers remove their own addresses'],
  'addresses has only the owner''s policies (no admin or rider policy)');
select policies_are('public', 'places', array['Anyone reads the gazetteer'], 'places is read-only for everyone');
select col_type_is('public', 'addresses', 'location', 'geography(Point,4326)', 'the pin is a PostGIS point');
select has_column('public', 'orders', 'delivery_phone', 'orders keep the phone of the address they were placed for');

-- ---------------------------------------------------------------------------------------------
-- Customer: saves, sees, edits and removes their own; one default
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as('customer', pg_temp.save_sql('Flat 4, Shanti Apartments')), 'ok', 'the customer saves an address');
select is((select is_default from public.addresses where house = 'Flat 4, Shanti Apartments'), true, 'the first address saved is the default');
select is(tests.outcome_as('customer', pg_temp.save_sql('Office 12, Tech Park', true)), 'ok', 'the customer saves a second address as the default');
select is((select array_agg(house order by house) from public.addresses
           where customer_id = (select id from personas where name = 'customer') and is_default),
  array['Office 12, Tech Park'], 'a new default takes the flag from the old one: one default');

select tests.sign_in('customer');
select is((select array_agg(house order by house) from public.addresses),
  array['Flat 4, Shanti Apartments', 'Office 12, Tech Park'], 'the customer sees only their own addresses');
select is((select line from public.my_addresses where house = 'Flat 4, Shanti Apartments'),
  'Flat 4, Shanti Apartments, Paud Road, Kothrud, near Near Kothrud Depot', 'my_addresses gives the line an order keeps');
select is((select round(lat::numeric, 4) || ',' || round(lng::numeric, 4) from public.my_addresses where house = 'Flat 4, Shanti Apartments'),
  '18.5074,73.8077', 'my_addresses gives the pin as lat/lng');
select is(tests.rows_affected($$update public.addresses set is_default = true where house = 'Flat 4, Shanti Apartments'$$), 1::bigint,
  'the customer makes another address the default');
select is((select count(*) from public.addresses where is_default), 1::bigint, 'still one default after switching');
select is(tests.rows_affected($$update public.addresses set phone = '9123456780'$$), 2::bigint, 'the customer edits only their own addresses');
select is(tests.rows_affected($$delete from public.addresses where house = 'Flat 1, Other House'$$), 0::bigint, 'the customer cannot remove another''s address');
select tests.clear_authentication();

select is(tests.outcome_as('customer', $$insert into public.addresses (customer_id, house, street, location, phone)
  values ((select id from pg_temp.personas where name = 'other'), 'Flat 2', 'Paud Road', 'SRID=4326;POINT(73.8 18.5)', '9876543210')$$),
  '42501', 'the customer cannot save an address for someone else');
select is(tests.outcome_as('customer', pg_temp.save_sql('Flat 5', false, '12-34')), '23514', 'a phone that is not 10 to 15 digits is refused');
select is(tests.outcome_as('customer', pg_temp.save_sql('   ')), '23514', 'a blank house is refused');
select is(tests.outcome_as('customer', $$insert into public.addresses (house, street, location, phone)
  values ('Flat 6', 'x', 'SRID=4326;POINT(73.8 18.5)', '9876543210')$$), '23514', 'a street shorter than 3 characters is refused');

-- ---------------------------------------------------------------------------------------------
-- Other roles: no addresses of anyone's
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as(name, 'select 1 / (select count(*) from public.addresses)'), '22012',
  name || ' sees no addresses (counting them divides by zero)')
from personas where name in ('merchant', 'rider', 'admin') order by name;
select is(tests.outcome_as('merchant', pg_temp.save_sql('Shop 1')), '42501', 'a merchant cannot save an address');
select is(tests.outcome_as('anonymous', $$select count(*) from public.addresses$$), '42501', 'anonymous callers cannot read addresses');

-- ---------------------------------------------------------------------------------------------
-- Suspended customer: sees and changes nothing
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');
select is((select count(*) from public.addresses), 0::bigint, 'a suspended customer sees no addresses, not even their own');
select is(tests.rows_affected($$delete from public.addresses$$), 0::bigint, 'a suspended customer removes nothing');
select tests.clear_authentication();
select is(tests.outcome_as('suspended', pg_temp.save_sql('Flat 10')), '42501', 'a suspended customer cannot save an address');

-- ---------------------------------------------------------------------------------------------
-- The gazetteer: anyone searches it
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');
select is((select name from public.search_places('kothrud') limit 1), 'Kothrud', 'anonymous callers find a locality by name');
select is((select kind from public.search_places('shaniwar') limit 1), 'landmark', 'a landmark is found by part of its name');
select is((select name from public.search_places('kotrud') limit 1), 'Kothrud', 'a misspelt name still finds the place');
select is((select count(*) from public.search_places('k')), 0::bigint, 'one letter finds nothing (too short to mean a place)');
select tests.clear_authentication();

select * from finish();
rollback;
