// The app's zod: the functional build (zod/mini) the shared contracts use, with English messages,
// so that a page carries only the checks it uses.
export { z } from "../../../supabase/functions/_shared/contracts/zod.ts";
