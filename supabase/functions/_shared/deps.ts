// Every npm package the Edge Functions use, pinned in one place (npm: specifiers only).
export { z } from "npm:zod@4.6.7";
export { default as postgres } from "npm:postgres@3.4.9";
// @deno-types="npm:@types/web-push@3.6.4"
export { default as webpush } from "npm:web-push@3.6.7";
