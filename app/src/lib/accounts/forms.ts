import { z } from "../zod.js";
import { t } from "../i18n/index.js";
import { signUpRoles } from "./roles.js";

// Messages are read when a check fails, so they come in the language of the request.
const email = z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email({ error: () => t.validation.emailInvalid }));

export const signInForm = z.object({
  email,
  password: z.string().check(z.minLength(1, { error: () => t.validation.passwordRequired })),
});

// 8 as supabase/config.toml asks of Auth; 72 is where bcrypt, which Auth hashes with, stops reading.
export const signUpForm = z.object({
  full_name: z.string().check(z.trim(), z.minLength(1, { error: () => t.validation.nameRequired }), z.maxLength(120, { error: () => t.validation.nameTooLong })),
  email,
  password: z.string().check(z.minLength(8, { error: () => t.validation.passwordShort }), z.maxLength(72, { error: () => t.validation.passwordLong })),
  role: z.enum(signUpRoles, { error: () => t.validation.roleRequired }),
});

/** What a form action sends back when it refuses: the values to show again and one message per field. */
export interface FormFailure<Field extends string> {
  values: Partial<Record<Field, string>>;
  errors: Partial<Record<Field | "form", string>>;
}

/** Reads a form's fields as strings (files and missing fields become empty strings). */
export function formValues<Field extends string>(form: FormData, fields: readonly Field[]): Record<Field, string> {
  const entries = fields.map((f) => {
    const v = form.get(f);
    return [f, typeof v === "string" ? v : ""] as const;
  });
  return Object.fromEntries(entries) as Record<Field, string>;
}

/** The first message for each field that failed validation. */
export function fieldErrors<Field extends string>(error: z.core.$ZodError): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as Field;
    errors[field] ??= issue.message;
  }
  return errors;
}
