// Server-rendered pages and their data, compressed for slow networks: a store page's HTML is a
// tenth of its size in brotli. adapter-node already serves the built scripts and styles
// precompressed (precompress), but sends what the app renders as it is.
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import zlib from "node:zlib";

/** Types worth compressing: text, JSON and SvelteKit's data. Images and fonts are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json))/;
/** Below this a compressed body is not smaller enough to matter. */
const MIN_BYTES = 512;

/** The encoding to answer with, from the request's Accept-Encoding: brotli first, else gzip, else none. */
export function chooseEncoding(acceptEncoding: string | null): "br" | "gzip" | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return undefined;
}

/** The response compressed for the request, or as it was when it should not be. */
export function compress(request: Request, response: Response): Response {
  const type = response.headers.get("content-type") ?? "";
  const length = response.headers.get("content-length");
  const encoding = chooseEncoding(request.headers.get("accept-encoding"));
  if (
    !encoding ||
    request.method === "HEAD" ||
    !response.body ||
    response.status === 204 ||
    response.status === 304 ||
    response.headers.has("content-encoding") ||
    !COMPRESSIBLE.test(type) ||
    (length !== null && Number(length) < MIN_BYTES)
  ) {
    return response;
  }
  // Brotli at quality 5 compresses about as fast as gzip's default and a fifth smaller; each
  // chunk is flushed so a streamed page still arrives as it is written.
  const compressor =
    encoding === "br"
      ? zlib.createBrotliCompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } })
      : zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH });
  const body = Readable.fromWeb(response.body as NodeReadableStream).pipe(compressor);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("content-encoding", encoding);
  // The same page in another encoding is not byte-equal: as nginx does, the tag becomes weak.
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
  headers.append("vary", "Accept-Encoding");
  return new Response(Readable.toWeb(body) as ReadableStream, { status: response.status, statusText: response.statusText, headers });
}
