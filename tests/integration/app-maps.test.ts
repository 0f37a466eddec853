// The app's map geometry (app/src/lib/maps/geo.ts) against PostGIS: the points REST gives for
// geography columns read back. The pure geometry is tested beside it (geo.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { pointOfWkb } from "../../app/src/lib/maps/geo.js";

const pune = { lat: 18.5204, lng: 73.8567 };

describe("map points from PostGIS", () => {
  it("reads the points PostGIS gives REST for geography columns", async () => {
    const sql = postgres(process.env.DB_URL!, { max: 1 });
    try {
      const [row] = await sql<{ wkb: string; plain: string }[]>`
        select st_setsrid(st_makepoint(73.8567, 18.5204), 4326)::geography::text as wkb,
               encode(st_asbinary(st_makepoint(73.8567, 18.5204)), 'hex') as plain`;
      assert.deepEqual(pointOfWkb(row!.wkb), pune);
      assert.deepEqual(pointOfWkb(row!.plain), pune);
    } finally {
      await sql.end();
    }
    assert.equal(pointOfWkb("not hex"), null);
    assert.equal(pointOfWkb("0102000000"), null);
  });

});
