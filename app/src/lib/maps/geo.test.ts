// The app's map geometry (geo.ts): pure logic, no server. geo: links for directions, distances,
// and the view that fits the markers over whole-zoom tiles.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fitView, geoLink, metresBetween, pointAt, tileUrl, worldPixel } from "./geo.js";

const pune = { lat: 18.5204, lng: 73.8567 };

describe("map geometry", () => {
  it("links directions as geo: URIs with the place's name", () => {
    assert.equal(geoLink(pune, "Joshi & Sons"), "geo:18.520400,73.856700?q=18.520400,73.856700(Joshi%20%26%20Sons)");
  });

  it("measures metres between points", () => {
    // One degree of a meridian on the mean-radius sphere, and the same distance along the equator.
    assert.ok(Math.abs(metresBetween(pune, { lat: pune.lat + 1, lng: pune.lng }) - 111_195) < 1);
    assert.ok(Math.abs(metresBetween({ lat: 0, lng: 10 }, { lat: 0, lng: 11 }) - 111_195) < 1);
    assert.equal(metresBetween(pune, pune), 0);
  });

  it("converts between points and tile pixels both ways", () => {
    for (const zoom of [3, 12, 18]) {
      const { x, y } = worldPixel(pune, zoom);
      const back = pointAt(x, y, zoom);
      assert.ok(Math.abs(back.lat - pune.lat) < 1e-9 && Math.abs(back.lng - pune.lng) < 1e-9);
    }
    assert.equal(tileUrl("https://tiles.example/{z}/{x}/{y}.png", 15, 23092, 14659), "https://tiles.example/15/23092/14659.png");
  });

  it("fits every marker in the view at the closest whole zoom, with tiles covering it", () => {
    const points = [pune, { lat: 18.53, lng: 73.87 }, { lat: 18.51, lng: 73.84 }];
    const view = fitView(points, 360, 280);
    for (const p of points) {
      const { x, y } = worldPixel(p, view.zoom);
      assert.ok(x > view.left && x < view.left + 360 && y > view.top && y < view.top + 280);
    }
    // One zoom closer and they would not fit.
    const closer = points.map((p) => worldPixel(p, view.zoom + 1));
    const span = Math.max(...closer.map((p) => p.x)) - Math.min(...closer.map((p) => p.x));
    assert.ok(span > 360 * 0.85 || Math.max(...closer.map((p) => p.y)) - Math.min(...closer.map((p) => p.y)) > 280 * 0.85);
    // The tiles leave no gap: every corner of the view is on one.
    for (const [cx, cy] of [[0, 0], [359, 0], [0, 279], [359, 279]] as const) {
      assert.ok(view.tiles.some((tile) => cx >= tile.left && cx < tile.left + 256 && cy >= tile.top && cy < tile.top + 256));
    }
    // A single point still shows its surroundings (at least the minimum radius).
    const alone = fitView([pune], 360, 280, 300);
    const edge = pointAt(alone.left + 360, alone.top + 140, alone.zoom);
    assert.ok(metresBetween(pune, edge) >= 300);
  });
});
