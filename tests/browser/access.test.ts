import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import { signJwt } from "../../stack/lib/jwt.js";
import { env, PASSWORD, signUp } from "../support/env.js";
import { appUrl, fillSignIn, phone, screen, signIn, t, waitForPath } from "./browser.js";


describe("who may open which area", () => {
  test("a customer opening the merchant area gets a 403 page with a way back to their own", async () => {
    const { email } = await signUp("customer", "ui-nosy");
    const context = await phone();
    const page = await context.newPage();
    await signIn(page, email, "/customer");

    const response = await page.goto(`${appUrl}/merchant`);
    assert.equal(response?.status(), 403);
    await page.getByRole("heading", { level: 1, name: t.errors.forbiddenTitle }).waitFor();
    await page.getByText(t.errors.forbidden).waitFor();
    await screen(page, "forbidden");
    await page.getByRole("link", { name: t.errors.goHome }).click();
    await waitForPath(page, "/customer");

    // A form post into another role's area is refused before anything runs.
    const post = await page.request.post(`${appUrl}/rider`, { form: { anything: "1" }, headers: { origin: appUrl }, maxRedirects: 0 });
    assert.equal(post.status(), 403);

    // Signed in, the welcome and sign-in pages lead to the person's own area.
    await page.goto(`${appUrl}/sign-in`);
    await waitForPath(page, "/customer");
    await context.close();
  });

  test("a signed-out visitor is sent to sign-in, then to the page they asked for", async () => {
    const { email } = await signUp("rider", "ui-visitor");
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${appUrl}/rider`);
    await page.waitForURL((u) => u.pathname === "/sign-in" && u.searchParams.get("next") === "/rider");
    await fillSignIn(page, email, PASSWORD);
    await waitForPath(page, "/rider");
    await context.close();
  });

  test("after sign-in a page in another role's area is not where anyone is sent", async () => {
    const { email } = await signUp("customer", "ui-next");
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in?next=${encodeURIComponent("/merchant")}`);
    await fillSignIn(page, email, PASSWORD);
    await waitForPath(page, "/customer");
    await context.close();
  });

  test("a session cookie that Auth did not issue is not believed", async () => {
    const { supabase, userId, email } = await signUp("merchant", "ui-forged");
    const {
      data: { session },
    } = await supabase.auth.getSession();
    assert.ok(session);
    // The cookie @supabase/ssr keeps the session in, as the browser would hold it.
    const cookie = (value: object) => ({
      name: `sb-${new URL(env.apiUrl).hostname.split(".")[0]}-auth-token`,
      value: `base64-${Buffer.from(JSON.stringify(value)).toString("base64url")}`,
      url: appUrl,
    });

    // The real session in that cookie opens the merchant's area...
    const genuine = await phone();
    await genuine.addCookies([cookie(session)]);
    const page = await genuine.newPage();
    await page.goto(`${appUrl}/merchant`);
    await page.getByRole("heading", { level: 1, name: t.areas.merchant.title }).waitFor();
    await genuine.close();

    // ...the same session with a token signed by anyone else does not.
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: userId, email, role: "authenticated", aud: "authenticated", session_id: randomUUID(), iat: now, exp: now + 3600 };
    const forged = await phone();
    await forged.addCookies([cookie({ ...session, access_token: signJwt(claims, "a-secret-that-is-not-the-projects-secret") })]);
    const forgedPage = await forged.newPage();
    await forgedPage.goto(`${appUrl}/merchant`);
    await forgedPage.waitForURL((u) => u.pathname === "/sign-in");
    await forged.close();
  });
});
