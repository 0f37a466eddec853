// Returns the caller's own profile, read through the API under the caller's JWT and RLS.
// GET /functions/v1/whoami?fields=role,full_name (fields optional)
import { z } from "../_shared/deps.ts";
import { callerClient, callerId, corsHeaders, json, problem } from "../_shared/http.ts";

const FIELDS = ["id", "role", "status", "full_name", "phone", "created_at", "updated_at"] as const;
const Query = z.object({
  fields: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").map((f) => f.trim()) : [...FIELDS]))
    .pipe(z.array(z.enum(FIELDS)).min(1)),
});

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  if (req.method !== "GET") return problem(405, "method_not_allowed", "Use GET.");

  const userId = callerId(req);
  if (!userId) return problem(401, "sign_in_required", "Sign in to see your profile.");

  const parsed = Query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return problem(400, "invalid_request", "The query is not valid.", z.flattenError(parsed.error).fieldErrors);

  const { data, error } = await callerClient(req)
    .from("profiles")
    .select(parsed.data.fields.join(","))
    .eq("id", userId)
    .maybeSingle();
  if (error) return problem(502, "database_error", error.message);
  if (!data) return problem(404, "profile_not_found", "No profile for this account.");
  return json(200, data);
});
