-- Accounts: one profile per auth user, made from sign-up metadata. Customers, merchants and
-- riders choose their role at sign-up; admin is granted only by another admin or the database.

create schema if not exists private;
comment on schema private is 'Security-definer helpers and trigger functions; never exposed through the API.';
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

create type public.app_role as enum ('customer', 'merchant', 'rider', 'admin');
comment on type public.app_role is 'What an account does on the platform.';
create type public.account_status as enum ('active', 'suspended');
comment on type public.account_status is 'A suspended account can sign in but change nothing.';

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  role public.app_role not null default 'customer',
  status public.account_status not null default 'active',
  full_name text not null default '' check (char_length(full_name) <= 120),
  phone text check (phone ~ '^\+?[0-9]{7,15}$'),
  status_reason text check (char_length(status_reason) <= 500),
  status_changed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is 'One row per account: role, status and contact details. Created by a trigger on auth.users.';
comment on column public.profiles.role is 'Chosen at sign-up (customer, merchant or rider); admin only through the admin functions.';
comment on column public.profiles.status is 'active or suspended; suspended accounts are read-only.';
comment on column public.profiles.status_reason is 'Why an admin last suspended or reinstated the account.';

revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;
grant update (full_name, phone) on table public.profiles to authenticated;
grant all on table public.profiles to service_role;

create index profiles_role_idx on public.profiles (role);

-- Keeps updated_at honest on every table that has one.
create function private.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
comment on function private.touch_updated_at() is 'Trigger: sets updated_at to the time of the change.';
revoke execute on function private.touch_updated_at() from public;

create trigger profiles_touch_updated_at before update on public.profiles
  for each row execute function private.touch_updated_at();

alter table public.profiles enable row level security;

-- The signed-in caller's role, or null when signed out or suspended. Policies compare it
-- (wrapped in a select, so it runs once per statement) to make suspended accounts read-only
-- and to tell personas apart. Security definer so callers need no grant on profiles.
create function private.active_role() returns public.app_role
language sql stable security definer
set search_path = ''
as $$
  select p.role from public.profiles p
  where p.id = (select auth.uid()) and p.status = 'active'
$$;
comment on function private.active_role() is 'The signed-in caller''s role; null when signed out or suspended.';
revoke execute on function private.active_role() from public;
grant execute on function private.active_role() to authenticated, service_role;

create policy "Users read their own profile" on public.profiles
  for select to authenticated
  using (id = (select auth.uid()));

create policy "Active users edit their own name and phone" on public.profiles
  for update to authenticated
  using (id = (select auth.uid()) and (select private.active_role()) is not null)
  with check (id = (select auth.uid()));

create policy "Admins read every profile" on public.profiles
  for select to authenticated
  using ((select private.active_role()) = 'admin');

-- The role a sign-up asks for, or null when it may not have it.
create function private.signup_role(metadata jsonb) returns public.app_role
language sql immutable
set search_path = ''
as $$
  select case coalesce(metadata ->> 'role', 'customer')
    when 'customer' then 'customer'::public.app_role
    when 'merchant' then 'merchant'::public.app_role
    when 'rider' then 'rider'::public.app_role
  end
$$;
comment on function private.signup_role(jsonb) is 'Maps sign-up metadata to a role; null for admin or anything unknown.';
revoke execute on function private.signup_role(jsonb) from public;

create function private.handle_new_user() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  chosen public.app_role := private.signup_role(new.raw_user_meta_data);
begin
  if chosen is null then
    raise exception 'role "%" cannot be chosen at sign-up', new.raw_user_meta_data ->> 'role'
      using errcode = '42501', hint = 'Sign up as customer, merchant or rider.';
  end if;
  insert into public.profiles (id, role, full_name)
  values (new.id, chosen, left(coalesce(new.raw_user_meta_data ->> 'full_name', ''), 120));
  return new;
end
$$;
comment on function private.handle_new_user() is 'Trigger on auth.users: creates the profile with the role chosen at sign-up; refuses admin.';
revoke execute on function private.handle_new_user() from public;

create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();

-- Supabase Auth's Before User Created hook (supabase/config.toml): refuses a sign-up that asks
-- for a role it may not have with a 400 instead of a failed insert.
create function public.hook_before_user_created(event jsonb) returns jsonb
language sql stable
set search_path = ''
as $$
  select case
    when private.signup_role(event -> 'user' -> 'user_metadata') is null then
      jsonb_build_object('error', jsonb_build_object(
        'http_code', 400,
        'error_code', 'role_not_allowed',
        'message', format('Role "%s" cannot be chosen at sign-up; choose customer, merchant or rider.',
                          event -> 'user' -> 'user_metadata' ->> 'role')))
    else '{}'::jsonb
  end
$$;
comment on function public.hook_before_user_created(jsonb) is 'Auth hook: rejects sign-ups asking for admin or an unknown role.';
revoke execute on function public.hook_before_user_created(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.hook_before_user_created(jsonb) to supabase_auth_admin;
grant usage on schema public, private to supabase_auth_admin;
grant execute on function private.signup_role(jsonb) to supabase_auth_admin;

-- The caller's own profile.
create function public.my_profile() returns public.profiles
language sql stable
set search_path = ''
as $$
  select p.* from public.profiles p where p.id = (select auth.uid())
$$;
comment on function public.my_profile() is 'The signed-in caller''s profile; null when signed out.';
revoke execute on function public.my_profile() from public, anon;
grant execute on function public.my_profile() to authenticated, service_role;
