// A reserved connection whose backend is terminated, then used again, then released: the
// sequence that made postgres.js 3.4.9 throw from a timer and kill the process, or wait for
// ever (stack/bin/patch-postgres.mjs). Run under Node and under Deno by
// tests/integration/postgres-driver.test.ts with the postgres.js each of them loads.
export async function closedConnection(postgres, url) {
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const killer = postgres(url, { max: 1, onnotice: () => {} });
  // A query that never settles would leave the test waiting; say so instead.
  const settled = (query) =>
    Promise.race([
      query.then(() => "ok", (e) => e.code ?? e.message),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 10 s"), 10_000).unref?.()),
    ]);
  try {
    const reserved = await sql.reserve();
    const [{ pid }] = await reserved`select pg_backend_pid() as pid`;
    await killer`select pg_terminate_backend(${pid})`;
    const first = await settled(reserved`select 1`);
    const second = await settled(reserved`select 1`);
    reserved.release();
    // Four times the pool's size: every connection is used, the dead one would be among them.
    const after = await Promise.all(Array.from({ length: 8 }, (_, n) => settled(sql`select ${n}::int as n`)));
    return { first, second, after };
  } finally {
    await Promise.all([sql.end({ timeout: 1 }), killer.end({ timeout: 1 })]);
  }
}
