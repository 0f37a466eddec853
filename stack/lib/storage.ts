import fs from "node:fs/promises";
import path from "node:path";
import { createHash, randomUUID } from "node:crypto";
import { getStorageSchemaSql, setExperimental, type App, type IAppConfig } from "@supabase/lite";
import postgres from "postgres";
import type { BucketConfig } from "./config.js";
import { verifyJwt } from "./jwt.js";

/**
 * `/storage/v1` (Supabase Storage) served by @supabase/lite's experimental Storage API on its
 * `postgres` driver, with the objects' bytes in files under the instance's data folder
 * (FilesystemAdapter). Lite keeps `storage.buckets` and `storage.objects` in the project
 * database and checks every access with Postgres' own RLS on them, as Supabase Storage does.
 * Every way lite differs from Supabase Storage that supabase-js users meet is handled here, and
 * each one has a test in tests/integration/stack-gaps.test.ts ("storage gap N"):
 *
 * 1. Lite answers a signed download URL as `signedUrl` with the `/storage/v1` prefix and a signed
 *    upload URL without `url`; supabase-js reads Storage's `signedURL` and `url` (without the
 *    prefix), so every URL it built was broken. Answers get Storage's fields (`storageAnswer`).
 * 2. Lite gives a bucket's file_size_limit only as a number; Storage also takes "1MB"-style text
 *    (B, KB, MB, GB, decimal), which supabase-js passes through (`storageBody`).
 * 3. Lite compares a file's type with a bucket's allowed types by exact text, so `image/*`
 *    refused `image/png` and `image/png; charset=binary` was refused by `image/png`. Storage
 *    matches the media type, with `type/*` wildcards (`mimeTypeAllowed`).
 * 4. Lite checks a file against the size limit by the request's Content-Length header, so a
 *    chunked upload (no Content-Length) skipped the limit. The gateway has the whole body: lite
 *    is given its real length (`storageRequestHeaders`).
 * 5. A signed URL with a tampered or expired token was a 500 from lite; Storage answers 400
 *    InvalidJWT (`signedTokenRefusal`).
 * 6. Lite serves every `/storage/v1` request without an `apikey` (or with a wrong one) and takes
 *    the caller from the Authorization header alone; Supabase's gateway requires the key except
 *    on public and signed object URLs (`missingApiKey`).
 * 7. Lite's errors carry `statusCode`, `error` and `message` without Storage's `code`
 *    (`NoSuchKey`, `InvalidMimeType`, ...), which supabase-js reads: `exists()` threw on a
 *    missing file instead of answering false (`storageAnswer`).
 * 8. A multipart upload (supabase-js sends a Blob or File that way) was refused, or through a
 *    signed upload URL stored as the multipart body itself (`multipartAsPlainUpload`).
 * 9. `createSignedUrls` (a batch) reached lite's single-URL route and failed (`signMany`).
 * 10. Lite's authenticated download, info and exists served a public bucket's objects without
 *    RLS; Storage applies the policies everywhere but on `/object/public/` (`storageMiddleware`).
 *
 * Not fixed (README, and a test): `list()` returns whole names and no folders, and its `search`
 * matches anywhere in the name; no image transformations (`/render/image`, `transform` options);
 * lite's storage schema is a subset of
 * Supabase's (no `storage.prefixes`, `storage.search()`, no `protect_delete` trigger refusing
 * direct SQL deletes), which the migrations do not rely on.
 */

/** What lite's Storage API asks of the place the bytes live. */
export type StorageAdapter = NonNullable<App["_storageAdapter"]>;
type ObjectMetadata = Awaited<ReturnType<StorageAdapter["headObject"]>>;

interface StoredMetadata {
  mimetype: string;
  cacheControl: string;
  eTag: string;
}

/**
 * Objects as files under `root`: `objects/<bucket>/<name>` holds the bytes and
 * `metadata/<bucket>/<name>.json` the type and cache control they were uploaded with. Lite has
 * validated names (no `..`, no leading `/`) before any call reaches here.
 */
export class FilesystemAdapter implements StorageAdapter {
  readonly driver = "filesystem";
  constructor(readonly root: string) {}

  private file(bucket: string, key: string): string {
    const file = path.join(this.root, "objects", bucket, key);
    if (!file.startsWith(path.join(this.root, "objects") + path.sep)) throw new Error(`invalid object name ${key}`);
    return file;
  }
  private metaFile(bucket: string, key: string): string {
    return path.join(this.root, "metadata", bucket, `${key}.json`);
  }

  private async metadata(bucket: string, key: string): Promise<ObjectMetadata> {
    const file = this.file(bucket, key);
    const [stat, meta] = await Promise.all([fs.stat(file), fs.readFile(this.metaFile(bucket, key), "utf8").then((t) => JSON.parse(t) as StoredMetadata)]);
    return { ...meta, contentLength: stat.size, size: stat.size, lastModified: stat.mtime, httpStatusCode: 200 };
  }

  async getObject(bucket: string, key: string) {
    const metadata = await this.metadata(bucket, key);
    return { metadata, httpStatusCode: 200, body: await fs.readFile(this.file(bucket, key)) };
  }

  async uploadObject(bucket: string, key: string, _version: string | undefined, body: ReadableStream | Buffer | Uint8Array, contentType: string, cacheControl: string) {
    const bytes = body instanceof Uint8Array ? body : Buffer.from(await new Response(body as ReadableStream).arrayBuffer());
    const file = this.file(bucket, key);
    const meta: StoredMetadata = { mimetype: contentType, cacheControl, eTag: `"${createHash("md5").update(bytes).digest("hex")}"` };
    await writeAtomically(file, bytes);
    await writeAtomically(this.metaFile(bucket, key), Buffer.from(JSON.stringify(meta)));
    return this.metadata(bucket, key);
  }

  async deleteObject(bucket: string, key: string) {
    for (const f of [this.file(bucket, key), this.metaFile(bucket, key)]) {
      await fs.unlink(f).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
    }
  }

  async deleteObjects(bucket: string, keys: string[]) {
    for (const key of keys) await this.deleteObject(bucket, key);
  }

  async copyObject(fromBucket: string, from: string, _version: string | undefined, toBucket: string, to: string) {
    await writeAtomically(this.file(toBucket, to), await fs.readFile(this.file(fromBucket, from)));
    await writeAtomically(this.metaFile(toBucket, to), await fs.readFile(this.metaFile(fromBucket, from)));
    const { eTag, lastModified } = await this.metadata(toBucket, to);
    return { httpStatusCode: 200, eTag, lastModified };
  }

  headObject(bucket: string, key: string) {
    return this.metadata(bucket, key);
  }

  async privateAssetUrl(bucket: string, key: string) {
    return `file://${this.file(bucket, key)}`;
  }
}

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temp, bytes);
  await fs.rename(temp, file);
}

/**
 * Turns lite's Storage API on for the app (before its first request or schema step, which read
 * the setting once), with the objects' files under `root`. The app must have been made with
 * `storageMiddleware` among its server's middlewares.
 */
export function enableStorage(app: App<IAppConfig>, root: string): void {
  setExperimental("storage", true);
  app._storageAdapter = new FilesystemAdapter(root);
}

/**
 * Creates lite's storage schema if it is missing: on a fresh database lite's system-schema step
 * makes it, but a database made before Storage was turned on needs it before the migrations
 * (which grant on it and put policies on `storage.objects`) run. Idempotent.
 */
export async function ensureStorageSchema(dbUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.begin((tx) => tx.unsafe(getStorageSchemaSql()));
  } finally {
    await sql.end();
  }
}

/**
 * Creates or updates the buckets `[storage.buckets.*]` declares, as `supabase start` does
 * (its seed-buckets step): public, size limit and allowed types as the file says.
 */
export async function syncBuckets(dbUrl: string, buckets: Record<string, BucketConfig>): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    for (const [id, b] of Object.entries(buckets)) {
      await sql`
        insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
        values (${id}, ${id}, ${b.public}, ${b.fileSizeLimit}, ${b.allowedMimeTypes})
        on conflict (id) do update set public = excluded.public, file_size_limit = excluded.file_size_limit,
          allowed_mime_types = excluded.allowed_mime_types, updated_at = now()`;
    }
  } finally {
    await sql.end();
  }
}

/** Gap 2: Storage's size text (B, KB, MB, GB; decimal units), or null when it is not one. */
export function storageSizeBytes(text: string): number | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i.exec(text);
  if (!m) return null;
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[m[2]!.toUpperCase() as "B" | "KB" | "MB" | "GB"];
  return Math.round(Number.parseFloat(m[1]!) * unit);
}

/** Gap 3: whether a file's type is one a bucket allows, as Storage matches them. */
export function mimeTypeAllowed(contentType: string, allowed: readonly string[] | null): boolean {
  if (!allowed || allowed.length === 0) return true;
  const [type, subtype] = contentType.split(";", 1)[0]!.trim().toLowerCase().split("/");
  return allowed.some((a) => {
    const [t, s] = a.trim().toLowerCase().split("/");
    return t === type && (s === "*" || s === subtype);
  });
}

interface LiteBucket {
  public: boolean;
  allowed_mime_types: string[] | null;
}
type Method = (this: LiteStorageService, bucket: string, name: string, ...rest: never[]) => Promise<unknown>;
interface LiteStorageService {
  repo: { findBucketById(id: string): Promise<LiteBucket | null> };
  uploadInternal: Method;
  download: Method;
  info: Method;
  exists: Method;
}

/**
 * Lite's service method `name`, run on a view of the service whose bucket lookups go through
 * `view` (the rest of the service is the service itself).
 */
function withBucketView(proto: LiteStorageService, name: "uploadInternal" | "download" | "info" | "exists", view: (b: LiteBucket, args: unknown[]) => LiteBucket): void {
  const original = proto[name];
  proto[name] = function (bucket, objectName, ...rest) {
    const repo = this.repo;
    const service = Object.create(this) as LiteStorageService;
    service.repo = Object.create(repo, {
      findBucketById: { value: async (id: string) => ((b) => b && view(b, rest))(await repo.findBucketById(id)) },
    });
    return original.call(service, bucket, objectName, ...rest);
  };
}

/**
 * Lite makes its storage service per request, before the app's middlewares run: the first
 * storage request patches the service's class, once.
 *
 * Gap 3: lite refuses a type unless the bucket's list holds its exact text. Its upload sees a
 * bucket whose list holds the file's type when Storage's matching allows it, and the list as it
 * is otherwise (lite then refuses with its own InvalidMimeType answer).
 *
 * Gap 10: lite's authenticated download, info and exists skip RLS for a public bucket's objects;
 * Storage serves only its `/object/public/` URLs without policies. They see every bucket as
 * private, so the caller's policies decide (a hidden product's image is not downloaded).
 */
export function storageMiddleware(): (c: { get(key: string): unknown }, next: () => Promise<void>) => Promise<void> {
  let patched = false;
  return async (c, next) => {
    const service = c.get("storageService") as LiteStorageService | undefined;
    if (service && !patched) {
      patched = true;
      const proto = Object.getPrototypeOf(service) as LiteStorageService;
      withBucketView(proto, "uploadInternal", (b, [, options]) => {
        const type = (options as { contentType?: string } | undefined)?.contentType ?? "application/octet-stream";
        return mimeTypeAllowed(type, b.allowed_mime_types) ? { ...b, allowed_mime_types: [...(b.allowed_mime_types ?? []), type] } : b;
      });
      for (const name of ["download", "info", "exists"] as const) withBucketView(proto, name, (b) => ({ ...b, public: false }));
    }
    await next();
  };
}

/** An answer the gateway sends itself. */
export interface StorageAnswer {
  status: number;
  body: Record<string, unknown>;
}

const storageError = (status: number, statusCode: string, code: string, error: string, message: string): StorageAnswer => ({
  status,
  body: { statusCode, code, error, message },
});

/** Object URLs whose capability is the URL itself: public objects and signed URLs. */
const KEYLESS = /^\/storage\/v1\/(object\/(public|sign|authenticated\/sign)\/|object\/upload\/sign\/|render\/image\/(public|sign)\/)/;

/**
 * Gap 6: Supabase's gateway refuses a Storage request without a valid `apikey` (header or
 * `apikey` query parameter), except object URLs meant to be opened as they are.
 */
export function missingApiKey(method: string, routePath: string, key: string | null, valid: (key: string) => boolean): StorageAnswer | null {
  if (method === "OPTIONS" || KEYLESS.test(routePath)) return null;
  if (!key) return { status: 401, body: { message: "No API key found in request", hint: "No `apikey` request header or url param was found." } };
  if (!valid(key)) return { status: 401, body: { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." } };
  return null;
}

/** Gap 5: a signed object URL whose token is not one this stack signed, or has expired. */
export function signedTokenRefusal(routePath: string, token: string | null, jwtSecret: string): StorageAnswer | null {
  if (!/^\/storage\/v1\/object\/(upload\/)?sign\/[^/]+\/./.test(routePath) || token === null) return null;
  if (verifyJwt(token, jwtSecret)) return null;
  return storageError(400, "400", "InvalidJWT", "InvalidJWT", "invalid signature or expired token");
}

/** Gap 2: a bucket create or update body with a size given as text, with the size as a number. */
export function storageBody(method: string, routePath: string, body: Buffer): Buffer | StorageAnswer {
  if (!((method === "POST" && routePath === "/storage/v1/bucket") || (method === "PUT" && /^\/storage\/v1\/bucket\/[^/]+$/.test(routePath)))) return body;
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body.toString("utf8"));
  } catch {
    return body;
  }
  if (!input || typeof input !== "object" || typeof input.file_size_limit !== "string") return body;
  const bytes = storageSizeBytes(input.file_size_limit);
  if (bytes === null) return storageError(400, "422", "InvalidRequest", "invalid_file_size_limit", "Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B");
  return Buffer.from(JSON.stringify({ ...input, file_size_limit: bytes }));
}

/** Gap 4: the headers lite gets for an upload: the body's real length. */
export function storageRequestHeaders(headers: Headers, body: Buffer): Headers {
  if (body.length > 0) {
    headers.delete("transfer-encoding");
    headers.set("content-length", String(body.length));
  }
  return headers;
}

/** Object uploads: a new object, a replacement, or one through a signed upload URL. */
const UPLOAD = /^\/storage\/v1\/object\/(upload\/sign\/)?[^/]+\/./;

/**
 * Gap 8: Storage takes a multipart upload's file from whatever field holds it (supabase-js
 * sends a Blob or File in a field named ""), with the part's type, and `cacheControl` from a
 * field; lite looks only in a field named `file`, and through a signed upload URL not at all (it
 * stored the multipart body itself). The file is handed to lite as a plain upload of its bytes.
 */
export async function multipartAsPlainUpload(method: string, routePath: string, headers: Headers, body: Buffer): Promise<Buffer | StorageAnswer> {
  if (!(method === "POST" || method === "PUT") || !UPLOAD.test(routePath) || !/^multipart\/form-data/i.test(headers.get("content-type") ?? "")) return body;
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": headers.get("content-type")! } }).formData();
  } catch {
    return storageError(400, "400", "InvalidRequest", "InvalidRequest", "The multipart body could not be read");
  }
  const file = [...form.values()].find((v): v is File => typeof v !== "string");
  if (!file) return storageError(400, "400", "InvalidRequest", "InvalidRequest", "Missing file in multipart upload");
  headers.set("content-type", file.type || "application/octet-stream");
  const cacheControl = form.get("cacheControl");
  if (typeof cacheControl === "string" && /^\d+$/.test(cacheControl)) headers.set("cache-control", `max-age=${cacheControl}`);
  return Buffer.from(await file.arrayBuffer());
}

/** A batch of signed URLs: `POST /storage/v1/object/sign/<bucket>`; null for any other request. */
export function signManyBucket(method: string, routePath: string): string | null {
  return method === "POST" ? (/^\/storage\/v1\/object\/sign\/([^/]+)$/.exec(routePath)?.[1] ?? null) : null;
}

/**
 * Gap 9: lite's route for a batch of signed URLs is shadowed by the one for a single URL (which
 * then signed the empty name and failed). Each path is signed on its own, through lite's single
 * route with the caller's headers, and answered as Storage answers a batch: an item per path,
 * with `signedURL`, or null and the error for a path the caller may not read or that is missing.
 */
export async function signMany(body: Buffer, signOne: (path: string, expiresIn: number) => Promise<Response>): Promise<StorageAnswer> {
  let input: { expiresIn?: unknown; paths?: unknown };
  try {
    input = JSON.parse(body.toString("utf8"));
  } catch {
    input = {};
  }
  const { expiresIn, paths } = input ?? {};
  if (typeof expiresIn !== "number" || !Array.isArray(paths) || !paths.every((p) => typeof p === "string")) {
    return storageError(400, "400", "InvalidRequest", "InvalidRequest", "body must have expiresIn (a number) and paths (an array of strings)");
  }
  const items = [];
  for (const path of paths as string[]) {
    const r = await signOne(path, expiresIn);
    const answer = (await r.json()) as { signedUrl?: string };
    items.push(
      r.ok && answer.signedUrl
        ? { error: null, path, signedURL: answer.signedUrl.replace(/^\/storage\/v1/, "") }
        : { error: "Either the object does not exist or you do not have access to it", path, signedURL: null },
    );
  }
  return { status: 200, body: items as unknown as Record<string, unknown> };
}

/** Gap 7: Storage's error code for each of lite's errors. */
function errorCode(e: { statusCode?: unknown; error?: unknown; message?: unknown }): string | undefined {
  if (e.message === "Object not found") return "NoSuchKey";
  if (e.message === "Bucket not found") return "NoSuchBucket";
  if (e.error === "invalid_mime_type") return "InvalidMimeType";
  if (e.statusCode === "413") return "EntityTooLarge";
  if (e.statusCode === "409") return "Duplicate";
  if (e.statusCode === "403") return "AccessDenied";
  if (e.error === "InvalidJWT") return "InvalidJWT";
  if (e.error === "Invalid key") return "InvalidKey";
  return undefined;
}

/** Gaps 1 and 7: lite's JSON answer with Storage's fields; any other answer as it is. */
export function storageAnswer(method: string, routePath: string, status: number, body: unknown): unknown {
  const stripped = (url: unknown) => (typeof url === "string" ? url.replace(/^\/storage\/v1/, "") : url);
  if (status === 200 && method === "POST" && body && typeof body === "object" && "signedUrl" in body) {
    const { signedUrl, ...rest } = body as Record<string, unknown>;
    return /^\/storage\/v1\/object\/upload\/sign\//.test(routePath) ? { ...rest, url: stripped(signedUrl) } : { ...rest, signedURL: stripped(signedUrl) };
  }
  if (status >= 400 && body && typeof body === "object" && !Array.isArray(body) && !("code" in body)) {
    const code = errorCode(body as Record<string, unknown>);
    return code ? { ...body, code } : body;
  }
  return body;
}
