import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { db, PASSWORD, signUp, uniqueEmail } from "../support/env.js";
import { appUrl, fillSignIn, fillSignUp, phone, screen, signIn, t, waitForAsync, waitForPath } from "./browser.js";

const sql = db();
after(() => sql.end());

const accountsWith = async (email: string) => (await sql`select count(*)::int as n from auth.users where email = ${email}`)[0]!.n as number;

describe("accounts in the browser", () => {
  test("the welcome, sign-in and sign-up screens", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.getByRole("heading", { level: 1, name: t.landing.title }).waitFor();
    await screen(page, "welcome");
    await page.getByRole("link", { name: t.landing.signIn }).click();
    await waitForPath(page, "/sign-in");
    await screen(page, "sign-in");
    await page.getByRole("link", { name: t.signIn.signUpLink }).click();
    await waitForPath(page, "/sign-up");
    await screen(page, "sign-up");
    await context.close();
  });

  for (const role of ["customer", "merchant", "rider"] as const) {
    test(`a ${role} signs up, lands on their area, signs out and signs in again`, async () => {
      const context = await phone();
      const page = await context.newPage();
      const email = uniqueEmail(`ui-${role}`);
      const name = `Asha ${role}`;

      await fillSignUp(page, { role, name, email, password: PASSWORD });
      await waitForPath(page, `/${role}`);
      await page.getByRole("heading", { level: 1, name: t.areas[role].title }).waitFor();
      await page.getByText(t.areas.hello(name)).waitFor();
      const [profile] = await sql`select p.role, p.full_name, p.status from public.profiles p join auth.users u on u.id = p.id where u.email = ${email}`;
      assert.deepEqual({ ...profile }, { role, full_name: name, status: "active" });
      await screen(page, `${role}-home`);

      await page.getByRole("button", { name: t.signOut.submit }).click();
      await waitForPath(page, "/sign-in");
      // Signed out for real: the area sends the visitor back to sign-in.
      await page.goto(`${appUrl}/${role}`);
      await waitForPath(page, "/sign-in");

      await fillSignIn(page, email, PASSWORD);
      await waitForPath(page, `/${role}`);
      await page.getByText(t.areas.hello(name)).waitFor();
      await context.close();
    });
  }

  test("bad input is refused field by field and creates nothing", async () => {
    const context = await phone();
    const page = await context.newPage();
    const email = "not-an-email";
    await fillSignUp(page, { name: "", email, password: "short" });

    const error = (field: string) => page.locator(`#${field}-error`);
    await error("email").getByText(t.validation.emailInvalid).waitFor();
    await error("password").getByText(t.validation.passwordShort).waitFor();
    await error("full_name").getByText(t.validation.nameRequired).waitFor();
    await page.locator("#role-error").getByText(t.validation.roleRequired).waitFor();
    await page.getByText(t.validation.fixErrors(4)).waitFor();
    // Each error is tied to its field for screen readers, and the field is marked invalid.
    for (const field of ["email", "password", "full_name"]) {
      const input = page.locator(`input#${field}`);
      assert.equal(await input.getAttribute("aria-invalid"), "true", field);
      assert.match((await input.getAttribute("aria-describedby")) ?? "", new RegExp(`\\b${field}-error\\b`), field);
    }
    assert.equal(await page.locator("fieldset").getAttribute("aria-describedby"), "role-error");
    assert.equal(await page.getByLabel(t.fields.email).inputValue(), email);
    await screen(page, "sign-up-errors");
    assert.equal(await accountsWith(email), 0);

    // A valid email with a short password: still nothing created.
    const real = uniqueEmail("ui-short");
    await fillSignUp(page, { role: "customer", name: "Short Password", email: real, password: "1234567" });
    await error("password").getByText(t.validation.passwordShort).waitFor();
    assert.equal(await page.locator("#email-error").count(), 0);
    assert.equal(await accountsWith(real), 0);
    await context.close();
  });

  test("with the script running, a refused form moves focus to the first problem", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-up`);
    // The root layout registers the service worker once the page's script runs.
    await waitForAsync(page, async () => (await navigator.serviceWorker.getRegistration()) !== undefined);
    await page.getByLabel(t.fields.fullName).fill("Meera");
    await page.getByLabel(t.fields.email).fill("meera@");
    await page.getByRole("button", { name: t.signUp.submit }).click();
    await page.locator("#email-error").getByText(t.validation.emailInvalid).waitFor();
    // The role comes first in the form, so its first choice gets the focus.
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.name === "role");
    await page.getByRole("radio", { name: t.roles.rider.label }).check();
    await page.getByRole("button", { name: t.signUp.submit }).click();
    await page.waitForFunction(() => document.activeElement?.id === "email");
    assert.equal(await page.locator("#role-error").count(), 0);
    await context.close();
  });

  test("an email already in use is named on the email field", async () => {
    const { email } = await signUp("customer", "ui-taken");
    const context = await phone();
    const page = await context.newPage();
    await fillSignUp(page, { role: "rider", name: "Someone Else", email, password: PASSWORD });
    await page.locator("#email-error").getByText(t.signUp.emailTaken).waitFor();
    assert.equal(await accountsWith(email), 1);
    await context.close();
  });

  test("a wrong password is refused without saying which part was wrong", async () => {
    const { email } = await signUp("customer", "ui-wrong");
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in`);
    await fillSignIn(page, email, "not-the-password");
    await page.getByText(t.signIn.wrongCredentials).waitFor();
    await waitForPath(page, "/sign-in");
    await screen(page, "sign-in-refused");
    await context.close();
  });

  test("a suspended account signs in and is told it can change nothing", async () => {
    const { email, userId } = await signUp("merchant", "ui-suspended");
    await sql`update public.profiles set status = 'suspended', status_reason = 'Documents expired' where id = ${userId}`;
    const context = await phone();
    const page = await context.newPage();
    await signIn(page, email, "/merchant");
    const notice = page.getByRole("alert").filter({ hasText: t.areas.suspended.title });
    await notice.getByText(t.areas.suspended.body).waitFor();
    await notice.getByText(t.areas.suspended.reason("Documents expired")).waitFor();
    await screen(page, "suspended");

    // An active account sees no such notice.
    await sql`update public.profiles set status = 'active' where id = ${userId}`;
    await page.reload();
    await page.getByRole("heading", { level: 1, name: t.areas.merchant.title }).waitFor();
    assert.equal(await page.getByText(t.areas.suspended.title).count(), 0);
    await context.close();
  });

  test("an admin signing in is sent to Supabase Studio", async () => {
    const { email, userId } = await signUp("customer", "ui-admin");
    await sql`update public.profiles set role = 'admin' where id = ${userId}`;
    const context = await phone();
    const page = await context.newPage();
    await signIn(page, email, "/admin");
    await page.getByRole("heading", { level: 1, name: t.areas.admin.title }).waitFor();
    await screen(page, "admin");
    await context.close();
  });
});
