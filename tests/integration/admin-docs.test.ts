// Every SQL example in docs/admin.md runs as written (ids filled in) against the real schema, as
// Studio's SQL editor would run it: as the database owner, each in a transaction rolled back.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../stack/lib/paths.js";
import { db, signUp } from "../support/env.js";

const sql = db();
after(() => sql.end());

const doc = fs.readFileSync(path.join(ROOT, "docs", "admin.md"), "utf8");
const blocks = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

test("docs/admin.md has SQL examples for every admin function and view", () => {
  const text = blocks.join("\n");
  for (const name of ["approve_store", "suspend_store", "reinstate_store", "suspend_account", "reinstate_account", "set_account_role", "store_applications", "stuck_orders", "audit_trail"]) {
    assert.match(text, new RegExp(`admin\\.${name}\\b`), `an example uses admin.${name}`);
  }
});

/** Rolls back whatever the block did, so every example starts from the same state. */
class Rollback extends Error {}

blocks.forEach((block, i) => {
  test(`docs/admin.md example ${i + 1} runs: ${block.split("\n").find((l) => !l.startsWith("--"))!.slice(0, 60)}`, async () => {
    const merchant = await signUp("merchant", `docs${i}`);
    const [store] = await sql`
      insert into public.stores (owner_id, name, address, location)
      values (${merchant.userId}, 'Docs Kirana', '3 MG Road, Pune', 'SRID=4326;POINT(73.85 18.52)')
      returning id`;
    const filled = block.replaceAll("<store_id>", store!.id).replaceAll("<user_id>", merchant.userId);
    let ran = false;
    await sql
      .begin(async (tx) => {
        // A reinstatement needs something suspended first, as it would be in real life.
        if (filled.includes("reinstate_account")) await tx`select admin.suspend_account(${merchant.userId}, 'set-up for the example')`;
        await tx.unsafe(filled);
        ran = true;
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    assert.ok(ran);
  });
});
