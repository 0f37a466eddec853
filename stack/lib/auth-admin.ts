import { createHash, randomInt, randomUUID } from "node:crypto";
import type postgres from "postgres";
import type { ProjectConfig } from "./config.js";
import type { Keys } from "./instance.js";
import { verifyJwt } from "./jwt.js";

/**
 * Supabase Auth's admin API (`/auth/v1/admin/users`, `/auth/v1/admin/generate_link`), which lite
 * does not serve (it answered 401 to every key). GoTrue serves it to a token whose role is
 * `service_role` (the legacy service key, or the secret key the gateway turns into one) and
 * refuses any other token with 403 `not_admin`. Users are written to lite's GoTrue-shaped
 * `auth` schema as lite writes them on sign-up (bcrypt password, an `email` identity), so lite
 * signs them in; link tokens are stored hashed as lite's /verify reads them.
 */

export interface AdminAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const ADMIN_ROLES = new Set(["service_role", "supabase_admin"]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINK_TYPES = new Set(["signup", "invite", "magiclink", "recovery"]);

const fail = (status: number, error_code: string, msg: string): AdminAnswer => ({ status, body: { code: status, error_code, msg } });

type Json = Record<string, unknown>;
interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  email_confirmed_at: string | null;
  confirmed_at: string | null;
  invited_at: string | null;
  confirmation_sent_at: string | null;
  recovery_sent_at: string | null;
  last_sign_in_at: string | null;
  banned_until: string | null;
  raw_app_meta_data: Json | null;
  raw_user_meta_data: Json | null;
  created_at: string;
  updated_at: string;
  identities: Json[] | null;
}

const iso = (v: unknown): string | undefined => (v == null ? undefined : new Date(v as string).toISOString());

/** A user as GoTrue's admin API answers it. */
function userJson(u: UserRow): Json {
  const out: Json = {
    id: u.id,
    aud: u.aud || "authenticated",
    role: u.role || "authenticated",
    email: u.email ?? "",
    phone: u.phone ?? "",
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    identities: (u.identities ?? []).map((i) => ({ ...i, created_at: iso(i.created_at), updated_at: iso(i.updated_at), last_sign_in_at: iso(i.last_sign_in_at ?? i.created_at) })),
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    is_anonymous: false,
  };
  const times: Array<[string, string | null]> = [
    ["email_confirmed_at", u.email_confirmed_at],
    ["confirmed_at", u.confirmed_at],
    ["invited_at", u.invited_at],
    ["confirmation_sent_at", u.confirmation_sent_at],
    ["recovery_sent_at", u.recovery_sent_at],
    ["last_sign_in_at", u.last_sign_in_at],
    ["banned_until", u.banned_until],
  ];
  for (const [k, v] of times) if (v) out[k] = iso(v);
  return out;
}

/** GoTrue's metadata update: keys given replace the stored ones, a null removes one. */
function merged(current: Json | null, patch: unknown): Json {
  const out: Json = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** A `ban_duration` ("none", or a Go duration such as "24h" or "1h30m") as a timestamp or null. */
function bannedUntil(duration: string): Date | null | undefined {
  if (duration === "none") return null;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== duration) return undefined;
  return new Date(Date.now() + parts.reduce((ms, [, n, unit]) => ms + Number(n) * units[unit!]!, 0));
}

export function createAuthAdmin(sql: postgres.Sql, keys: Keys, config: ProjectConfig) {
  /** GoTrue's check: a Bearer token whose role is an admin role. */
  function refusal(headers: Record<string, string | string[] | undefined>): AdminAnswer | null {
    const auth = typeof headers.authorization === "string" ? headers.authorization : "";
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!token) return fail(401, "no_authorization", "This endpoint requires a valid Bearer token");
    // The gateway's new API keys stand for the role's token (as Supabase's gateway does).
    if (token === keys.secretKey) return null;
    if (token === keys.publishableKey) return fail(403, "not_admin", "User not allowed");
    const claims = verifyJwt(token, keys.jwtSecret);
    if (!claims) return fail(403, "bad_jwt", "invalid JWT: unable to parse or verify signature, token is unverifiable");
    return ADMIN_ROLES.has(String(claims.role)) ? null : fail(403, "not_admin", "User not allowed");
  }

  async function findUser(where: { id?: string; email?: string }): Promise<UserRow | null> {
    const rows = await sql<UserRow[]>`
      select u.*, coalesce((select json_agg(json_build_object('identity_id', i.id, 'id', i.provider_id, 'user_id', i.user_id,
                 'identity_data', i.identity_data, 'provider', i.provider, 'email', i.email, 'last_sign_in_at', i.last_sign_in_at,
                 'created_at', i.created_at, 'updated_at', i.updated_at) order by i.created_at)
               from auth.identities i where i.user_id = u.id), '[]') as identities
      from auth.users u
      where ${where.id ? sql`u.id = ${where.id}::uuid` : sql`lower(u.email) = lower(${where.email ?? ""})`}`;
    return rows[0] ?? null;
  }

  const weak = (password: string) => password.length < config.minimumPasswordLength;

  /** Inserts a user and its email identity as lite's sign-up does. */
  async function insertUser(input: { id?: string; email: string; password?: string; confirmed: boolean; invited?: boolean; userMeta?: Json; appMeta?: Json; role?: string }): Promise<string> {
    const id = input.id ?? randomUUID();
    const email = input.email.toLowerCase();
    await sql.begin(async (tx) => {
      await tx`
        insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, invited_at, raw_app_meta_data, raw_user_meta_data)
        values (${id}, 'authenticated', ${input.role ?? "authenticated"}, ${email},
                ${input.password ? tx`extensions.crypt(${input.password}, extensions.gen_salt('bf', 10))` : null},
                ${input.confirmed ? tx`now()` : null}, ${input.invited ? tx`now()` : null},
                ${tx.json({ provider: "email", providers: ["email"], ...(input.appMeta ?? {}) } as never)},
                ${tx.json((input.userMeta ?? {}) as never)})`;
      await tx`
        insert into auth.identities (id, provider, provider_id, user_id, identity_data)
        values (${randomUUID()}, 'email', ${id}, ${id},
                ${tx.json({ sub: id, email, email_verified: input.confirmed, phone_verified: false } as never)})`;
    });
    return id;
  }

  async function createUser(body: Json): Promise<AdminAnswer> {
    const email = typeof body.email === "string" ? body.email.trim() : "";
    if (!email) return fail(400, "validation_failed", "Unable to validate email address: invalid format");
    if (!EMAIL.test(email)) return fail(400, "validation_failed", "Unable to validate email address: invalid format");
    if (body.password !== undefined && typeof body.password !== "string") return fail(400, "bad_json", "Could not parse request body as JSON: password must be a string");
    if (typeof body.password === "string" && weak(body.password)) {
      return fail(422, "weak_password", `Password should be at least ${config.minimumPasswordLength} characters.`);
    }
    if (body.id !== undefined && (typeof body.id !== "string" || !UUID.test(body.id))) return fail(400, "validation_failed", "id must be a UUID");
    if (await findUser({ email })) return fail(422, "email_exists", "A user with this email address has already been registered");
    const id = await insertUser({
      id: body.id as string | undefined,
      email,
      password: body.password as string | undefined,
      confirmed: body.email_confirm === true,
      userMeta: (body.user_metadata ?? body.data) as Json | undefined,
      appMeta: body.app_metadata as Json | undefined,
      role: typeof body.role === "string" ? body.role : undefined,
    });
    if (typeof body.ban_duration === "string") {
      const until = bannedUntil(body.ban_duration);
      if (until === undefined) return fail(400, "validation_failed", "invalid format for ban duration");
      await sql`update auth.users set banned_until = ${until} where id = ${id}`;
    }
    return { status: 200, body: userJson((await findUser({ id }))!) };
  }

  async function listUsers(url: URL): Promise<AdminAnswer> {
    const page = Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
    const perPage = Math.max(1, Number.parseInt(url.searchParams.get("per_page") ?? "50", 10) || 50);
    const [{ total }] = await sql<[{ total: number }]>`select count(*)::int as total from auth.users`;
    const ids = await sql<Array<{ id: string }>>`select id from auth.users order by created_at desc, id limit ${perPage} offset ${(page - 1) * perPage}`;
    const users = await Promise.all(ids.map(async ({ id }) => userJson((await findUser({ id }))!)));
    // GoTrue's pagination headers, which supabase-js reads for nextPage, lastPage and total.
    const last = Math.max(1, Math.ceil(total / perPage));
    const link = (p: number, rel: string) => `</admin/users?page=${p}&per_page=${perPage}>; rel="${rel}"`;
    const links = [...(page < last ? [link(page + 1, "next")] : []), link(last, "last")];
    return { status: 200, body: { users, aud: "authenticated" }, headers: { "x-total-count": String(total), link: links.join(", ") } };
  }

  async function updateUser(user: UserRow, body: Json): Promise<AdminAnswer> {
    const changes: Record<string, unknown> = {};
    if (body.email !== undefined) {
      if (typeof body.email !== "string" || !EMAIL.test(body.email)) return fail(400, "validation_failed", "Unable to validate email address: invalid format");
      const other = await findUser({ email: body.email });
      if (other && other.id !== user.id) return fail(422, "email_exists", "A user with this email address has already been registered");
      changes.email = body.email.toLowerCase();
    }
    if (body.password !== undefined) {
      if (typeof body.password !== "string") return fail(400, "bad_json", "Could not parse request body as JSON: password must be a string");
      if (weak(body.password)) return fail(422, "weak_password", `Password should be at least ${config.minimumPasswordLength} characters.`);
    }
    let until: Date | null | undefined;
    if (typeof body.ban_duration === "string") {
      until = bannedUntil(body.ban_duration);
      if (until === undefined) return fail(400, "validation_failed", "invalid format for ban duration");
    }
    await sql.begin(async (tx) => {
      if (changes.email) {
        await tx`update auth.users set email = ${changes.email as string} where id = ${user.id}`;
        await tx`update auth.identities set identity_data = identity_data || ${tx.json({ email: changes.email } as never)} where user_id = ${user.id} and provider = 'email'`;
      }
      if (typeof body.password === "string") await tx`update auth.users set encrypted_password = extensions.crypt(${body.password}, extensions.gen_salt('bf', 10)) where id = ${user.id}`;
      if (body.email_confirm === true) await tx`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${user.id}`;
      if (body.user_metadata && typeof body.user_metadata === "object") {
        await tx`update auth.users set raw_user_meta_data = ${tx.json(merged(user.raw_user_meta_data, body.user_metadata) as never)} where id = ${user.id}`;
      }
      if (body.app_metadata && typeof body.app_metadata === "object") {
        await tx`update auth.users set raw_app_meta_data = ${tx.json(merged(user.raw_app_meta_data, body.app_metadata) as never)} where id = ${user.id}`;
      }
      if (until !== undefined) {
        await tx`update auth.users set banned_until = ${until} where id = ${user.id}`;
        // A banned user's sessions end, as GoTrue ends them.
        if (until) await tx`delete from auth.sessions where user_id = ${user.id}`;
      }
      await tx`update auth.users set updated_at = now() where id = ${user.id}`;
    });
    return { status: 200, body: userJson((await findUser({ id: user.id }))!) };
  }

  async function generateLink(body: Json, origin: string): Promise<AdminAnswer> {
    const type = String(body.type ?? "");
    if (!LINK_TYPES.has(type)) return fail(400, "validation_failed", "Invalid email action link type requested");
    const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
    if (!EMAIL.test(email)) return fail(400, "validation_failed", "Unable to validate email address: invalid format");
    let user = await findUser({ email });
    if (type === "signup") {
      if (typeof body.password !== "string") return fail(422, "validation_failed", "Signup requires a valid password");
      if (weak(body.password)) return fail(422, "weak_password", `Password should be at least ${config.minimumPasswordLength} characters.`);
      if (user) return fail(422, "email_exists", "A user with this email address has already been registered");
      await insertUser({ email, password: body.password, confirmed: false, userMeta: body.data as Json | undefined });
    } else if (type === "invite") {
      if (user?.email_confirmed_at) return fail(422, "email_exists", "A user with this email address has already been registered");
      if (!user) await insertUser({ email, confirmed: false, invited: true, userMeta: body.data as Json | undefined });
    } else if (!user) {
      return fail(404, "user_not_found", "User with this email not found");
    }
    user = (await findUser({ email }))!;
    const otp = String(randomInt(0, 1_000_000)).padStart(6, "0");
    // Stored as lite's /verify reads it: hex SHA-256 of the address and the code.
    const hashed = createHash("sha256").update(email + otp).digest("hex");
    const [column, sentAt] = type === "magiclink" || type === "recovery" ? ["recovery_token", "recovery_sent_at"] : ["confirmation_token", "confirmation_sent_at"];
    await sql.unsafe(`update auth.users set ${column} = $1, ${sentAt} = now() where id = $2`, [hashed, user.id]);
    const redirectTo = typeof body.redirect_to === "string" && body.redirect_to ? body.redirect_to : config.siteUrl;
    const verifyType = type === "invite" ? "invite" : type;
    const actionLink = `${origin}/auth/v1/verify?token=${hashed}&type=${verifyType}&redirect_to=${encodeURIComponent(redirectTo)}`;
    return {
      status: 200,
      body: { ...userJson((await findUser({ id: user.id }))!), action_link: actionLink, email_otp: otp, hashed_token: hashed, verification_type: verifyType, redirect_to: redirectTo },
    };
  }

  /** The answer to an admin API request (`origin`: the API's URL for links), or null for a path this does not serve. */
  return async function admin(method: string, path: string, url: URL, headers: Record<string, string | string[] | undefined>, raw: Buffer, origin: string): Promise<AdminAnswer | null> {
    const users = /^\/auth\/v1\/admin\/users(?:\/([^/]+))?$/.exec(path);
    if (!users && path !== "/auth/v1/admin/generate_link") return null;
    const refused = refusal(headers);
    if (refused) return refused;
    let body: Json = {};
    if (raw.length && method !== "GET" && method !== "DELETE") {
      try {
        const parsed: unknown = JSON.parse(raw.toString("utf8"));
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
        body = parsed as Json;
      } catch {
        return fail(400, "bad_json", "Could not parse request body as JSON");
      }
    }
    if (!users) return method === "POST" ? generateLink(body, origin) : fail(405, "method_not_allowed", "Method not allowed");
    const id = users[1];
    if (id === undefined) {
      if (method === "GET") return listUsers(url);
      if (method === "POST") return createUser(body);
      return fail(405, "method_not_allowed", "Method not allowed");
    }
    if (!UUID.test(id)) return fail(404, "validation_failed", "user_id must be an UUID");
    const user = await findUser({ id });
    if (!user) return fail(404, "user_not_found", "User not found");
    if (method === "GET") return { status: 200, body: userJson(user) };
    if (method === "PUT") return updateUser(user, body);
    if (method === "DELETE") {
      await sql`delete from auth.users where id = ${user.id}`;
      return { status: 200, body: {} };
    }
    return fail(405, "method_not_allowed", "Method not allowed");
  };
}
