// Lint rules for every part of the project: the stack, seed, tests and benchmarks (Node), the
// Edge Functions (Deno) and the app (SvelteKit). Types are checked by tsc, svelte-check and
// deno check; these rules catch what compiles but is likely a mistake.
import js from "@eslint/js";
import ts from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import svelteConfig from "./app/svelte.config.js";

export default ts.config(
  {
    ignores: ["**/node_modules/**", "**/.svelte-kit/**", "app/build/**", ".stack/**", "test-results/**", "app/src/lib/database.types.ts"],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // TypeScript resolves names itself (DOM types such as FormDataEntryValue included).
      "no-undef": "off",
      // `_name` marks a value kept unused on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/*.js"],
    rules: { "no-undef": "error" },
  },
  {
    files: ["app/**/*.{ts,js,svelte}"],
    languageOptions: { globals: { ...globals.browser, ...globals.serviceworker } },
    rules: {
      // The app is served from the origin's root (no `paths.base`), so plain hrefs are the resolved ones.
      "svelte/no-navigation-without-resolve": "off",
      // `{" "}` keeps a space that Svelte would trim at the edge of a block.
      "svelte/no-useless-mustaches": "off",
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: [".svelte"], svelteConfig } },
  },
  {
    files: ["supabase/functions/**/*.ts", "stack/deno/**/*.ts"],
    languageOptions: { globals: { Deno: "readonly" } },
  },
  {
    // Tests and benchmarks read protocol frames and JSON bodies whose shape is what they check.
    files: ["tests/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
