// Reading what the server answered (refusal.ts): pure logic, no server.
import { it } from "node:test";
import assert from "node:assert/strict";
import { $ZodError as ZodError } from "zod/v4/core";
import { z } from "../zod.js";
import { validRows } from "./refusal.js";

it("a list keeps the rows it can read: one row of an unexpected shape is left out and logged", () => {
  const logged: string[] = [];
  const row = z.object({ id: z.string(), rating: z.nullable(z.number()) });
  const rows = [{ id: "a", rating: 4.6 }, { id: "b", rating: "4.0" }, { id: "c", rating: null }];
  assert.deepEqual(validRows(row, rows, "nearby_stores", (m) => logged.push(m)), [rows[0], rows[2]]);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /^nearby_stores: row 1 left out \(.*rating.*\): \{"id":"b","rating":"4.0"\}$/);
  assert.throws(() => validRows(row, { not: "a list" }, "nearby_stores"), ZodError, "an answer that is not a list at all is still an error");
});
