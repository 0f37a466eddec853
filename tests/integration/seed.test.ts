import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ROOT } from "../../stack/lib/paths.js";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import { client, db, env } from "../support/env.js";

const sql = db();
after(() => sql.end());

test("npm run seed loads the demo accounts into a named stack, and running it again changes nothing", async () => {
  const run = () =>
    spawnSync(process.execPath, ["--import", "tsx", "seed/cli.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, API_URL: env.apiUrl, ANON_KEY: env.anonKey, DB_URL: env.dbUrl },
    });
  assert.equal(run().status, 0);
  const [before] = await sql`select count(*)::int as n from auth.users`;
  const again = run();
  assert.equal(again.status, 0, again.stderr);
  const [afterwards] = await sql`select count(*)::int as n from auth.users`;
  assert.equal(afterwards!.n, before!.n);

  for (const a of DEMO_ACCOUNTS) {
    const supabase = client();
    const { error } = await supabase.auth.signInWithPassword({ email: a.email, password: DEMO_PASSWORD });
    assert.equal(error, null, a.email);
    const { data } = await supabase.rpc("my_profile");
    assert.equal(data?.role, a.role, `${a.email} is a ${a.role}`);
  }
});
