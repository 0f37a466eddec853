-- public.profiles: sign-up trigger, Before User Created hook, row-level security and column
-- privileges, persona by persona. Uses the helpers from 000_test_helpers.sql.
begin;

select plan(62);

-- Who is who.
select tests.add_persona('profiles', name, role) from (values
  ('customer',   'customer'),
  ('merchant',   'merchant'),
  ('rider',      'rider'),
  ('admin',      'customer'),
  ('stranger',   'customer'),
  ('suspended',  'merchant'),
  ('nullrole',   null::text)
) as p(name, role);

-- A sign-up without any role in its metadata (and a name, which the trigger copies).
insert into auth.users (id, email, raw_user_meta_data, raw_app_meta_data, aud, role, created_at, updated_at)
values (gen_random_uuid(), 'norole@profiles.test', '{"full_name": "Nora Role"}', '{}', 'authenticated', 'authenticated', now(), now());
insert into personas (name, id) select 'norole', id from auth.users where email = 'norole@profiles.test';

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'public.profiles'::regclass),
  true,
  'RLS is enabled on public.profiles'
);
select policies_are(
  'public', 'profiles',
  array['Users read their own profile', 'Active users edit their own name and phone',
        'Admins read every profile', 'Users see the people of their live orders'],
  'public.profiles has exactly the expected policies'
);
select policy_cmd_is('public', 'profiles', 'Users read their own profile', 'select',
  'the read policy is for select');
select policy_cmd_is('public', 'profiles', 'Active users edit their own name and phone', 'update',
  'the edit policy is for update');
select policy_roles_are('public', 'profiles', 'Users read their own profile', array['authenticated'],
  'the read policy applies to authenticated only');
select policy_roles_are('public', 'profiles', 'Active users edit their own name and phone', array['authenticated'],
  'the edit policy applies to authenticated only');

-- ---------------------------------------------------------------------------------------------
-- Sign-up: trigger and Before User Created hook (as the database owner)
-- ---------------------------------------------------------------------------------------------
select results_eq(
  $$select role, status from public.profiles where id = (select id from personas where name = 'customer')$$,
  $$values ('customer'::public.app_role, 'active'::public.account_status)$$,
  'sign-up as customer creates an active customer profile'
);
select is(
  (select role from public.profiles where id = (select id from personas where name = 'merchant')),
  'merchant'::public.app_role,
  'sign-up as merchant creates a merchant profile'
);
select is(
  (select role from public.profiles where id = (select id from personas where name = 'rider')),
  'rider'::public.app_role,
  'sign-up as rider creates a rider profile'
);
select results_eq(
  $$select role, full_name from public.profiles where id = (select id from personas where name = 'norole')$$,
  $$values ('customer'::public.app_role, 'Nora Role')$$,
  'sign-up without a role becomes a customer, and the name from metadata is copied'
);
select is(
  (select role from public.profiles where id = (select id from personas where name = 'nullrole')),
  'customer'::public.app_role,
  'sign-up with a null role becomes a customer'
);
select throws_ok(
  $$select tests.create_user('wannabe-admin@profiles.test', 'admin')$$,
  '42501',
  'role "admin" cannot be chosen at sign-up',
  'sign-up as admin is refused with 42501'
);
select throws_ok(
  $$select tests.create_user('superhero@profiles.test', 'superhero')$$,
  '42501',
  'role "superhero" cannot be chosen at sign-up',
  'sign-up with an unknown role is refused with 42501'
);
select is_empty(
  $$select 1 from auth.users where email in ('wannabe-admin@profiles.test', 'superhero@profiles.test')$$,
  'refused sign-ups leave no auth user behind'
);

select is(
  public.hook_before_user_created('{"user": {"user_metadata": {"role": "admin"}}}') -> 'error' -> 'http_code',
  '400'::jsonb,
  'hook: admin sign-up gets an error with http_code 400'
);
select is(
  public.hook_before_user_created('{"user": {"user_metadata": {"role": "admin"}}}') -> 'error' ->> 'error_code',
  'role_not_allowed',
  'hook: the error code is role_not_allowed'
);
select is(
  public.hook_before_user_created('{"user": {"user_metadata": {"role": "superhero"}}}') -> 'error' -> 'http_code',
  '400'::jsonb,
  'hook: unknown role gets an error with http_code 400'
);
select is(
  public.hook_before_user_created('{"user": {"user_metadata": {"role": "rider"}}}'),
  '{}'::jsonb,
  'hook: rider sign-up is allowed ({})'
);
select is(
  public.hook_before_user_created('{"user": {"user_metadata": {}}}'),
  '{}'::jsonb,
  'hook: sign-up without a role is allowed ({})'
);
select ok(
  has_function_privilege('supabase_auth_admin', 'public.hook_before_user_created(jsonb)', 'execute')
    and has_function_privilege('supabase_auth_admin', 'private.signup_role(jsonb)', 'execute')
    and has_schema_privilege('supabase_auth_admin', 'private', 'usage'),
  'supabase_auth_admin can run the hook'
);
select ok(
  not has_function_privilege('anon', 'public.hook_before_user_created(jsonb)', 'execute')
    and not has_function_privilege('authenticated', 'public.hook_before_user_created(jsonb)', 'execute')
    and not has_function_privilege('service_role', 'public.hook_before_user_created(jsonb)', 'execute'),
  'API roles cannot call the hook'
);

-- The owner promotes one account to admin and suspends another.
update public.profiles set role = 'admin' where id = (select id from personas where name = 'admin');
update public.profiles set status = 'suspended' where id = (select id from personas where name = 'suspended');

-- ---------------------------------------------------------------------------------------------
-- Customer
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('customer');

select is((select count(*) from public.profiles), 1::bigint, 'customer sees exactly one profile');
select results_eq(
  $$select id, role from public.profiles$$,
  $$select id, 'customer'::public.app_role from personas where name = 'customer'$$,
  'customer sees only their own profile'
);
select results_eq(
  $$select id, role, status from public.my_profile()$$,
  $$select id, 'customer'::public.app_role, 'active'::public.account_status from personas where name = 'customer'$$,
  'my_profile() returns the customer''s row'
);
select lives_ok(
  $$update public.profiles set full_name = 'Chandni Customer', phone = '+919876543210' where id = (select auth.uid())$$,
  'customer can update their own name and phone'
);
select results_eq(
  $$select full_name, phone from public.profiles where id = (select auth.uid())$$,
  $$values ('Chandni Customer', '+919876543210')$$,
  'customer''s name and phone changed'
);
select throws_ok(
  $$update public.profiles set phone = 'call me' where id = (select auth.uid())$$,
  '23514',
  null,
  'a malformed phone number is rejected by the check constraint'
);
select throws_ok(
  $$update public.profiles set role = 'admin' where id = (select auth.uid())$$,
  '42501',
  'permission denied for table profiles',
  'customer cannot change their own role'
);
select throws_ok(
  $$update public.profiles set status = 'active' where id = (select auth.uid())$$,
  '42501',
  'permission denied for table profiles',
  'customer cannot change their own status'
);
select throws_ok(
  $$insert into public.profiles (id) values (gen_random_uuid())$$,
  '42501',
  'permission denied for table profiles',
  'customer cannot insert profiles'
);
select throws_ok(
  $$delete from public.profiles where id = (select auth.uid())$$,
  '42501',
  'permission denied for table profiles',
  'customer cannot delete their profile'
);
select lives_ok(
  $$update public.profiles set full_name = 'Hacked' where id = (select id from personas where name = 'merchant')$$,
  'customer''s update of the merchant''s name does not raise'
);

-- ---------------------------------------------------------------------------------------------
-- Merchant
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('merchant');

select is((select count(*) from public.profiles), 1::bigint, 'merchant sees exactly one profile');
select results_eq(
  $$select id, role from public.profiles$$,
  $$select id, 'merchant'::public.app_role from personas where name = 'merchant'$$,
  'merchant sees only their own profile'
);
select is(
  (select full_name from public.profiles where id = (select auth.uid())),
  '',
  'the customer''s update left the merchant''s name unchanged'
);
select is(
  (select role from public.my_profile()),
  'merchant'::public.app_role,
  'my_profile() returns the merchant''s row'
);
select throws_ok(
  $$update public.profiles set role = 'admin' where id = (select auth.uid())$$,
  '42501',
  'permission denied for table profiles',
  'merchant cannot promote themselves to admin'
);

-- ---------------------------------------------------------------------------------------------
-- Rider
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('rider');

select is((select count(*) from public.profiles), 1::bigint, 'rider sees exactly one profile');
select results_eq(
  $$select id, role from public.profiles$$,
  $$select id, 'rider'::public.app_role from personas where name = 'rider'$$,
  'rider sees only their own profile'
);
select is(
  (select id from public.my_profile()),
  (select id from personas where name = 'rider'),
  'my_profile() returns the rider''s row'
);
select lives_ok(
  $$update public.profiles set full_name = 'Ravi Rider' where id = (select auth.uid())$$,
  'rider can update their own name'
);
select is(
  (select full_name from public.my_profile()),
  'Ravi Rider',
  'rider''s name changed'
);

-- ---------------------------------------------------------------------------------------------
-- Admin (promoted by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('admin');

select is(
  (select role from public.my_profile()),
  'admin'::public.app_role,
  'my_profile() shows the promoted admin''s role'
);
-- Admins read every profile but, like everyone, change accounts only through admin functions.
select set_eq(
  $$select id from public.profiles where id in (select id from personas)$$,
  $$select id from personas$$,
  'admin reads every profile'
);
select lives_ok(
  $$update public.profiles set full_name = 'Overruled' where id = (select id from personas where name = 'rider')$$,
  'admin''s update of the rider''s name does not raise'
);
select throws_ok(
  $$update public.profiles set role = 'customer' where id = (select auth.uid())$$,
  '42501',
  'permission denied for table profiles',
  'admin cannot change a role through the table either'
);

-- ---------------------------------------------------------------------------------------------
-- Stranger (another signed-in customer)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('stranger');

select is_empty(
  $$select 1 from public.profiles where id = (select id from personas where name = 'customer')$$,
  'stranger cannot see the customer''s profile'
);
select results_eq(
  $$select id from public.profiles$$,
  $$select id from personas where name = 'stranger'$$,
  'stranger sees only their own profile'
);
select is(
  (select id from public.my_profile()),
  (select id from personas where name = 'stranger'),
  'my_profile() returns the stranger''s own row'
);
select lives_ok(
  $$update public.profiles set full_name = 'Stolen' where id = (select id from personas where name = 'customer')$$,
  'stranger''s update of the customer''s name does not raise'
);

-- Owners re-read their rows: none of the cross-account updates above took effect.
select tests.sign_in('customer');
select is(
  (select full_name from public.profiles where id = (select auth.uid())),
  'Chandni Customer',
  'the stranger''s update left the customer''s name unchanged'
);
select tests.sign_in('rider');
select is(
  (select full_name from public.profiles where id = (select auth.uid())),
  'Ravi Rider',
  'the admin''s update left the rider''s name unchanged'
);

-- ---------------------------------------------------------------------------------------------
-- Anonymous
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('anonymous');

select throws_ok(
  $$select * from public.profiles$$,
  '42501',
  'permission denied for table profiles',
  'anonymous cannot select profiles'
);
select throws_ok(
  $$select * from public.my_profile()$$,
  '42501',
  'permission denied for function my_profile',
  'anonymous cannot execute my_profile()'
);
select throws_ok(
  $$update public.profiles set full_name = 'Anon' where id = (select id from personas where name = 'customer')$$,
  '42501',
  'permission denied for table profiles',
  'anonymous cannot update profiles'
);
select throws_ok(
  $$select public.hook_before_user_created('{}')$$,
  '42501',
  'permission denied for function hook_before_user_created',
  'anonymous cannot call the sign-up hook'
);

-- ---------------------------------------------------------------------------------------------
-- Suspended (status set by the database owner above)
-- ---------------------------------------------------------------------------------------------
select tests.sign_in('suspended');

select results_eq(
  $$select id, status from public.profiles$$,
  $$select id, 'suspended'::public.account_status from personas where name = 'suspended'$$,
  'suspended user still reads their own profile'
);
select is(
  (select status from public.my_profile()),
  'suspended'::public.account_status,
  'my_profile() shows the suspension'
);
select lives_ok(
  $$update public.profiles set full_name = 'Still Here' where id = (select auth.uid())$$,
  'suspended user''s update of their name does not raise'
);
select is(
  (select full_name from public.profiles where id = (select auth.uid())),
  '',
  'suspended user''s name is unchanged'
);
select throws_ok(
  $$update public.profiles set status = 'active' where id = (select auth.uid())$$,
  '42501',
  'permission denied for table profiles',
  'suspended user cannot lift their own suspension'
);

-- ---------------------------------------------------------------------------------------------
-- Back to the owner: the state seen from outside RLS
-- ---------------------------------------------------------------------------------------------
select tests.clear_authentication();

select results_eq(
  $$select personas.name, p.full_name from public.profiles p join personas using (id) order by personas.name$$,
  $$values ('admin', ''), ('customer', 'Chandni Customer'), ('merchant', ''), ('norole', 'Nora Role'),
           ('nullrole', ''), ('rider', 'Ravi Rider'), ('stranger', ''), ('suspended', '')$$,
  'as owner: only the customer''s and rider''s own edits landed'
);

select * from finish();
rollback;
