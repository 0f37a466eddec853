import type { Database } from "../database.types.js";

export type Role = Database["public"]["Enums"]["app_role"];

/** Roles a person may choose at sign-up; admin is never self-assigned (the database refuses it). */
export const signUpRoles = ["customer", "merchant", "rider"] as const satisfies readonly Role[];

const roles: readonly string[] = ["customer", "merchant", "rider", "admin"] satisfies Role[];

/** Each role has one area of the app, at /<role>. */
export const homeOf = (role: Role): string => `/${role}`;

/** The role whose area a path is in, or null for paths outside every area. */
export function areaOf(pathname: string): Role | null {
  const first = pathname.split("/")[1] ?? "";
  return roles.includes(first) ? (first as Role) : null;
}

/**
 * Where to go after signing in: the page asked for when it is in the user's own area (a local
 * path only, never another site), otherwise the area's home.
 */
export function landingFor(role: Role, next: string | null): string {
  if (next && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") && areaOf(next.split(/[?#]/)[0]!) === role) return next;
  return homeOf(role);
}
