import { tick } from "svelte";
import type { SubmitFunction } from "@sveltejs/kit";
import { t } from "../i18n/index.js";

interface FormState {
  /** True while the form is being sent, for a loading state. */
  busy: boolean;
  /** Why the form could not be sent at all (no connection, a server failure), shown in the form. */
  problem: string | undefined;
}

/**
 * Progressive enhancement for a form: reports when it is busy, keeps what was typed when the
 * server refuses, moves focus to the first field with an error, and keeps the person on the form
 * with a message when it could not be sent. `enter`: a redirect is followed with a full page
 * load, as for signing in: the signed-in area's page then arrives as a navigation the service
 * worker keeps, so the app opened offline from its icon finds the person's home.
 */
export function enhanceForm(state: FormState, { enter = false }: { enter?: boolean } = {}): SubmitFunction {
  return ({ formElement }) => {
    state.busy = true;
    state.problem = undefined;
    return async ({ result, update }) => {
      if (enter && result.type === "redirect") {
        location.assign(result.location);
        return;
      }
      try {
        // A failed fetch carries no status; a server failure does.
        if (result.type === "error") state.problem = result.status ? t.errors.generic : t.errors.unreachable;
        else await update({ reset: false });
      } finally {
        state.busy = false;
      }
      await tick();
      // A radio group with an error marks its fieldset, since radios cannot carry aria-invalid.
      formElement.querySelector<HTMLElement>('[aria-invalid="true"], fieldset[data-invalid] input')?.focus();
    };
  };
}
