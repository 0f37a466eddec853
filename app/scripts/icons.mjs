// Draws the app icons (a white shopping bag on the theme green) into static/icons/ as PNGs,
// with no image library and nothing downloaded: `node app/scripts/icons.mjs`.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const GREEN = [0x0f, 0x6b, 0x3a];
const WHITE = [0xff, 0xff, 0xff];
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "static", "icons");

/** Is (x, y), in units of the icon's side (0..1), inside the bag drawn at `scale` around the centre? */
function inBag(x, y, scale) {
  const u = (x - 0.5) / scale + 0.5;
  const v = (y - 0.5) / scale + 0.5;
  const body = u >= 0.2 && u <= 0.8 && v >= 0.38 && v <= 0.85;
  const r = Math.hypot(u - 0.5, v - 0.38);
  const handle = v <= 0.38 && r >= 0.12 && r <= 0.175;
  return body || handle;
}

/** Inside the rounded square of a regular icon, or anywhere for a maskable one (full bleed). */
function inBackground(x, y, rounded) {
  if (!rounded) return true;
  const r = 0.2;
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  return dx * dx + dy * dy <= r * r;
}

function draw(size, { rounded, scale }) {
  const samples = 4; // 4x4 supersampling for smooth edges
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let bag = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (inBackground(x, y, rounded)) {
            bg++;
            if (inBag(x, y, scale)) bag++;
          }
        }
      const n = samples * samples;
      const mix = bg ? bag / bg : 0;
      const o = 1 + px * 4;
      for (let c = 0; c < 3; c++) row[o + c] = Math.round(GREEN[c] * (1 - mix) + WHITE[c] * mix);
      row[o + 3] = Math.round((255 * bg) / n);
    }
    rows.push(row);
  }
  return png(size, Buffer.concat(rows));
}

function png(size, raw) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

fs.mkdirSync(out, { recursive: true });
// A maskable icon's glyph stays inside the central 80 % that every mask shape keeps.
const icons = {
  "icon-192.png": draw(192, { rounded: true, scale: 1 }),
  "icon-512.png": draw(512, { rounded: true, scale: 1 }),
  "maskable-512.png": draw(512, { rounded: false, scale: 0.7 }),
  "apple-touch-icon.png": draw(180, { rounded: false, scale: 0.8 }),
  "favicon-32.png": draw(32, { rounded: true, scale: 1 }),
};
for (const [name, data] of Object.entries(icons)) fs.writeFileSync(path.join(out, name), data);
console.log(`wrote ${Object.keys(icons).join(", ")} to static/icons/`);
