import { readLocation } from "../location";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ cookies }) => ({ location: readLocation(cookies) });
