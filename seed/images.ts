// Product photos for the seeded city, drawn here rather than downloaded: each aisle its own
// colour and a simple glyph, as a small PNG, uploaded through the Storage API like a merchant's
// photo (`{store_id}/{product_id}/{file}` in product-images) and named on the product's row.
import { deflateSync } from "node:zlib";
import type postgres from "postgres";
import { BUCKETS, placeholderFor } from "../app/src/lib/images/images.js";

/** The photos drawn: square, this many pixels a side. */
const SIDE = 160;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGB image (`rgb`: width × height × 3 bytes) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 3 + 1)] = 0; // no filter
    rows.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(rows, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Glyphs as "is this point inside", on coordinates from -1 to 1 across the picture. */
const GLYPHS: ((x: number, y: number) => boolean)[] = [
  (x, y) => x * x + y * y < 0.36, // disc
  (x, y) => Math.abs(x) < 0.5 && Math.abs(y) < 0.5, // square
  (x, y) => y < 0.45 && y > -0.55 + 2 * Math.abs(x), // triangle
  (x, y) => Math.abs(x) + Math.abs(y) < 0.65, // diamond
  (x, y) => x * x + y * y < 0.42 && x * x + y * y > 0.16, // ring
  (x, y) => x * x + (y - 0.2) ** 2 < 0.18 || (y < 0.2 && Math.abs(x) < (y + 0.65) * 0.5), // drop
  (x, y) => [-0.45, 0, 0.45].some((cx) => (x - cx) ** 2 + y * y < 0.03), // three dots
  (x, y) => Math.abs(y) < 0.12 || Math.abs(x) < 0.12, // plus
];

/**
 * The aisle's picture: a glyph on the aisle's own colour, the same hue as the tile the app shows
 * for a product without a photo. Edges are smoothed with four samples a pixel.
 */
export function aislePicture(aisle: string): Buffer {
  const { hue } = placeholderFor(aisle);
  let hash = 7;
  for (const c of aisle) hash = (hash * 131 + c.charCodeAt(0)) >>> 0;
  const glyph = GLYPHS[hash % GLYPHS.length]!;
  const back = hsl(hue, 0.45, 0.82);
  const fore = hsl(hue, 0.5, 0.36);
  const rgb = new Uint8Array(SIDE * SIDE * 3);
  for (let py = 0; py < SIDE; py++) {
    for (let px = 0; px < SIDE; px++) {
      let inside = 0;
      for (const [dx, dy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) {
        if (glyph(((px + dx) / SIDE) * 2 - 1, ((py + dy) / SIDE) * 2 - 1)) inside += 0.25;
      }
      for (let c = 0; c < 3; c++) rgb[(py * SIDE + px) * 3 + c] = Math.round(back[c]! * (1 - inside) + fore[c]! * inside);
    }
  }
  return encodePng(SIDE, SIDE, rgb);
}

export interface PhotoTarget {
  apiUrl: string;
  /** Storage writes of the seed: the service role, which policies do not limit. */
  serviceRoleKey: string;
}

/** Products (of the nearest shops first) that get a photo: two in five, up to this many. */
export const SEEDED_PHOTOS = 600;
const UPLOADS_AT_ONCE = 6;

/**
 * Gives a share of the city's products a photo: two in five products (chosen by their id, so the
 * same city gets the same ones), in the shops nearest `around` first, up to `max`. Photos of
 * shops that no longer exist (a replaced city) are removed. Returns how many were uploaded.
 */
export async function seedProductPhotos(sql: postgres.Sql, target: PhotoTarget, around: { lat: number; lng: number }, max = SEEDED_PHOTOS): Promise<number> {
  const storage = `${target.apiUrl.replace(/\/$/, "")}/storage/v1`;
  const headers = { apikey: target.serviceRoleKey, authorization: `Bearer ${target.serviceRoleKey}` };

  const gone = await sql<{ name: string }[]>`
    select o.name from storage.objects o
    where o.bucket_id = ${BUCKETS.products}
      and not exists (select 1 from public.stores s where s.id::text = (storage.foldername(o.name))[1])`;
  for (let i = 0; i < gone.length; i += 100) {
    const response = await fetch(`${storage}/object/${BUCKETS.products}`, {
      method: "DELETE",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ prefixes: gone.slice(i, i + 100).map((o) => o.name) }),
    });
    if (!response.ok) throw new Error(`Storage refused to remove old photos: ${response.status} ${await response.text()}`);
  }

  const chosen = await sql<{ id: string; store_id: string; category: string }[]>`
    select p.id, p.store_id, p.category from public.products p join public.stores s on s.id = p.store_id
    where s.status = 'approved' and p.is_active and p.image_path is null
      and ('x' || substr(md5(p.id::text), 1, 8))::bit(32)::int % 5 in (0, 1)
    order by s.location operator(extensions.<->) extensions.st_setsrid(extensions.st_makepoint(${around.lng}, ${around.lat}), 4326)::extensions.geography, p.store_id, p.id
    limit ${max}`;
  const pictures = new Map<string, Buffer>();
  const named: { id: string; path: string }[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < chosen.length) {
      const p = chosen[next++]!;
      let png = pictures.get(p.category);
      if (!png) pictures.set(p.category, (png = aislePicture(p.category)));
      const path = `${p.store_id}/${p.id}/seed.png`;
      const response = await fetch(`${storage}/object/${BUCKETS.products}/${path}`, {
        method: "POST",
        headers: { ...headers, "content-type": "image/png", "x-upsert": "true", "cache-control": "max-age=31536000" },
        body: new Uint8Array(png),
      });
      if (!response.ok) throw new Error(`Storage refused a seeded photo: ${response.status} ${await response.text()}`);
      named.push({ id: p.id, path });
    }
  }
  await Promise.all(Array.from({ length: UPLOADS_AT_ONCE }, worker));
  if (named.length > 0) {
    await sql`update public.products p set image_path = n.path
              from unnest(${sql.array(named.map((n) => n.id))}::uuid[], ${sql.array(named.map((n) => n.path))}::text[]) as n(id, path)
              where p.id = n.id`;
  }
  return named.length;
}
