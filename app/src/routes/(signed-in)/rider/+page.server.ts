import { fail, redirect } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { claim, readyJobs, type ReadyJob } from "$lib/deliveries/deliveries";
import { currentJob, myShift } from "$lib/deliveries/shift";
import { t, type Messages } from "$lib/i18n";
import { Refused } from "$lib/orders/refusal";
import { myRiderRating } from "$lib/ratings/ratings";
import { logLoadFailure } from "$lib/server/failure";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, route }) => {
  const { profile } = await locals.safeGetSession();
  try {
    const [shift, job, rating] = await Promise.all([
      myShift(locals.supabase, profile!.id),
      currentJob(locals.supabase, profile!.id),
      myRiderRating(locals.supabase, profile!.id).catch(() => null),
    ]);
    const jobs = shift.available && !job ? await readyJobs(locals.supabase) : [];
    return { shift, job, jobs, rating, failed: false };
  } catch (e) {
    logLoadFailure(route, "the shift and jobs", e);
    return { shift: { available: false, lastSeenAt: null }, job: null, jobs: [] as ReadyJob[], rating: null, failed: true };
  }
};

type Known = Exclude<keyof Messages["rider"]["jobs"]["refused"], "other">;
const known = (code: string): code is Known => code in t.rider.jobs.refused && code !== "other";

export const actions: Actions = {
  // Online only: a claim is a race for a job now, not something to queue for later.
  claim: async ({ request, locals }) => {
    const id = z.uuid().safeParse((await request.formData()).get("order_id"));
    if (!id.success) return fail(400, { orderId: null, refused: t.rider.jobs.refused.other(t.errors.generic), gone: false });
    try {
      await claim(locals.supabase, id.data);
    } catch (e) {
      if (!(e instanceof Refused)) return fail(400, { orderId: id.data, refused: t.rider.jobs.refused.other(t.errors.generic), gone: false });
      const message = known(e.code) ? t.rider.jobs.refused[e.code] : t.rider.jobs.refused.other(e.message);
      // Taken or gone: the list drops it.
      const gone = e.code === "already_claimed" || e.code === "job_not_found";
      return fail(e.status >= 400 && e.status < 500 ? e.status : 400, { orderId: id.data, refused: message, gone });
    }
    redirect(303, `/rider/jobs/${id.data}`);
  },
};
