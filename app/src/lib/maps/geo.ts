// Points on the Earth as the app passes them around, and what it needs to draw and link them.

export interface Point {
  lat: number;
  lng: number;
}

/** A PostGIS point as REST returns a geography column: (E)WKB in hex. */
export function pointOfWkb(hex: string): Point | null {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex) || hex.length < 42) return null;
  const bytes = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  const view = new DataView(bytes.buffer);
  const little = bytes[0] === 1;
  const type = view.getUint32(1, little);
  if ((type & 0xff) !== 1) return null; // not a point
  const at = type & 0x20000000 ? 9 : 5; // an SRID follows the type in EWKB
  if (bytes.length < at + 16) return null;
  return { lng: view.getFloat64(at, little), lat: view.getFloat64(at + 8, little) };
}

/**
 * A `geo:` URI (RFC 5870) for directions: phones open it in their maps app. The label goes in
 * the `q` parameter, which Android's maps apps show as the pin's name.
 */
export function geoLink(p: Point, label: string): string {
  const at = `${p.lat.toFixed(6)},${p.lng.toFixed(6)}`;
  return `geo:${at}?q=${at}(${encodeURIComponent(label)})`;
}

/** Great-circle distance in metres (haversine; enough for a few kilometres of city). */
export function metresBetween(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008 * Math.asin(Math.sqrt(h));
}

/** Web Mercator, as map tiles are cut: world pixels at zoom z, 256 per tile. */
export function worldPixel(p: Point, zoom: number): { x: number; y: number } {
  const size = 256 * 2 ** zoom;
  const sin = Math.sin((Math.max(-85.0511, Math.min(85.0511, p.lat)) * Math.PI) / 180);
  return { x: ((p.lng + 180) / 360) * size, y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size };
}

/** The inverse of worldPixel. */
export function pointAt(x: number, y: number, zoom: number): Point {
  const size = 256 * 2 ** zoom;
  const n = Math.PI - (2 * Math.PI * y) / size;
  return { lat: (180 / Math.PI) * Math.atan(Math.sinh(n)), lng: (x / size) * 360 - 180 };
}

export interface MapView {
  zoom: number;
  /** World pixel of the view's top-left corner at that zoom. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** The tiles that cover the view: x, y at the zoom, and where they go in the view. */
  tiles: { x: number; y: number; left: number; top: number }[];
}

/**
 * The view of a width × height map that shows every point, and at least minRadiusM around their
 * middle: the highest whole zoom (tiles come in whole zooms) at which they fit.
 */
export function fitView(points: Point[], width: number, height: number, minRadiusM = 300): MapView {
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  const middle = points.length === 0 ? { lat: 0, lng: 0 } : { lat: (Math.min(...lats) + Math.max(...lats)) / 2, lng: (Math.min(...lngs) + Math.max(...lngs)) / 2 };
  // minRadiusM north and east of the middle, as points, so they fit too.
  const dLat = minRadiusM / 110_540;
  const dLng = minRadiusM / (111_320 * Math.cos((middle.lat * Math.PI) / 180));
  const all = [...points, { lat: middle.lat + dLat, lng: middle.lng + dLng }, { lat: middle.lat - dLat, lng: middle.lng - dLng }];
  let zoom = 18;
  for (; zoom > 2; zoom--) {
    const px = all.map((p) => worldPixel(p, zoom));
    const spanX = Math.max(...px.map((p) => p.x)) - Math.min(...px.map((p) => p.x));
    const spanY = Math.max(...px.map((p) => p.y)) - Math.min(...px.map((p) => p.y));
    // A margin so markers at the edge are whole.
    if (spanX <= width * 0.85 && spanY <= height * 0.85) break;
  }
  const c = worldPixel(middle, zoom);
  const left = c.x - width / 2;
  const top = c.y - height / 2;
  const tiles: MapView["tiles"] = [];
  const count = 2 ** zoom;
  for (let ty = Math.floor(top / 256); ty * 256 < top + height; ty++) {
    if (ty < 0 || ty >= count) continue;
    for (let tx = Math.floor(left / 256); tx * 256 < left + width; tx++) {
      tiles.push({ x: ((tx % count) + count) % count, y: ty, left: tx * 256 - left, top: ty * 256 - top });
    }
  }
  return { zoom, left, top, width, height, tiles };
}

/** A tile's address from a template with {z}, {x} and {y} (as OpenStreetMap's). */
export function tileUrl(template: string, zoom: number, x: number, y: number): string {
  return template.replaceAll("{z}", String(zoom)).replaceAll("{x}", String(x)).replaceAll("{y}", String(y));
}
