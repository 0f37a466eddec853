-- Languages: a person keeps the language they read the app in (en, hi, mr) in their own profile
-- (profiles.language, added with the notification texts), and no one else's. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(12);

create temp table personas (name text primary key, id uuid not null);
grant select on personas to anon, authenticated;
insert into personas (name, id) values
  ('customer', tests.create_user('customer@languages.test', 'customer')),
  ('merchant', tests.create_user('merchant@languages.test', 'merchant')),
  ('rider', tests.create_user('rider@languages.test', 'rider')),
  ('suspended', tests.create_user('suspended@languages.test', 'customer'));
update public.profiles set status = 'suspended' where id = (select id from personas where name = 'suspended');

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select col_type_is('public', 'profiles', 'language', 'text', 'profiles.language is text');
select col_not_null('public', 'profiles', 'language', 'every profile has a language');
select is((select language from public.profiles where id = (select id from personas where name = 'customer')), 'en',
  'a new account reads English until the app stores the language it signed up in');

-- ---------------------------------------------------------------------------------------------
-- Customer: chooses their own language, nobody else's
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');
select is(tests.rows_affected($$update public.profiles set language = 'hi'$$), 1::bigint, 'the customer sets their own language');
select is((select language from public.my_profile()), 'hi', 'my_profile gives the chosen language');
select is(tests.outcome($$update public.profiles set language = 'fr'$$), '23514', 'a language the app does not speak is refused');
select tests.clear_authentication();
select is((select language from public.profiles where id = (select id from personas where name = 'customer')), 'hi',
  'the refused change left the language as it was');
select is((select language from public.profiles where id = (select id from personas where name = 'merchant')), 'en',
  'the customer''s update touched no one else''s profile');

-- ---------------------------------------------------------------------------------------------
-- Merchant and rider: the same for their own profile
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');
select is(tests.rows_affected($$update public.profiles set language = 'mr'$$), 1::bigint, 'the merchant sets their own language');
select tests.clear_authentication();
select tests.sign_in('rider');
select is(tests.rows_affected($$update public.profiles set language = 'mr' where id <> (select auth.uid())$$), 0::bigint,
  'the rider cannot set another person''s language');
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- Suspended: changes nothing, the language included
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');
select is(tests.rows_affected($$update public.profiles set language = 'hi'$$), 0::bigint, 'a suspended account cannot change its profile');
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------
-- Anonymous: no profile to change
-- ---------------------------------------------------------------------------------------------
select is(tests.outcome_as('anonymous', $$update public.profiles set language = 'hi'$$), '42501', 'a signed-out caller cannot update profiles');

select * from finish();
rollback;
